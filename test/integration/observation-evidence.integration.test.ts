import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../src-shared/api';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';

async function ok<T>(out: Promise<{ ok: boolean; result?: unknown; error?: unknown }>): Promise<T> {
  const r = await out;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.result as T;
}

/**
 * A verdict cites calls that never reached KMS by number ("client-side observations #1, #2, #3");
 * through the contract, each number opens that observation, which is not a CloudTrail record.
 */
describe("a verdict's client-side observations, by number, through the contract", () => {
  let home: string;
  let ctx: AppContext;
  let runId: string;
  let cited: number[];
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-observations-'));
    ctx = { services: new AppServices({ home }) };
    await ok(callApi(ctx, 'drills:run', { scenario: { name: 'regional-outage-multi-region-key' } }));
    await ctx.services.drills.idle();
    runId = ctx.services.runs.list()[0]!.runId;
    cited = ctx.services.runs.get(runId).verdicts.flatMap((v) => v.evidence.observations ?? []);
  }, 120_000);
  afterAll(async () => {
    await ctx?.services.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('runs:event-ids gives the id of each cited observation, and the event store holds it as the run\'s call that never reached KMS', async () => {
    expect(cited.length).toBeGreaterThan(0);
    const { observationIds } = await ok<ApiResult<'runs:event-ids'>>(callApi(ctx, 'runs:event-ids', { runId, records: [], observations: cited }));
    expect(observationIds).toHaveLength(cited.length);
    for (const id of observationIds ?? []) {
      const page = await ok<ApiResult<'audit:observations'>>(callApi(ctx, 'audit:observations', { observationId: id }));
      expect(page.observations).toEqual([expect.objectContaining({ observationId: id, runId, region: 'us-east-1', errorCode: 'NetworkingError', cause: 'injected-outage' })]);
      // Not CloudTrail: no event has its id.
      expect(await callApi(ctx, 'audit:event', { eventId: id })).toMatchObject({ ok: false });
    }
  });

  it("the run's observations, oldest first, come in the order of their numbers (what the Audit table numbers them by)", async () => {
    const { observations } = await ok<ApiResult<'audit:observations'>>(callApi(ctx, 'audit:observations', { runId, order: 'oldest', maxResults: 2000 }));
    expect(observations.length).toBe(ctx.services.runs.get(runId).observationCount);
    const { observationIds } = await ok<ApiResult<'runs:event-ids'>>(callApi(ctx, 'runs:event-ids', { runId, records: [], observations: observations.map((_, i) => i + 1) }));
    expect(observations.map((o) => o.observationId)).toEqual(observationIds);
  });

  it('refuses a number past the observations the run made, and answers without observation ids when none are asked for', async () => {
    const beyond = ctx.services.runs.get(runId).observationCount + 1;
    expect(await callApi(ctx, 'runs:event-ids', { runId, records: [], observations: [beyond] })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await ok(callApi(ctx, 'runs:event-ids', { runId, records: [1] }))).not.toHaveProperty('observationIds');
  });
});
