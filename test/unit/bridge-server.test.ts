import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppServices } from '../../src-main/app/app-services';
import { startBridge, type Bridge } from '../../src-main/server/bridge-server';

describe('the web bridge: the API contract over HTTP on loopback, behind a per-launch token', () => {
  let home: string;
  let services: AppServices;
  let bridge: Bridge;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-bridge-'));
    const renderer = join(home, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>KeyDrill</title>');
    writeFileSync(join(home, 'secret.txt'), 'outside the renderer');
    services = new AppServices({ home });
    bridge = await startBridge({ ctx: { services }, rendererDir: renderer, port: 0 });
  });
  afterAll(async () => {
    await bridge.close();
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  const api = (channel: string, body: unknown, headers: Record<string, string> = { 'x-keydrill-token': bridge.token }) =>
    fetch(`${bridge.origin}/api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('listens on 127.0.0.1 only and prints a URL carrying the token', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
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
    const bad = await fetch(`${bridge.origin}/api/settings:get`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-keydrill-token': bridge.token }, body: '{' });
    expect(bad.status).toBe(400);
    const form = await fetch(`${bridge.origin}/api/settings:get`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-keydrill-token': bridge.token }, body: 'a=1' });
    expect(form.status).toBe(415);
  });

  it('trades the token in the URL for an HttpOnly SameSite cookie, which then opens the app', async () => {
    const res = await fetch(bridge.url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`${bridge.origin}/`, { headers: { cookie: cookie.split(';')[0] as string } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>KeyDrill</title>');
  });

  it('does not serve files outside the renderer folder', async () => {
    const status = await rawGet('/..%2fsecret.txt', bridge.token);
    expect(status).toBe(404);
  });

  it('refuses a request whose Host is not the loopback address (DNS rebinding)', async () => {
    expect(await rawGet('/api/events', bridge.token, 'evil.example:80')).toBe(421);
  });

  it('streams pushed events to a subscriber', async () => {
    const controller = new AbortController();
    const res = await fetch(`${bridge.origin}/api/events`, { headers: { 'x-keydrill-token': bridge.token }, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read(); // the ": connected" comment
    services.events.emit('drill:progress', { jobId: 'job-1', fraction: 0.25 });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toBe('event: drill:progress\ndata: {"jobId":"job-1","fraction":0.25}\n\n');
    controller.abort();
  });

  function rawGet(path: string, token: string, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path, headers: { 'x-keydrill-token': token, ...(host ? { host } : {}) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.end();
    });
  }
});
