import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { fleetScenario } from '../../bench/fleet-scenario';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import type { RunOverview, RunRecord } from '../../src-shared/api';

/**
 * The Drills page shows the latest run as the app opens. After a fleet drill, the run's head carries
 * its whole topology and the hierarchy at the end (2.2 MB at 1,000 tenants), which the page does not
 * show: it asks for the overview, which has everything the page draws and nothing that grows with
 * the topology.
 */
describe('a fleet run as the Drills page loads it', () => {
  let home: string;
  let ctx: AppContext;
  let head: RunRecord;
  let overview: RunOverview;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-overview-'));
    ctx = { services: new AppServices({ home }) };
    const finished = new Promise<{ ok: boolean; runId?: string; error?: string }>((resolve) => ctx.services.events.on('drill:finished', (p) => resolve(p as never)));
    const text = stringify(fleetScenario({ tenants: 60, days: 1, outageAtHours: 6, outageHours: 2 }));
    const started = await callApi(ctx, 'drills:run', { scenario: { text } });
    if (!started.ok) throw new Error(started.error.message);
    const end = await finished;
    if (!end.ok || !end.runId) throw new Error(end.error ?? 'the drill did not finish');
    const got = await callApi(ctx, 'runs:get', { runId: end.runId });
    const shown = await callApi(ctx, 'runs:overview', { runId: end.runId });
    if (!got.ok || !shown.ok) throw new Error('runs:get or runs:overview failed');
    head = got.result as RunRecord;
    overview = shown.result as RunOverview;
  }, 120_000);
  afterAll(async () => {
    await ctx.services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('carries what the page draws, the same as the head', () => {
    expect(overview.verdicts).toEqual(head.verdicts);
    expect(overview.series).toEqual(head.series);
    expect(overview.totals).toEqual(head.totals);
    expect(overview.passed).toBe(head.passed);
    expect(overview.execution).toEqual(head.execution);
    expect(overview.scenario.title).toBe(head.scenario.title);
    expect(overview.clusterCount).toBe(60);
    expect(head.clusters).toHaveLength(60);
  });

  it('leaves out what grows with the topology, a small fraction of the head', () => {
    expect(overview).not.toHaveProperty('topology');
    expect(overview).not.toHaveProperty('hierarchy');
    expect(overview).not.toHaveProperty('clusters');
    expect(overview.scenario).not.toHaveProperty('definition');
    const headBytes = JSON.stringify(head).length;
    const overviewBytes = JSON.stringify(overview).length;
    expect(headBytes).toBeGreaterThan(100_000);
    expect(overviewBytes).toBeLessThan(headBytes / 4);
  });

  it('prints a fleet\'s counts in its verdicts as the report reads them, with thousands separators', () => {
    const written = head.totals.canaries.written;
    expect(written).toBeGreaterThan(1_000);
    const canaries = head.verdicts.find((v) => v.expectation.expect === 'no-canary-lost');
    expect(canaries?.summary).toBe(`every canary record written (${written.toLocaleString('en-US')}) could still be read at the end`);
    expect(canaries?.summary).toMatch(/\(\d{1,3}(,\d{3})+\)/);
  });

  it('sums up the tenants as the head counts them', () => {
    const down = head.clusters.filter((c) => c.minutesUnavailable > 0);
    expect(overview.tenants).toMatchObject({ total: 60, down: down.length, minutesUnavailable: down.reduce((sum, c) => sum + c.minutesUnavailable, 0) });
  });

  it('names the ten worst of the tenants a run hurt, counting the rest', async () => {
    // One node per cluster, restarted in us-east-1a during the outage, and keys with no replica
    // outside us-east-1: every tenant goes down until the outage ends.
    const scenario = fleetScenario({ tenants: 24, days: 1, outageAtHours: 6, outageHours: 2, nodesPerCluster: 1 });
    for (const tenant of scenario.topology.tenants ?? []) for (const key of tenant.keys) Object.assign(key, { multiRegion: false, replicas: [] });
    const finished = new Promise<{ ok: boolean; runId?: string }>((resolve) => ctx.services.events.on('drill:finished', (p) => resolve(p as never)));
    const started = await callApi(ctx, 'drills:run', { scenario: { text: stringify(scenario) } });
    expect(started.ok).toBe(true);
    const { runId } = await finished;
    const got = await callApi(ctx, 'runs:get', { runId: runId ?? '' });
    const shown = await callApi(ctx, 'runs:overview', { runId: runId ?? '' });
    if (!got.ok || !shown.ok) throw new Error('runs:get or runs:overview failed');
    const clusters = (got.result as RunRecord).clusters;
    const hurt = clusters.filter((c) => c.minutesUnavailable > 0 || c.dataAtRisk > 0 || c.nodesDownAtEnd > 0);
    expect(hurt.length).toBeGreaterThan(10);
    const tenants = (shown.result as RunOverview).tenants;
    expect(tenants?.total).toBe(24);
    expect(tenants?.affectedCount).toBe(hurt.length);
    expect(tenants?.down).toBe(clusters.filter((c) => c.minutesUnavailable > 0).length);
    expect(tenants?.affected).toHaveLength(10);
    // Worst first: the longest down, each with the start of its first spell down.
    const minutes = tenants?.affected.map((t) => t.minutesUnavailable) ?? [];
    expect(minutes).toEqual([...minutes].sort((a, b) => b - a));
    expect(minutes[0]).toBe(Math.max(...clusters.map((c) => c.minutesUnavailable)));
    for (const t of tenants?.affected ?? []) {
      const c = clusters.find((x) => x.cluster === t.cluster);
      expect(t.downFrom).toBe(c?.downIntervals[0]?.[0]);
    }
  }, 120_000);

  it('answers not-found for a run that does not exist, on every channel that reads a run in pages', async () => {
    const runId = 'no-such-run-20260101t000000-0000';
    for (const [channel, args] of [
      ['runs:overview', { runId }],
      ['runs:frames', { runId, at: 0 }],
      ['runs:timeline', { runId }],
      ['runs:moments', { runId }],
      ['runs:event-ids', { runId, records: [1] }],
    ] as const) {
      expect(await callApi(ctx, channel, args), channel).toMatchObject({ ok: false, error: { code: 'not-found' } });
    }
  });
});
