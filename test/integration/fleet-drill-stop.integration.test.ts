import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { WebSocket } from 'ws';
import { fleetScenario } from '../../bench/fleet-scenario';
import { AppServices } from '../../src-main/app/app-services';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import type { DrillSummary } from '../../src-main/cli/drill-summary';
import type { Bridge } from '../../src-main/server/bridge-server';
import { openBridgeSession } from '../support/bridge-session';
import { CLEAN_ENV } from '../support/clean-env';

/**
 * A drill as fast as it goes on the embedded KMS answers every call in this process, so it never waits
 * for I/O. These drills of a 100-tenant fleet (seconds of work) are stopped while they play — by
 * Ctrl-C on the command line, by Stop in the app over the web bridge — and must end there as
 * cancelled, with every CloudTrail record they made stored, and the app answering meanwhile.
 */
const fleet = stringify(fleetScenario({ tenants: 100, days: 30 }));

describe('a fleet drill stops when asked, while it plays as fast as it goes', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-fleet-stop-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('Ctrl-C on the command line: exit 130, the run kept as cancelled part-way, every record it counted in the event store', async () => {
    const cliHome = join(home, 'cli');
    mkdirSync(cliHome);
    const file = join(cliHome, 'fleet.yaml');
    writeFileSync(file, fleet);
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', file, '--json'], {
      env: { ...CLEAN_ENV, KEYDRILL_HOME: cliHome, KEYDRILL_PROGRESS_INTERVAL_MS: '100' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Once the drill is a few percent in, well before its end.
    await vi.waitFor(() => {
      const percents = [...stderr.matchAll(/: (\d+)% \(drill time/g)].map((m) => Number(m[1]));
      if (!percents.some((p) => p >= 3)) throw new Error(`not under way yet: ${stderr.slice(-200)}`);
    }, { timeout: 60_000, interval: 50 });
    child.kill('SIGINT');
    expect(await done).toBe(130);
    // Before its first event, the set-up said how far it had got rather than sit at 0%.
    const lines = stderr.split('\n');
    const firstSetup = lines.findIndex((l) => /: setting up, (making keys: [\d,]+ of 100 tenants|starting clusters: [\d,]+ of 100)/.test(l));
    expect(firstSetup).toBeGreaterThanOrEqual(0);
    expect(firstSetup).toBeLessThan(lines.findIndex((l) => /: [1-9]\d*% \(drill time/.test(l)));
    const summary = JSON.parse(stdout) as DrillSummary;
    expect(summary.status).toBe('cancelled');
    expect(summary.reachedAt).toBeGreaterThan(0);
    expect(summary.reachedAt).toBeLessThan(summary.scenario.duration);
    const store = SqliteEventStore.open(join(cliHome, 'events.sqlite'));
    try {
      expect(summary.totals.cloudTrailRecords).toBeGreaterThan(0);
      expect(store.count()).toBe(summary.totals.cloudTrailRecords);
      expect(store.countObservations(summary.runId)).toBe(summary.totals.clientSideCalls);
    } finally {
      store.close();
    }
    // The run list says it was not judged, rather than 0 of 0 verdicts passed.
    const list = spawnSync(process.execPath, ['bin/keydrill.mjs', 'runs', 'list'], { env: { ...CLEAN_ENV, KEYDRILL_HOME: cliHome }, encoding: 'utf8' });
    expect(list.stdout.split('\n').find((l) => l.startsWith(summary.runId))).toMatch(/\scancelled\s+not judged\s/);
    // Its tenants line counts up to where it stopped, and claims nothing of data at risk, which a stopped run never checks (it said "served throughout").
    const shown = spawnSync(process.execPath, ['bin/keydrill.mjs', 'runs', 'show', summary.runId], { env: { ...CLEAN_ENV, KEYDRILL_HOME: cliHome }, encoding: 'utf8' });
    const tenantsLine = shown.stdout.split('\n').find((l) => l.startsWith('  tenants (clusters): ')) ?? '';
    expect(tenantsLine).toMatch(/ up to \S+, where the run was stopped[;,]/);
    expect(tenantsLine).not.toMatch(/throughout|data at risk,|at the end/);
    // Nor do its JSON summary and its HTML report give a count of tenants with data at risk: never checked is not 0.
    expect(summary.tenants?.withDataAtRisk).toBeNull();
    const html = join(cliHome, 'cancelled.html');
    expect(spawnSync(process.execPath, ['bin/keydrill.mjs', 'report', summary.runId, '--out', html], { env: { ...CLEAN_ENV, KEYDRILL_HOME: cliHome }, encoding: 'utf8' }).status).toBe(0);
    const sentence = /<p id="fleet-sentence">([^<]*)<\/p>/.exec(readFileSync(html, 'utf8'))?.[1] ?? '';
    expect(sentence).toContain('data at risk was never checked (it is, at a drill&#39;s end, and this run did not finish)');
    expect(sentence).not.toMatch(/ended with data at risk/);
  }, 120_000);

  describe('in the app, over the web bridge', () => {
    let services: AppServices;
    let bridge: Bridge;
    let cookie: string;
    beforeAll(async () => {
      const appHome = join(home, 'app');
      services = new AppServices({ home: appHome });
      ({ bridge, cookie } = await openBridgeSession(services, appHome));
    });
    afterAll(async () => {
      await bridge.close();
      await services.close();
    });

    it('pushes progress while it plays, answers other requests, and Stop ends it there as cancelled', async () => {
      const ws = new WebSocket(bridge.socketUrl, { headers: { cookie, origin: bridge.origin } });
      const inbox: { id?: number; outcome?: { ok: boolean; result?: Record<string, unknown> }; event?: string; payload?: Record<string, unknown> }[] = [];
      ws.on('message', (data) => inbox.push(JSON.parse(String(data)) as (typeof inbox)[number]));
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const answer = (id: number) => vi.waitFor(() => {
        const reply = inbox.find((m) => m.id === id);
        if (!reply) throw new Error(`no answer to ${id} yet`);
        return reply.outcome;
      }, { timeout: 60_000, interval: 20 });

      ws.send(JSON.stringify({ id: 1, channel: 'drills:run', args: { scenario: { text: fleet } } }));
      const jobId = (await answer(1))?.result?.jobId as string;
      expect(jobId).toBeTruthy();
      // Progress arrives while the drill plays, not all at its end.
      await vi.waitFor(() => {
        if (!inbox.some((m) => m.event === 'drill:progress' && m.payload?.jobId === jobId && Number(m.payload.fraction) >= 0.03)) throw new Error('no progress yet');
      }, { timeout: 60_000, interval: 20 });
      // Before the first event, progress said how far the set-up had got: keys for each tenant, then each cluster.
      const setups = inbox.filter((m) => m.event === 'drill:progress' && m.payload?.setup).map((m) => m.payload?.setup as { stage: string; done: number; total: number });
      expect(setups.map((x) => x.stage)).toEqual([...setups.filter((x) => x.stage === 'keys'), ...setups.filter((x) => x.stage === 'clusters')].map((x) => x.stage));
      expect(setups.at(-1)).toEqual({ stage: 'clusters', done: 100, total: 100 });
      expect(setups.find((x) => x.stage === 'keys' && x.done === 100)).toEqual({ stage: 'keys', done: 100, total: 100 });
      const firstPlayed = inbox.findIndex((m) => m.event === 'drill:progress' && Number(m.payload?.fraction) > 0);
      expect(inbox.findLastIndex((m) => m.event === 'drill:progress' && m.payload?.setup !== undefined)).toBeLessThan(firstPlayed);
      ws.send(JSON.stringify({ id: 2, channel: 'drills:list', args: {} }));
      // A window opened now is told of the drill playing, to show its progress and Stop.
      ws.send(JSON.stringify({ id: 4, channel: 'drills:running', args: {} }));
      ws.send(JSON.stringify({ id: 3, channel: 'drills:cancel', args: { jobId } }));
      expect((await answer(2))?.ok).toBe(true);
      expect(await answer(4)).toMatchObject({ ok: true, result: { jobs: [{ jobId, title: expect.stringMatching(/^Fleet of 100 tenants/), fraction: expect.any(Number), run: { runId: expect.any(String) } }] } });
      expect(await answer(3)).toEqual({ ok: true, result: { cancelled: true } });
      const finished = await vi.waitFor(() => {
        const end = inbox.find((m) => m.event === 'drill:finished' && m.payload?.jobId === jobId);
        if (!end) throw new Error('the drill has not finished');
        return end.payload as { ok: boolean; runId: string; status: string };
      }, { timeout: 60_000, interval: 50 });
      ws.close();
      expect(finished).toMatchObject({ ok: true, status: 'cancelled' });
      // The list was answered while the drill still played, not once it had ended.
      expect(inbox.findIndex((m) => m.id === 2)).toBeLessThan(inbox.findIndex((m) => m.event === 'drill:finished'));
      const overview = services.runs.overview(finished.runId);
      expect(overview.execution.status).toBe('cancelled');
      expect(overview.execution.reachedAt).toBeLessThan(30 * 86_400_000);
    }, 120_000);
  });
});
