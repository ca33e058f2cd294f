import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEventPayload, ApiResult, ObservationRow, RunRecord } from '../../src-shared/api';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';

/**
 * A regional-outage drill run through the API contract, as the UI runs it, then every count the
 * audit trail offers held against the records and observations it counts: the run record's totals,
 * the store's lookups and per-minute aggregates, the observation channels, and the CloudTrail export.
 */
async function call<T>(ctx: AppContext, channel: string, args: unknown): Promise<T> {
  const out = await callApi(ctx, channel, args);
  if (!out.ok) throw new Error(`${channel}: ${out.error.message}`);
  return out.result as T;
}

async function all<T>(page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken?: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...p.items);
    token = p.nextToken;
  } while (token);
  return out;
}

describe('totals agree with the records and observations they count, for a drill with a regional outage', () => {
  let home: string;
  let ctx: AppContext;
  let record: RunRecord;
  let observations: ObservationRow[];
  const DAY = { startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-02T00:00:00Z' };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-totals-'));
    ctx = { services: new AppServices({ home }) };
    const finished = new Promise<ApiEventPayload<'drill:finished'>>((resolve) => ctx.services.events.on('drill:finished', resolve));
    await call(ctx, 'drills:run', { scenario: { name: 'regional-outage-multi-region-key' } });
    const end = await finished;
    if (!end.ok) throw new Error(end.error);
    record = await call<RunRecord>(ctx, 'runs:get', { runId: end.runId });
    observations = await all(async (nextToken) => {
      const page = await call<ApiResult<'audit:observations'>>(ctx, 'audit:observations', { runId: end.runId, order: 'oldest', maxResults: 100, ...(nextToken ? { nextToken } : {}) });
      return { items: page.observations, nextToken: page.nextToken };
    });
  }, 180_000);
  afterAll(async () => {
    await ctx.services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('the calls refused by the outage are client-side observations, in their own channel, as many as the run record counts', async () => {
    const runId = record.execution.runId;
    expect(record.totals.clientSideCalls).toBeGreaterThan(0);
    expect(observations).toHaveLength(record.totals.clientSideCalls);
    expect(observations).toHaveLength(record.observationCount);
    expect(observations.every((o) => o.runId === runId && o.errorCode === 'NetworkingError' && o.cause === 'injected-outage' && o.region === 'us-east-1')).toBe(true);
    const byCode: Record<string, number> = {};
    for (const o of observations) byCode[o.errorCode] = (byCode[o.errorCode] ?? 0) + 1;
    expect(byCode).toEqual(record.totals.clientSideByCode);
    // One by its id, as a verdict's evidence cites it.
    const one = await call<ApiResult<'audit:observations'>>(ctx, 'audit:observations', { observationId: observations[0]!.observationId });
    expect(one.observations).toEqual([observations[0]]);
    // Ordered by the drill's clock, as they happened.
    const times = observations.map((o) => Date.parse(o.time));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('per-minute observation counts add up to the observations, by every dimension', async () => {
    for (const by of ['operation', 'region', 'errorCode', 'cause'] as const) {
      const rows = (await call<ApiResult<'audit:observation-aggregate'>>(ctx, 'audit:observation-aggregate', { by, ...DAY, bucketMinutes: 60, runId: record.execution.runId })).rows;
      const byKey: Record<string, number> = {};
      for (const r of rows) byKey[r.key] = (byKey[r.key] ?? 0) + r.calls;
      const expected: Record<string, number> = {};
      for (const o of observations) expected[o[by]] = (expected[o[by]] ?? 0) + 1;
      expect(byKey).toEqual(expected);
    }
    expect(await callApi(ctx, 'audit:observation-aggregate', { by: 'eventName', ...DAY })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('CloudTrail lookups, aggregates and the export hold exactly the calls that reached KMS: the run record\'s kmsCalls, and no client-side error code', async () => {
    const runId = record.execution.runId;
    const events = await all(async (nextToken) => {
      const page = await call<ApiResult<'audit:lookup'>>(ctx, 'audit:lookup', { runId, maxResults: 2000, ...(nextToken ? { nextToken } : {}) });
      return { items: page.events, nextToken: page.nextToken };
    });
    expect(events).toHaveLength(record.totals.kmsCalls);
    expect(events).toHaveLength(record.eventCount);
    expect(events.some((e) => e.errorCode === 'NetworkingError' || e.errorCode === 'TimeoutError')).toBe(false);
    const ids = new Set(observations.map((o) => o.observationId));
    expect(events.some((e) => ids.has(e.eventId))).toBe(false);

    for (const by of ['eventName', 'region', 'errorCode'] as const) {
      const rows = (await call<ApiResult<'audit:aggregate'>>(ctx, 'audit:aggregate', { by, ...DAY, bucketMinutes: 60, runId })).rows;
      const total = rows.reduce((n, r) => n + r.calls, 0);
      expect(total).toBe(by === 'errorCode' ? events.filter((e) => e.errorCode).length : events.length);
    }
    const byRegion: Record<string, number> = {};
    for (const e of events) byRegion[e.region] = (byRegion[e.region] ?? 0) + 1;
    expect(byRegion).toEqual(record.totals.kmsCallsByRegion);
    const byCode: Record<string, number> = {};
    for (const e of events) if (e.errorCode) byCode[e.errorCode] = (byCode[e.errorCode] ?? 0) + 1;
    expect(byCode).toEqual(record.totals.errorsByCode);

    const out = await call<{ path: string; files: number; records?: number }>(ctx, 'reports:export', { runId, format: 'cloudtrail' });
    const exported = filesUnder(out.path).flatMap((f) => (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: CloudTrailRecord[] }).Records);
    expect(exported).toHaveLength(record.totals.kmsCalls);
    expect(new Set(exported.map((r) => r.eventID))).toEqual(new Set(events.map((e) => e.eventId)));
    expect(exported.some((r) => r.errorCode === 'NetworkingError' || (r.additionalEventData as { reachedKms?: unknown } | undefined)?.reachedKms === false)).toBe(false);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name));
}
