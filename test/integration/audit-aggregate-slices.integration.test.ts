import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../src-shared/api';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { slicedAggregate } from '../../src-main/app/sliced-aggregate';
import type { AggregateQuery, EventStore } from '../../src-main/audit/event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { openBridgeSession } from '../support/bridge-session';

/**
 * The Audit charts' counts are made a slice of buckets at a time, so a long count does not hold up
 * the window's other calls. Against a real event store whose events are spread unevenly (a quiet
 * week, then two busy days): every slicing gives exactly the rows of one query, a lookup asked
 * while a chart counts is answered before the count ends, and a count the page dropped (a new
 * filter) stops instead of running to its end for nobody.
 */
const HOUR = 3_600_000;
const START = Date.UTC(2026, 4, 1);

describe('chart counts made a slice at a time', () => {
  let home: string;
  let services: AppServices;
  let store: EventStore;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-slices-'));
    services = new AppServices({ home });
    store = services.eventStore();
    const quiet = [...syntheticKmsEvents({ count: 2_000, start: START, durationMs: 7 * 24 * HOUR, seed: 11 })];
    const busy = [...syntheticKmsEvents({ count: 60_000, start: START + 7 * 24 * HOUR, durationMs: 48 * HOUR, errorRate: 0.05, seed: 12 })];
    store.append([...quiet, ...busy].map((record) => ({ record })));
  }, 120_000);
  afterAll(async () => {
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  const queries: [string, AggregateQuery][] = [
    ['all calls by operation, per hour, from mid-bucket', { by: 'eventName', startTime: START + 17 * 60_000 + 5_000, endTime: START + 9 * 24 * HOUR, bucketMs: HOUR }],
    ['Decrypt by region, per minute', { by: 'region', startTime: START, endTime: START + 9 * 24 * HOUR - 1, bucketMs: 60_000, attribute: { key: 'EventName', value: 'Decrypt' } }],
    ['errors only by code, per 6 hours', { by: 'errorCode', startTime: START - 3 * HOUR, endTime: START + 10 * 24 * HOUR, bucketMs: 6 * HOUR, errorsOnly: true }],
    ['one region by operation, one bucket', { by: 'eventName', startTime: START + 7 * 24 * HOUR, endTime: START + 7 * 24 * HOUR + 30 * 60_000, bucketMs: HOUR, region: 'eu-west-1' }],
    ['a year per day, past the events', { by: 'region', startTime: START - 200 * 24 * HOUR, endTime: START + 165 * 24 * HOUR, bucketMs: 24 * HOUR }],
  ];

  it.each(queries)('%s: the same rows as one query, in the same order', async (_, query) => {
    const whole = store.aggregate(query);
    expect(whole.reduce((n, r) => n + r.calls, 0)).toBeGreaterThan(0);
    let pauses = 0;
    const sliced = await slicedAggregate((q) => store.aggregate(q), query, { pause: async () => void pauses++ });
    expect(sliced).toEqual(whole);
    // Sliced for real whenever there is more than one bucket.
    if ((query.endTime - query.startTime) > (query.bucketMs ?? 60_000)) expect(pauses).toBeGreaterThan(0);
  });

  it('refuses an impossible range whole, with the store\'s own message', async () => {
    await expect(slicedAggregate((q) => store.aggregate(q), { by: 'region', startTime: START + HOUR, endTime: START, bucketMs: HOUR })).rejects.toThrow(/start no later than its end/);
    const out = await callApi({ services }, 'audit:aggregate', { by: 'region', startTime: '2026-05-02T00:00:00Z', endTime: '2026-05-01T00:00:00Z', bucketMinutes: 60 });
    expect(out).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('answers a lookup asked while a chart counts before the count ends', async () => {
    const ctx: AppContext = { services };
    const order: string[] = [];
    const counting = callApi(ctx, 'audit:aggregate', {
      by: 'region', startTime: new Date(START).toISOString(), endTime: new Date(START + 9 * 24 * HOUR).toISOString(), bucketMinutes: 1, attribute: { key: 'EventName', value: 'Decrypt' },
    }).then((out) => {
      order.push('count');
      return out;
    });
    const looking = callApi(ctx, 'audit:lookup', { maxResults: 10 }).then((out) => {
      order.push('lookup');
      return out;
    });
    const [count, lookup] = await Promise.all([counting, looking]);
    expect(order).toEqual(['lookup', 'count']);
    expect(lookup.ok && (lookup.result as ApiResult<'audit:lookup'>).events).toHaveLength(10);
    // And the count is whole: every Decrypt of the store.
    let decrypts = 0;
    let nextToken: string | undefined;
    do {
      const page = store.lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 10_000, nextToken });
      decrypts += page.events.length;
      nextToken = page.nextToken;
    } while (nextToken);
    expect(decrypts).toBeGreaterThan(1_000);
    expect(count.ok && (count.result as ApiResult<'audit:aggregate'>).rows.reduce((n, r) => n + r.calls, 0)).toBe(decrypts);
  });

  const BUSY_DECRYPTS = { by: 'region' as const, startTime: new Date(START).toISOString(), endTime: new Date(START + 9 * 24 * HOUR).toISOString(), bucketMinutes: 1, attribute: { key: 'EventName' as const, value: 'Decrypt' } };

  it('stops a count whose caller has gone, between two slices', async () => {
    let slices = 0;
    const gone = new AbortController();
    const counting = slicedAggregate((q) => {
      if (++slices === 3) gone.abort(new Error('a new filter was applied'));
      return store.aggregate(q);
    }, { by: 'region', startTime: START, endTime: START + 9 * 24 * HOUR, bucketMs: 60_000 }, { signal: gone.signal });
    await expect(counting).rejects.toThrow('a new filter was applied');
    expect(slices).toBe(3);
  });

  it('stops counting when the page drops the request over the web bridge, and goes on answering', async () => {
    const { bridge, cookie } = await openBridgeSession(services, home);
    const original = store.aggregate.bind(store);
    let slices = 0;
    let dropAt = Infinity;
    const dropped = new AbortController();
    store.aggregate = (q) => {
      if (++slices === dropAt) dropped.abort();
      return original(q);
    };
    try {
      const post = (channel: string, body: unknown, signal?: AbortSignal) =>
        fetch(`${bridge.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body), signal });
      // The whole count, answered: how many slices it takes.
      expect((await post('audit:aggregate', BUSY_DECRYPTS)).status).toBe(200);
      const whole = slices;
      expect(whole).toBeGreaterThan(8);
      // The same count, dropped by the page once it is under way.
      slices = 0;
      dropAt = 3;
      await expect(post('audit:aggregate', BUSY_DECRYPTS, dropped.signal)).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(slices).toBeLessThan(whole);
      expect(slices).toBeLessThanOrEqual(dropAt + 4);
      const next = await post('audit:lookup', { maxResults: 5 });
      expect(next.status).toBe(200);
      expect(((await next.json()) as { result: { events: unknown[] } }).result.events).toHaveLength(5);
    } finally {
      store.aggregate = original;
      await bridge.close();
    }
  });
});
