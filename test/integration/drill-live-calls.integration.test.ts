import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { apiEvents, type ApiEventPayload, type ApiResult, type AggregateQuery } from '../../src-shared/api';
import type { RunRecord } from '../../src-shared/run-record';
import type { ScenarioInput } from '../../src-shared/scenario';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { BUILT_IN_DIR } from '../../src-main/drill/scenario-catalog';

/**
 * The Drills page's live "KMS calls by region" chart reads the running drill's records from the
 * event store through audit:aggregate, as the finished run's totals.kmsCallsByRegion counts them:
 * calls only, not the records KMS writes for what it does on its own (AwsServiceEvent — here the
 * deletion of a replaced multi-Region key's replica at the end of its waiting period; the primary
 * waits for its replicas, so its own window has not ended when the drill does).
 */
/** cmk-replacement-with-reencrypt on a multi-Region key with a node in its replica's Region. */
function scenarioText(): string {
  const source = parse(readFileSync(join(BUILT_IN_DIR, 'cmk-replacement-with-reencrypt.yaml'), 'utf8')) as ScenarioInput;
  const topology = {
    regions: ['us-east-1', 'eu-west-1'],
    tenants: [{ id: 'initech', keys: [{ id: 'initech-cmk', region: 'us-east-1', multiRegion: true, replicas: ['eu-west-1'] }] }],
    clusters: [{
      id: 'initech-prod', tenant: 'initech', key: 'initech-cmk', databases: ['tickets'],
      nodes: [{ id: 'n1', region: 'us-east-1', zone: 'us-east-1a' }, { id: 'n2', region: 'eu-west-1', zone: 'eu-west-1a' }],
    }],
  };
  return stringify({ ...source, name: 'live-calls', topology });
}

async function runToEnd(ctx: AppContext, args: unknown): Promise<ApiEventPayload<'drill:finished'>> {
  let finished!: (p: ApiEventPayload<'drill:finished'>) => void;
  const done = new Promise<ApiEventPayload<'drill:finished'>>((resolve) => { finished = resolve; });
  const off = ctx.services.events.on('drill:finished', (p) => finished(p));
  try {
    const started = await callApi(ctx, 'drills:run', args);
    if (!started.ok) throw new Error(started.error.message);
    return await done;
  } finally {
    off();
  }
}

async function aggregate(ctx: AppContext, query: AggregateQuery): Promise<ApiResult<'audit:aggregate'>['rows']> {
  const out = await callApi(ctx, 'audit:aggregate', query);
  if (!out.ok) throw new Error(out.error.message);
  return (out.result as ApiResult<'audit:aggregate'>).rows;
}

function byKey(rows: ApiResult<'audit:aggregate'>['rows']): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[r.key] = (out[r.key] ?? 0) + r.calls;
  return out;
}

describe('the live KMS-calls-by-region chart of a drill', () => {
  let home: string;
  let ctx: AppContext;
  let record: RunRecord;
  /** The chart's query while the drill runs: its run, over its whole length, on its bucket grid. */
  let chart: AggregateQuery;
  beforeAll(async () => {
    expect(apiEvents).toHaveProperty('drill:finished');
    home = mkdtempSync(join(tmpdir(), 'keydrill-live-calls-'));
    ctx = { services: new AppServices({ home }) };
    const finished = await runToEnd(ctx, { scenario: { text: scenarioText() } });
    if (!finished.ok) throw new Error(finished.error);
    const got = await callApi(ctx, 'runs:get', { runId: finished.runId });
    if (!got.ok) throw new Error(got.error.message);
    record = got.result as RunRecord;
    const start = Date.parse(record.startTime);
    // As LiveCalls asks: at most 120 bars across the drill (10 days: 2 hours each).
    chart = { by: 'region', startTime: record.startTime, endTime: new Date(start + record.scenario.duration).toISOString(), bucketMinutes: 120, runId: finished.runId, callsOnly: true };
  }, 120_000);
  afterAll(async () => {
    await ctx.services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('the run holds a record KMS wrote on its own: the old key\'s replica deleted', async () => {
    const page = await callApi(ctx, 'audit:lookup', { runId: chart.runId, attribute: { key: 'EventName', value: 'DeleteKey' }, maxResults: 10 });
    if (!page.ok) throw new Error(page.error.message);
    const deletions = (page.result as ApiResult<'audit:lookup'>).events;
    expect(deletions.map((e) => e.region)).toEqual(['eu-west-1']);
    for (const e of deletions) {
      const event = await callApi(ctx, 'audit:event', { eventId: e.eventId });
      expect(event.ok && (event.result as ApiResult<'audit:event'>).record.eventType).toBe('AwsServiceEvent');
    }
  });

  it('counts per region the calls the finished run counts, and not what KMS did on its own', async () => {
    expect(Object.keys(record.totals.kmsCallsByRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(byKey(await aggregate(ctx, chart))).toEqual(record.totals.kmsCallsByRegion);
    // Every CloudTrail record of the run: one more, in the Region and the bucket of the deletion.
    const records = await aggregate(ctx, { ...chart, callsOnly: undefined });
    expect(byKey(records)).toEqual({ ...record.totals.kmsCallsByRegion, 'eu-west-1': record.totals.kmsCallsByRegion['eu-west-1']! + 1 });
    const calls = await aggregate(ctx, chart);
    const differ = records.filter((r) => calls.find((c) => c.time === r.time && c.key === r.key)?.calls !== r.calls);
    expect(differ.map((r) => [r.key, r.calls - (calls.find((c) => c.time === r.time && c.key === r.key)?.calls ?? 0)]).sort()).toEqual([['eu-west-1', 1]]);
  });

  it('counts calls only too when a filter has it read the events themselves', async () => {
    expect(byKey(await aggregate(ctx, { ...chart, region: 'eu-west-1' }))).toEqual({ 'eu-west-1': record.totals.kmsCallsByRegion['eu-west-1'] });
    expect(await aggregate(ctx, { ...chart, attribute: { key: 'EventName', value: 'DeleteKey' } })).toEqual([]);
    expect(byKey(await aggregate(ctx, { ...chart, attribute: { key: 'EventName', value: 'DeleteKey' }, callsOnly: undefined }))).toEqual({ 'eu-west-1': 1 });
  });

  it('a bucket of one minute gives the same counts', async () => {
    expect(byKey(await aggregate(ctx, { ...chart, bucketMinutes: 1 }))).toEqual(record.totals.kmsCallsByRegion);
  });
});
