import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { InvalidEventError, InvalidQueryError, MINUTE_MS } from '../../src-main/audit/event-store';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { sampleObservations } from '../support/audit-observations';

const START = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;
const records = (count: number): CloudTrailRecord[] => [...syntheticKmsEvents({ count, start: START, durationMs: HOUR, seed: 11 })];

let store: SqliteEventStore;
beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
});
afterEach(() => store.close());

describe('client-side observations in the event store', () => {
  it('are kept in their own table: never in a lookup, an aggregate, a scan or a CloudTrail export', async () => {
    const observed = sampleObservations(300);
    const result = store.append(records(500).map((record) => ({ record, runId: 'run-1' })), { observations: observed.map((observation) => ({ observation, runId: 'run-1' })) });
    expect(result).toMatchObject({ inserted: 500, duplicates: 0, invalid: 0, observations: { inserted: 300, duplicates: 0 } });

    expect(store.count()).toBe(500);
    expect(store.countObservations()).toBe(300);
    expect(store.countObservations('run-1')).toBe(300);
    const ids = new Set(observed.map((o) => o.observationId));
    const looked = store.lookup({ runId: 'run-1', maxResults: 10_000 }).events;
    expect(looked).toHaveLength(500);
    expect(looked.some((e) => ids.has(e.record.eventID))).toBe(false);
    expect(store.scan({ runId: 'run-1' }).events).toHaveLength(500);
    const calls = store.aggregate({ by: 'eventName', startTime: START, endTime: START + HOUR, runId: 'run-1' }).reduce((n, r) => n + r.calls, 0);
    expect(calls).toBe(500);

    const dir = mkdtempSync(join(tmpdir(), 'keydrill-obs-export-'));
    try {
      const report = await exportCloudTrailLogs(store, dir, { runId: 'run-1' });
      expect(report.records).toBe(500);
      const exported = filesUnder(dir).flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: CloudTrailRecord[] }).Records);
      expect(exported).toHaveLength(500);
      expect(exported.some((r) => ids.has(r.eventID))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('come back exactly as they went in, newest first or oldest first, a page at a time, by run, time range and region', () => {
    const a = sampleObservations(250, 3);
    const b = sampleObservations(120, 4);
    store.append([], { observations: [...a.map((observation) => ({ observation, runId: 'run-a' })), ...b.map((observation) => ({ observation, runId: 'run-b' }))] });

    const pages = (query: Parameters<SqliteEventStore['observations']>[0]) => {
      const out: ClientObservation[] = [];
      let nextToken: string | undefined;
      do {
        const page = store.observations({ ...query, nextToken, maxResults: 37 });
        out.push(...page.observations.map((o) => o.observation));
        nextToken = page.nextToken;
      } while (nextToken);
      return out;
    };
    expect(pages({ runId: 'run-a', order: 'oldest' })).toEqual(a);
    expect(pages({ runId: 'run-b' })).toEqual([...b].reverse());
    const from = START + 10 * MINUTE_MS;
    const to = START + 20 * MINUTE_MS - 1;
    const inWindow = (o: ClientObservation) => Date.parse(o.time) >= Math.ceil(from / 1000) * 1000 && Date.parse(o.time) < Math.floor(to / 1000) * 1000 + 1000;
    expect(pages({ runId: 'run-a', startTime: from, endTime: to, order: 'oldest' })).toEqual(a.filter(inWindow));
    expect(pages({ region: 'eu-west-1', order: 'oldest' }).map((o) => o.observationId).sort()).toEqual([...a, ...b].filter((o) => o.region === 'eu-west-1').map((o) => o.observationId).sort());
    expect(store.observations({ runId: 'no-such-run' })).toEqual({ observations: [], nextToken: undefined });
    expect(store.observations({ observationId: b[7]!.observationId })).toEqual({ observations: [{ observation: b[7], runId: 'run-b' }], nextToken: undefined });
    expect(store.observations({ observationId: 'no-such-id' }).observations).toEqual([]);
    expect(store.observations({ runId: 'run-a', maxResults: 1 }).observations[0]).toEqual({ observation: a[a.length - 1], runId: 'run-a' });
  });

  it('are counted per minute by operation, region, error code and cause as counting by hand does', () => {
    const observed = sampleObservations(900, 5);
    // Written in three transactions: the counts add up across them.
    for (let i = 0; i < 900; i += 300) store.append([], { observations: observed.slice(i, i + 300).map((observation) => ({ observation, runId: 'r1' })) });
    for (const [by, field] of [['operation', 'operation'], ['region', 'region'], ['errorCode', 'errorCode'], ['cause', 'cause']] as const) {
      const expected = new Map<string, number>();
      for (const o of observed) {
        const key = `${Math.floor(Date.parse(o.time) / (10 * MINUTE_MS)) * 10 * MINUTE_MS}|${o[field]}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      const rows = store.observationCounts({ by, startTime: START, endTime: START + HOUR, bucketMs: 10 * MINUTE_MS, runId: 'r1' });
      expect(new Map(rows.map((r) => [`${r.time}|${r.key}`, r.calls]))).toEqual(expected);
      expect(rows.reduce((n, r) => n + r.calls, 0)).toBe(store.countObservations('r1'));
    }
    expect(store.observationCounts({ by: 'cause', startTime: START, endTime: START + HOUR, runId: 'other' })).toEqual([]);
    expect(() => store.observationCounts({ by: 'cause', startTime: START, endTime: START + HOUR, bucketMs: 90_000 })).toThrow(InvalidQueryError);
    expect(() => store.observationCounts({ by: 'eventName' as 'cause', startTime: START, endTime: START + HOUR })).toThrow(/counted by operation, region, errorCode, cause/);
  });

  it('an observation id already stored is stored once and counted as a duplicate, and named', () => {
    const observed = sampleObservations(10);
    store.append([], { observations: observed.map((observation) => ({ observation })) });
    const again = store.append([], { observations: observed.slice(2, 5).map((observation) => ({ observation })) });
    expect(again.observations).toEqual({ inserted: 0, duplicates: 3, duplicateIds: observed.slice(2, 5).map((o) => o.observationId) });
    expect(store.countObservations()).toBe(10);
    expect(store.observationCounts({ by: 'cause', startTime: START, endTime: START + HOUR, bucketMs: 60 * MINUTE_MS }).reduce((n, r) => n + r.calls, 0)).toBe(10);
  });

  it('refuses an observation that is not one, naming the field, and stores the rest when told to report', () => {
    const [good, bad] = sampleObservations(2);
    expect(() => store.append([], { observations: [{ observation: { ...bad!, cause: 'gremlins' as 'timeout' } }] })).toThrow(InvalidEventError);
    const reported: InvalidEventError[] = [];
    const result = store.append([], { observations: [{ observation: good! }, { observation: { ...bad!, time: 'yesterday' } }], onInvalid: (e) => reported.push(e) });
    expect(result).toMatchObject({ invalid: 1, observations: { inserted: 1 } });
    expect(reported.map((e) => [e.index, e.path])).toEqual([[1, ['observation', 'time']]]);
    expect(store.countObservations()).toBe(1);
  });

  it('take the batched ingest path with the records, in the same transactions, and the ingest counts them apart', async () => {
    const ingest = new BatchedIngest(store, { maxBatch: 100 });
    const rs = records(250);
    const os = sampleObservations(60);
    rs.forEach((r, i) => {
      ingest.record(r, 'run-x');
      if (i % 4 === 0 && os[i / 4]) ingest.observe(os[i / 4]!, 'run-x');
    });
    await ingest.flush();
    expect(ingest.stats()).toMatchObject({ recorded: 250, inserted: 250, observed: 60, observationsInserted: 60, duplicates: 0, observationDuplicates: 0, pending: 0 });
    expect(store.count()).toBe(250);
    expect(store.observations({ runId: 'run-x', order: 'oldest', maxResults: 100 }).observations.map((o) => o.observation)).toEqual(os);
    await ingest.close();
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}
