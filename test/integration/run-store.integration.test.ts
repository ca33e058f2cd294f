import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RunService } from '../../src-main/app/run-service';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { runDrill } from '../../src-main/drill/drill-runner';
import { RunStore } from '../../src-main/runs/run-store';
import { builtIn } from '../support/drill-run';

/**
 * The run store as a user meets it: every execution its own run, kept as it plays, and a run whose
 * process was killed shown as interrupted — never as a normal run.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-runs-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the run store', () => {
  it('kill -9 during a drill leaves the run marked interrupted, with what it did so far', async () => {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--live'], {
      env: { ...process.env, KEYDRILL_HOME: home }, stdio: 'ignore',
    });
    const runs = new RunService(join(home, 'runs.sqlite'));
    try {
      // Wait until the drill has started and written part of its timeline.
      let started;
      for (let i = 0; i < 200 && !started; i++) {
        await sleep(100);
        try {
          started = runs.list().find((r) => r.status === 'started' && runs.timeline(r.runId, {}).total > 0);
        } catch {
          // the store is being created
        }
      }
      expect(started).toBeDefined();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const after = runs.list().find((r) => r.runId === started!.runId)!;
      expect(after.status).toBe('interrupted');
      expect(after.reason).toMatch(new RegExp(`its process \\(pid ${child.pid}\\) ended before the drill did`));
      expect(after.passed).toBe(false);
      const head = runs.get(started!.runId);
      expect(head.execution.status).toBe('interrupted');
      // The Drills page reads the overview: it says so too.
      expect(runs.overview(started!.runId).execution).toMatchObject({ status: 'interrupted', reason: after.reason });
      expect(runs.timeline(started!.runId, {}).total).toBeGreaterThan(0);
      // Its CloudTrail records made so far are in the event store under its run id.
      const store = SqliteEventStore.open(join(home, 'events.sqlite'));
      try {
        expect(store.lookup({ runId: started!.runId, maxResults: 5 }).events.length).toBeGreaterThan(0);
      } finally {
        store.close();
      }
      // ...and the audit log says the run was interrupted rather than serving them as a normal run.
      const query = spawnSync(process.execPath, ['bin/keydrill.mjs', 'audit', 'query', '--run', started!.runId, '--max', '3'], { env: { ...process.env, KEYDRILL_HOME: home }, encoding: 'utf8' });
      expect(query.stdout).toContain(`note: run ${started!.runId} was interrupted (its process (pid ${child.pid}) ended before the drill did)`);
    } finally {
      child.kill('SIGKILL');
      runs.close();
    }
  }, 60_000);

  it('two executions of the same drill are two runs with one label; a run still playing cannot be deleted', async () => {
    const store = RunStore.open(join(home, 'two.sqlite'));
    try {
      const scenario = builtIn('revocation-and-restore');
      const a = await runDrill(scenario, { runSink: store.sink() });
      const b = await runDrill(scenario, { runSink: store.sink() });
      expect(a.execution.runId).not.toBe(b.execution.runId);
      const listed = store.list().filter((r) => r.label === a.execution.label);
      expect(listed.map((r) => r.status)).toEqual(['completed', 'completed']);
      expect(store.timeline(a.execution.runId).total).toBe(a.history.timeline);
      expect(store.frames(a.execution.runId, 0).total).toBe(a.history.frames);
      expect(store.delete(a.execution.runId)).toBe(true);
      expect(store.head(a.execution.runId)).toBeUndefined();
      expect(store.timeline(a.execution.runId).total).toBe(0);
      expect(store.head(b.execution.runId)?.execution.status).toBe('completed');
      expect(store.overview(b.execution.runId)).toMatchObject({ verdicts: b.verdicts, totals: b.totals, clusterCount: b.clusters.length });
      // A head damaged on disk is named, by the overview as by the head — never shown half-read.
      const damaged = store.sink();
      damaged.started({ ...b, execution: { ...b.execution, runId: 'damaged-1', status: 'started' } });
      store.db.prepare("UPDATE runs SET head = '{\"format\":' WHERE run_id = 'damaged-1'").run();
      expect(() => store.head('damaged-1')).toThrow(/stored record of run damaged-1 is damaged/);
      expect(() => store.overview('damaged-1')).toThrow(/stored record of run damaged-1 is damaged/);
      const live = store.sink();
      live.started({ ...b, execution: { ...b.execution, runId: 'still-playing-1', status: 'started' } });
      expect(() => store.delete('still-playing-1')).toThrow(/still playing/);
    } finally {
      store.close();
    }
  }, 60_000);

  it('closing the store while a run plays into it writes what the run buffered, and no heartbeat fires on the closed file', async () => {
    // A CI run saw 'The database connection is not open' thrown from the sink's heartbeat timer after a test closed its store.
    const file = join(home, 'closing.sqlite');
    const b = await runDrill(builtIn('revocation-and-restore'), {});
    const store = RunStore.open(file);
    const sink = store.sink();
    vi.useFakeTimers();
    try {
      sink.started({ ...b, execution: { ...b.execution, runId: 'closing-1', status: 'started' } });
      sink.timelineEntry({ seq: 0, at: 0, kind: 'event', name: 'x', detail: 'buffered', outcome: 'ok', principal: 'p', calls: { from: 0, until: 0 }, observations: { from: 0, until: 0 } } as unknown as Parameters<typeof sink.timelineEntry>[0]);
      store.close();
      expect(() => vi.advanceTimersByTime(60_000)).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    const reopened = RunStore.open(file);
    try {
      expect(reopened.timeline('closing-1').total).toBe(1);
    } finally {
      reopened.close();
    }
  }, 60_000);

  it('a drill stopped by its signal is kept as cancelled, having judged nothing', async () => {
    const store = RunStore.open(join(home, 'cancel.sqlite'));
    try {
      const stop = new AbortController();
      const record = await runDrill(builtIn('year-of-operation'), { runSink: store.sink(), signal: stop.signal, onProgress: (f) => (f > 0.3 ? stop.abort('stopped by the test') : undefined) });
      expect(record.execution.status).toBe('cancelled');
      expect(record.execution.reason).toBe('stopped by the test');
      expect(record.execution.reachedAt).toBeGreaterThan(0.3 * record.scenario.duration);
      expect(record.execution.reachedAt).toBeLessThan(record.scenario.duration);
      expect(record.verdicts).toEqual([]);
      expect(record.passed).toBe(false);
      expect(store.list()[0]).toMatchObject({ status: 'cancelled', passed: false });
    } finally {
      store.close();
    }
  }, 60_000);
});
