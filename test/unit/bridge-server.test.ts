import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { AppServices } from '../../src-main/app/app-services';
import { startBridge, type Bridge } from '../../src-main/server/bridge-server';

const MiB = 1024 * 1024;

describe('the web bridge: the API contract over HTTP and a WebSocket on loopback, behind a per-launch token', () => {
  let home: string;
  let services: AppServices;
  let bridge: Bridge;
  let cookie: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-bridge-'));
    const renderer = join(home, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>KeyDrill</title>');
    writeFileSync(join(home, 'secret.txt'), 'outside the renderer');
    const reports = join(home, 'reports');
    mkdirSync(join(reports, 'run-1-cloudtrail'), { recursive: true });
    mkdirSync(join(reports, 'folder.json'));
    writeFileSync(join(reports, 'run-1.csv'), 'eventTime,eventName\n2025-01-01T00:00:00Z,Decrypt\n');
    symlinkSync(join(home, 'secret.txt'), join(reports, 'escape.html'));
    services = new AppServices({ home });
    bridge = await startBridge({ ctx: { services }, rendererDir: renderer, port: 0 });
    cookie = `${bridge.cookieName}=${bridge.token}`;
  });
  afterAll(async () => {
    await bridge.close();
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  const api = (channel: string, body: unknown, headers: Record<string, string> = { 'x-keydrill-token': bridge.token }) =>
    fetch(`${bridge.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  describe('HTTP', () => {
    it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
      expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
      expect(bridge.socketUrl).toBe(`ws://127.0.0.1:${bridge.port}/api/ws`);
    });

    it('refuses a call without the token with 401', async () => {
      const res = await api('settings:get', {}, {});
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect((await api('settings:get', {}, { 'x-keydrill-token': 'f'.repeat(64) })).status).toBe(401);
      expect((await fetch(`${bridge.origin}/`)).status).toBe(401);
    });

    it('answers a call with the token as Electron IPC does', async () => {
      const res = await api('settings:get', {});
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, result: { backend: { kind: 'embedded' } } });
    });

    it('refuses an unknown channel with a typed error', async () => {
      const res = await api('kms:delete-everything', {});
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ ok: false, error: { code: 'unknown-channel', message: 'Unknown API channel "kms:delete-everything"' } });
    });

    it('refuses a payload that does not match the schema, saying where', async () => {
      const res = await api('runs:get', { runId: '../../etc/passwd' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad-request');
      expect(body.error.message).toContain('runId');
    });

    it('refuses a body that is not JSON, and a form post', async () => {
      expect((await api('settings:get', '{')).status).toBe(400);
      const form = await fetch(`${bridge.origin}/api/settings:get`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-keydrill-token': bridge.token }, body: 'a=1' });
      expect(form.status).toBe(415);
    });

    it('trades the token in the URL for an HttpOnly SameSite cookie, which then opens the app', async () => {
      const res = await fetch(bridge.url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/');
      const set = res.headers.get('set-cookie') ?? '';
      expect(set).toMatch(/HttpOnly/);
      expect(set).toMatch(/SameSite=Strict/);
      expect(set.split(';')[0]).toBe(cookie);
      expect(bridge.cookieName).toMatch(new RegExp(`^keydrill_${bridge.port}_[0-9a-f]{12}$`));
      const page = await fetch(`${bridge.origin}/`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>KeyDrill</title>');
    });

    it('does not serve files outside the renderer folder', async () => {
      expect((await raw('GET', '/..%2fsecret.txt')).status).toBe(404);
    });

    it('refuses a request whose Host is not the loopback address (DNS rebinding)', async () => {
      expect((await raw('GET', '/', { host: 'evil.example:80' })).status).toBe(421);
      expect((await raw('POST', '/api/settings:get', { host: `evil.example:${bridge.port}`, 'content-type': 'application/json' }, '{}')).status).toBe(421);
    });

    it('says that /api/ws is a WebSocket when fetched as a page', async () => {
      expect((await fetch(`${bridge.origin}/api/ws`, { headers: { cookie } })).status).toBe(426);
    });
  });

  describe('request body caps, per channel', () => {
    it('refuses a body over 4 MiB on an ordinary channel with 413, naming the limit', async () => {
      const res = await api('drills:validate', { text: 'x'.repeat(5 * MiB) });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('bad-request');
      expect(body.error.message).toContain('at most 4 MiB');
      // The connection is still good for the next call.
      expect((await api('settings:get', {})).status).toBe(200);
    });

    it('reads an import of several MiB through to the schema check instead of refusing its size', async () => {
      const data = Buffer.alloc(6 * MiB, 1).toString('base64');
      const res = await api('audit:import-files', { files: [{ name: 'logs/../x.json', data }] });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('files.0.name');
    });

    it('refuses an import announced larger than 200 MiB before reading it', async () => {
      const res = await raw('POST', '/api/audit:import-files', { 'content-type': 'application/json', 'content-length': String(201 * MiB) }, '{', { endRequest: false });
      expect(res.status).toBe(413);
      expect(res.body).toContain('at most 200 MiB');
    });
  });

  describe('report downloads', () => {
    it('serves an exported report as an attachment with its content type', async () => {
      const res = await fetch(`${bridge.origin}/downloads/reports/run-1.csv`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="run-1.csv"; filename*=UTF-8''run-1.csv`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.text()).toContain('Decrypt');
      const head = await fetch(`${bridge.origin}/downloads/reports/run-1.csv`, { method: 'HEAD', headers: { cookie } });
      expect(head.headers.get('content-length')).toBe(String('eventTime,eventName\n2025-01-01T00:00:00Z,Decrypt\n'.length));
    });

    it('needs the token and the loopback Host like every request', async () => {
      expect((await fetch(`${bridge.origin}/downloads/reports/run-1.csv`)).status).toBe(401);
      expect((await raw('GET', '/downloads/reports/run-1.csv', { host: 'evil.example', cookie })).status).toBe(421);
    });

    it.each([
      ['/downloads/reports/..%2Fsecret.txt', 400],
      ['/downloads/reports/..%2fsecret.txt', 400],
      ['/downloads/reports/%2e%2e%2fsecret.txt', 400],
      ['/downloads/reports/..%5Csecret.txt', 400],
      ['/downloads/reports/..\\secret.txt', 400],
      ['/downloads/reports/../secret.txt', 400],
      ['/downloads/reports/run-1-cloudtrail/x.json', 400],
      ['/downloads/reports/run-1.csv%00.html', 400],
      ['/downloads/reports/%E0%A4%A', 400],
      ['/downloads/reports/', 400],
      ['/downloads/reports/escape.html', 404],
      ['/downloads/reports/folder.json', 404],
      ['/downloads/reports/run-1-cloudtrail', 404],
      ['/downloads/reports/missing.pdf', 404],
      ['/downloads/secret.txt', 404],
    ])('refuses %s with %i and a reason', async (path, status) => {
      const res = await raw('GET', path, { cookie });
      expect(res.status).toBe(status);
      expect(res.body).not.toContain('outside the renderer');
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { message: expect.any(String) } });
    });
  });

  describe('the WebSocket at /api/ws', () => {
    it('pushes every contract event as { event, payload } to a page holding the cookie', async () => {
      const ws = await open();
      const inbox = collect(ws);
      services.events.emit('drill:progress', { jobId: 'job-1', fraction: 0.25 });
      services.events.emit('import:progress', { jobId: 'imp-1', source: 'files', done: 1, total: 2, stored: 10, duplicates: 0, current: 'a.json.gz' });
      services.events.emit('menu:command', { command: 'navigate', page: 'audit' });
      await vi.waitFor(() => expect(inbox.length).toBe(3));
      expect(inbox).toEqual([
        { event: 'drill:progress', payload: { jobId: 'job-1', fraction: 0.25 } },
        { event: 'import:progress', payload: { jobId: 'imp-1', source: 'files', done: 1, total: 2, stored: 10, duplicates: 0, current: 'a.json.gz' } },
        { event: 'menu:command', payload: { command: 'navigate', page: 'audit' } },
      ]);
      ws.close();
    });

    // Headers are built when the test runs: the bridge's origin and cookie are known only then.
    const upgrades: [string, () => Record<string, string>, number][] = [
      ['without the token cookie', () => ({ origin: bridge.origin }), 401],
      ['with a wrong token', () => ({ cookie: `${bridge.cookieName}=${'f'.repeat(64)}`, origin: bridge.origin }), 401],
      ['with the right token under a fixed cookie name', () => ({ cookie: `keydrill_token=${bridge.token}`, origin: bridge.origin }), 401],
      ['with the right token under another launch\'s cookie name', () => ({ cookie: `keydrill_${bridge.port}_000000000000=${bridge.token}`, origin: bridge.origin }), 401],
      ['from a foreign origin', () => ({ cookie, origin: 'http://evil.example' }), 403],
      ['from the right host but another port', () => ({ cookie, origin: 'http://127.0.0.1:1' }), 403],
      ['without an Origin header', () => ({ cookie }), 403],
      ['under a foreign Host', () => ({ cookie, origin: bridge.origin, host: 'evil.example' }), 403],
    ];
    it.each(upgrades)('refuses an upgrade %s', async (_, headers, status) => {
      expect(await refusedUpgrade(bridge.socketUrl, headers())).toBe(status);
    });

    it('refuses an upgrade to another path', async () => {
      expect(await refusedUpgrade(`ws://127.0.0.1:${bridge.port}/api/events`, { cookie, origin: bridge.origin })).toBe(404);
    });

    it('answers a request through the same door as POST, and a bad payload with bad-request', async () => {
      const ws = await open();
      const inbox = collect(ws);
      ws.send(JSON.stringify({ id: 1, channel: 'drills:list', args: {} }));
      ws.send(JSON.stringify({ id: 2, channel: 'runs:get', args: { runId: '../../etc/passwd' } }));
      ws.send(JSON.stringify({ id: 3, channel: 'kms:delete-everything' }));
      ws.send('not json');
      ws.send(JSON.stringify({ id: 'four', channel: 'drills:list' }));
      await vi.waitFor(() => expect(inbox.length).toBe(5));
      const byId = (id: unknown) => inbox.filter((m) => m.id === id);
      const list = byId(1)[0] as { outcome: { ok: boolean; result: { scenarios: { name: string }[] } } };
      expect(list.outcome.ok).toBe(true);
      expect(list.outcome.result.scenarios.map((s) => s.name)).toContain('revocation-and-restore');
      expect(byId(2)[0]).toMatchObject({ outcome: { ok: false, error: { code: 'bad-request', message: expect.stringContaining('runId') } } });
      expect(byId(3)[0]).toMatchObject({ outcome: { ok: false, error: { code: 'unknown-channel' } } });
      expect(byId(null)).toHaveLength(2);
      expect(byId(null).every((m) => (m.outcome as { error: { code: string } }).error.code === 'bad-request')).toBe(true);
      ws.close();
    });

    it('closes a socket that sends a message over its 4 MiB cap with 1009', async () => {
      const ws = await open();
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send(JSON.stringify({ id: 1, channel: 'drills:validate', args: { text: 'x'.repeat(5 * MiB) } }));
      expect(await closed).toBe(1009);
    });

    it('drops a socket that stops answering pings, keeps one that answers, and closes all when the server closes', async () => {
      const quick = await startBridge({ ctx: { services }, rendererDir: join(home, 'renderer'), port: 0, token: bridge.token, heartbeatMs: 40 });
      const headers = { cookie: `${quick.cookieName}=${quick.token}`, origin: quick.origin };
      const silent = await open(quick.socketUrl, headers, { autoPong: false });
      const healthy = await open(quick.socketUrl, headers);
      const silentClosed = new Promise<number>((resolve) => silent.once('close', (code) => resolve(code)));
      expect(await silentClosed).toBe(1006);
      await new Promise((r) => setTimeout(r, 200));
      expect(healthy.readyState).toBe(WebSocket.OPEN);
      const healthyClosed = new Promise<number>((resolve) => healthy.once('close', (code) => resolve(code)));
      await quick.close();
      expect(await healthyClosed).toBe(1001);
    });
  });

  function open(url = bridge.socketUrl, headers: Record<string, string> = { cookie, origin: bridge.origin }, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers, ...options });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  function collect(ws: WebSocket): Record<string, unknown>[] {
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
    return messages;
  }

  /** The HTTP status an upgrade is refused with. */
  function refusedUpgrade(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      ws.once('open', () => reject(new Error('the upgrade was accepted')));
      ws.once('unexpected-response', (req, res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      ws.once('error', () => undefined);
    });
  }

  /** A request exactly as written, bypassing URL normalisation; `endRequest: false` sends only the start of the body. */
  function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string, { endRequest = true } = {}): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, method, path, headers: { 'x-keydrill-token': bridge.token, ...headers } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: text });
          req.destroy();
        });
      });
      req.on('error', reject);
      if (body !== undefined) req.write(body);
      if (endRequest) req.end();
    });
  }
});
