import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { AppServices } from '../../src-main/app/app-services';
import type { Bridge } from '../../src-main/server/bridge-server';
import { openBridgeSession } from '../support/bridge-session';

/**
 * A drill as a browser page runs it through `keydrill ui`, without the browser: started by a request
 * over the WebSocket, followed by the progress and end events pushed on the same socket, its report
 * exported into the data folder by another socket request and downloaded over HTTP with the cookie.
 */
describe('the web bridge end to end: a real drill over the WebSocket, its report as a download', () => {
  let home: string;
  let services: AppServices;
  let bridge: Bridge;
  let cookie: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-bridge-ws-'));
    services = new AppServices({ home });
    ({ bridge, cookie } = await openBridgeSession(services, home));
  });
  afterAll(async () => {
    await bridge.close();
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs a built-in drill requested over the socket, pushes its progress and end, and serves its report', async () => {
    const ws = new WebSocket(bridge.socketUrl, { headers: { cookie, origin: bridge.origin } });
    const inbox: { id?: number; outcome?: { ok: boolean; result?: { jobId: string } }; event?: string; payload?: Record<string, unknown> }[] = [];
    ws.on('message', (data) => inbox.push(JSON.parse(String(data)) as (typeof inbox)[number]));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));

    ws.send(JSON.stringify({ id: 7, channel: 'drills:run', args: { scenario: { name: 'revocation-and-restore' }, seed: 11 } }));
    const started = await vi.waitFor(() => {
      const reply = inbox.find((m) => m.id === 7);
      if (!reply) throw new Error('no answer yet');
      return reply;
    });
    expect(started.outcome?.ok).toBe(true);
    const jobId = started.outcome?.result?.jobId;
    const finished = await vi.waitFor(() => {
      const end = inbox.find((m) => m.event === 'drill:finished' && m.payload?.jobId === jobId);
      if (!end) throw new Error('the drill has not finished');
      return end.payload as { ok: boolean; runId: string; passed: boolean };
    }, { timeout: 120_000, interval: 100 });
    expect(finished).toMatchObject({ ok: true, passed: true });
    const fractions = inbox.filter((m) => m.event === 'drill:progress' && m.payload?.jobId === jobId).map((m) => m.payload?.fraction);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBe(1);

    // The export, requested over the socket too, lands in <data folder>/reports; the browser fetches it from there.
    ws.send(JSON.stringify({ id: 8, channel: 'reports:export', args: { runId: finished.runId, format: 'html' } }));
    const exported = await vi.waitFor(() => {
      const reply = inbox.find((m) => m.id === 8);
      if (!reply) throw new Error('no answer yet');
      return reply.outcome as unknown as { ok: boolean; result: { cancelled: boolean; path: string; bytes: number } };
    }, { timeout: 30_000, interval: 50 });
    expect(exported).toMatchObject({ ok: true, result: { cancelled: false } });
    ws.close();

    const name = basename(exported.result.path);
    expect(exported.result.path).toBe(join(home, 'reports', name));
    const res = await fetch(`${bridge.origin}/downloads/reports/${encodeURIComponent(name)}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${finished.runId}\\.html"`));
    expect(Number(res.headers.get('content-length'))).toBe(exported.result.bytes);
    expect(await res.text()).toContain('<!doctype html');
  }, 150_000);
});
