import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import type { ApiEvent } from '../../src-shared/api';
import type * as AppState from '../../src-renderer/src/app-state';

/**
 * The renderer's store against the real services, through a window.keydrill transport shaped
 * exactly as the Electron preload exposes it (invoke → the one door `callApi`; on → pushed
 * events). What a user sees depends on this state: the running drill and its frames, the run
 * selected when it ends, hand-overs from the native menus.
 */
let home: string;
let services: AppServices;
type AppStateModule = typeof AppState;
let store: AppStateModule;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'keydrill-store-'));
  services = new AppServices({ home });
  const ctx: AppContext = { services };
  (globalThis as { window?: unknown }).window = {
    keydrill: {
      invoke: (channel: string, args: unknown) => callApi(ctx, channel, args),
      on: (event: string, listener: (payload: unknown) => void) => services.events.on(event as ApiEvent, listener),
    },
  };
  // Imported after the transport exists: the client picks it once, at load, as in the window.
  store = await import('../../src-renderer/src/app-state');
  store.connectAppEvents();
});

afterAll(async () => {
  await services.close();
  rmSync(home, { recursive: true, force: true });
});

const state = () => store.useAppStore.getState();

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the renderer store', () => {
  it('follows a drill: frames arrive while it runs, and the finished run becomes the selected one', async () => {
    const { call } = await import('../../src-renderer/src/api-client');
    const started = await call('drills:run', { scenario: { name: 'revocation-and-restore' }, speed: 36_000 });
    state().startJob(started);
    await until(() => (state().job?.history.length ?? 0) >= 3, 'live frames');
    const job = state().job!;
    expect(job.title).toBe(started.title);
    expect(job.run?.runId).toMatch(/^revocation-and-restore-s11-/);
    // Every frame so far is in time order: the Explorer's slider relies on it.
    expect(job.history.at).toEqual([...job.history.at].sort((a, b) => a - b));
    // The history starts at a keyframe and the newest hierarchy is at hand.
    expect(job.history.keyframes[0]).toBe(0);
    expect(job.history.latest()?.nodes.length).toBe(4);
    await until(() => state().job === undefined, 'the drill to finish');
    expect(state().jobError).toBeUndefined();
    expect(store.selectedRunId(state())).toBe(job.run?.runId);
    expect(state().runs.map((r) => r.runId)).toContain(job.run?.runId);
  });

  it('a started drill\'s run is listed as running and selected from its start, over the run chosen before it', async () => {
    const { call } = await import('../../src-renderer/src/api-client');
    const before = state().runs[0]!.runId;
    state().selectRun(before);
    const started = await call('drills:run', { scenario: { name: 'revocation-and-restore' }, speed: 600 });
    state().startJob(started);
    // Until then the Drills page shows no run: the one chosen before is not this drill's.
    expect(state().job?.listed).toBeFalsy();
    await until(() => state().job?.listed === true, 'the run to be listed');
    const runId = state().job!.run!.runId;
    expect(runId).not.toBe(before);
    expect(store.selectedRunId(state())).toBe(runId);
    expect(state().runs.find((r) => r.runId === runId)?.status).toBe('started');
    // Chosen again by the user while it plays, the other run stays chosen.
    state().selectRun(before);
    await until(() => (state().job?.fraction ?? 0) > 0, 'progress');
    expect(store.selectedRunId(state())).toBe(before);
    await call('drills:cancel', { jobId: started.jobId });
    await until(() => state().job === undefined, 'the drill to stop');
    expect(store.selectedRunId(state())).toBe(runId);
    expect(state().runs.find((r) => r.runId === runId)?.status).toBe('cancelled');
  });

  it('a watched drill plays to its end on the wall clock, its progress climbing without a jump', async () => {
    const { call, subscribe } = await import('../../src-renderer/src/api-client');
    // 6 simulated hours at 2 hours a second: 3 s of wall time, though its last event is at 3 h.
    const started = await call('drills:run', { scenario: { name: 'revocation-and-restore' }, speed: 7_200 });
    const t0 = Date.now();
    const seen: number[] = [];
    const off = subscribe('drill:progress', (p) => {
      if (p.jobId === started.jobId) seen.push(p.fraction);
    });
    state().startJob(started);
    await until(() => state().job === undefined, 'the watched drill to finish');
    off();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
    expect(seen.at(-1)).toBe(1);
    const jumps = seen.slice(1).map((f, i) => f - seen[i]!);
    expect(Math.min(...jumps)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...jumps)).toBeLessThan(0.15);
  });

  it('a moment scrubbed back to during a live drill stays chosen when the drill finishes and is saved', async () => {
    const { call } = await import('../../src-renderer/src/api-client');
    const started = await call('drills:run', { scenario: { name: 'revocation-and-restore' }, speed: 36_000 });
    state().startJob(started);
    await until(() => (state().job?.history.length ?? 0) >= 2, 'live frames');
    const runId = state().job!.run!.runId;
    state().scrubTo(runId, 1);
    expect(store.momentOf(state(), runId)).toBe(1);
    await until(() => state().job === undefined, 'the drill to finish');
    // The saved run is the one shown now, at the moment the user chose.
    expect(store.selectedRunId(state())).toBe(runId);
    expect(store.momentOf(state(), store.selectedRunId(state()))).toBe(1);
    state().scrubTo(runId, undefined);
    expect(store.momentOf(state(), runId)).toBeUndefined();
  });

  it('a drill that cannot run leaves its reason for the Drills page', async () => {
    const { call } = await import('../../src-renderer/src/api-client');
    // Valid scenario text, but LocalStack at a port where nothing listens: the job starts and fails.
    await call('settings:set', { backend: { kind: 'localstack', endpoint: 'http://127.0.0.1:9' } });
    const started = await call('drills:run', { scenario: { name: 'revocation-and-restore' }, backend: 'localstack' });
    state().startJob(started);
    await until(() => state().job === undefined, 'the failed drill to end');
    expect(state().jobError).toMatch(/127\.0\.0\.1:9|ECONNREFUSED|connect/);
    await call('settings:set', { backend: { kind: 'embedded' } });
  });

  it('native menu commands navigate, hand a scenario to the editor and ask for an export', () => {
    services.events.emit('menu:command', { command: 'navigate', page: 'audit' });
    expect(state().page).toBe('audit');
    services.events.emit('menu:command', { command: 'open-scenario', name: 'mine.yaml', text: 'name: mine\n' });
    expect(state().page).toBe('drills');
    expect(state().draft).toMatchObject({ name: 'mine.yaml', text: 'name: mine\n' });
    const before = state().exportRequest;
    services.events.emit('menu:command', { command: 'export-report' });
    expect(state().exportRequest).toBe(before + 1);
    expect(state().page).toBe('reports');
    const theme = state().theme;
    services.events.emit('menu:command', { command: 'toggle-theme' });
    expect(state().theme).not.toBe(theme);
  });

  it('opening an event in the audit log goes there, and asking twice still applies', () => {
    state().openInAudit({ eventId: 'abc' });
    const first = state().auditPreset!;
    state().openInAudit({ eventId: 'abc' });
    expect(state().page).toBe('audit');
    expect(state().auditPreset!.nonce).toBe(first.nonce + 1);
  });
});
