import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi, type AppContext } from '../app/api-handlers';
import type { ApiOutcome } from '../../src-shared/api';
import { StaticFiles } from './static-files';

/**
 * The API contract over HTTP on 127.0.0.1, for a browser and for the end-to-end tests: the built
 * renderer, `POST /api/<channel>` with a JSON body answering the same outcome as Electron IPC, and
 * the pushed events as server-sent events on `GET /api/events`. Every request must carry the
 * per-launch token — in the URL the server prints (then a SameSite=Strict cookie), or in an
 * `x-keydrill-token` header — or it gets 401. The Host header must name the loopback address, so a
 * page elsewhere cannot reach the bridge by rebinding a DNS name to 127.0.0.1.
 */
export interface BridgeOptions {
  ctx: AppContext;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; random (32 bytes, hex) otherwise. */
  token?: string;
}

export interface Bridge {
  /** The URL to open: it carries the token once, then the cookie does. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const COOKIE = 'keydrill_token';
const MAX_BODY = 4 * 1024 * 1024;
const STATUS: Record<string, number> = { 'bad-request': 400, unauthorized: 401, 'not-found': 404, 'unknown-channel': 404, failed: 500 };

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const files = new StaticFiles(options.rendererDir);
  const streams = new Set<ServerResponse>();
  let allowedHosts: Set<string> = new Set();

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, failure('failed', (err as Error).message));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    if (!allowedHosts.has(req.headers.host ?? '')) return sendJson(res, 421, failure('unauthorized', 'This server answers only on its loopback address.'));
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      if (!same(fromQuery, token)) return sendJson(res, 401, failure('unauthorized', 'This link is from another launch of keydrill ui: use the URL it printed.'));
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      res.writeHead(303, { 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`, location: url.pathname });
      return void res.end();
    }
    if (!authorised(req, token)) return sendJson(res, 401, failure('unauthorized', 'Missing or wrong KeyDrill token: open the URL keydrill ui printed.'));

    if (url.pathname === '/api/events' && req.method === 'GET') return openStream(res);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return sendJson(res, 405, failure('bad-request', 'API calls are POST requests.'));
      // A cross-site form cannot send this content type without a preflight the bridge never allows.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, failure('bad-request', 'API calls carry a JSON body (content-type: application/json).'));
      const channel = decodeURIComponent(url.pathname.slice('/api/'.length));
      const body = await readBody(req);
      if (body === undefined) return sendJson(res, 413, failure('bad-request', `The request body is larger than ${MAX_BODY / 1024 / 1024} MiB.`));
      let args: unknown;
      try {
        args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, failure('bad-request', 'The request body is not JSON.'));
      }
      const outcome = await callApi(options.ctx, channel, args);
      return sendJson(res, outcome.ok ? 200 : (STATUS[outcome.error.code] ?? 500), outcome);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, failure('bad-request', 'Only GET here.'));
    const file = files.get(url.pathname);
    if (!file) return sendJson(res, 404, failure('not-found', `No file ${url.pathname}.`));
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, 'cache-control': file.immutable ? 'max-age=31536000, immutable' : 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  function openStream(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    res.on('close', () => streams.delete(res));
  }

  const unsubscribe = options.ctx.services.events.onAny((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of streams) res.write(frame);
  });
  // Proxies and idle timeouts close quiet streams; a comment line every 15 s keeps them open.
  const keepAlive = setInterval(() => { for (const res of streams) res.write(': ping\n\n'); }, 15_000);
  keepAlive.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    close: async () => {
      unsubscribe();
      clearInterval(keepAlive);
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function authorised(req: IncomingMessage, token: string): boolean {
  const header = req.headers['x-keydrill-token'];
  if (typeof header === 'string') return same(header, token);
  const cookie = (req.headers.cookie ?? '').split(';').map((c) => c.trim()).find((c) => c.startsWith(`${COOKIE}=`));
  return cookie !== undefined && same(cookie.slice(COOKIE.length + 1), token);
}

function same(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function failure(code: 'bad-request' | 'unauthorized' | 'not-found' | 'failed', message: string): ApiOutcome {
  return { ok: false, error: { code, message } };
}

function sendJson(res: ServerResponse, status: number, body: ApiOutcome): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
