import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callApi, type AppContext } from '../app/api-handlers';
import { attachApiSocket, SOCKET_PATH } from './api-socket';
import { bodyLimit, readBody, tooLargeMessage } from './body-limits';
import { BridgeGuards } from './bridge-guards';
import { failure, sendJson, STATUS_OF_CODE } from './http-replies';
import { serveReport } from './report-downloads';
import { StaticFiles } from './static-files';

/**
 * The API contract on 127.0.0.1, for a browser and for the end-to-end tests: the built renderer,
 * `POST /api/<channel>` with a JSON body answering the same outcome as Electron IPC, a WebSocket at
 * `/api/ws` carrying the pushed events (and requests too), and exported reports as downloads under
 * `/downloads/reports/`. Every request must carry the per-launch token — in the URL the server
 * prints (then a SameSite=Strict cookie), or in an `x-keydrill-token` header — or it gets 401, and
 * must name the loopback address in its Host header (see BridgeGuards).
 */
export interface BridgeOptions {
  ctx: AppContext;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; random (32 bytes, hex) otherwise. */
  token?: string;
  /** WebSocket ping interval (30 s by default; tests shorten it). */
  heartbeatMs?: number;
}

export interface Bridge {
  /** The URL to open: it carries the token once, then the cookie does. */
  url: string;
  origin: string;
  /** ws://127.0.0.1:<port>/api/ws */
  socketUrl: string;
  port: number;
  token: string;
  /** The name of the token cookie (per launch and port). */
  cookieName: string;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const guards = new BridgeGuards(options.token ?? randomBytes(32).toString('hex'));
  const files = new StaticFiles(options.rendererDir);
  // ReportService writes exports into <data folder>/reports; the bridge serves that folder's files.
  const reportsDir = options.ctx.services.reports.dir;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, failure('failed', (err as Error).message));
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    const wrongHost = guards.checkHost(req);
    if (wrongHost) return sendJson(res, wrongHost.status, wrongHost.outcome);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fromQuery = url.searchParams.get('token');
    if (fromQuery !== null && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
      if (!guards.tokenMatches(fromQuery)) return sendJson(res, 401, failure('unauthorized', 'This link is from another launch of keydrill ui: use the URL it printed.'));
      // Trade the token in the URL for a cookie, and drop it from the address bar and history.
      res.writeHead(303, { 'set-cookie': `${guards.cookieName}=${guards.token}; HttpOnly; SameSite=Strict; Path=/`, location: url.pathname });
      return void res.end();
    }
    const noToken = guards.checkToken(req);
    if (noToken) return sendJson(res, noToken.status, noToken.outcome);

    const rawPath = (req.url ?? '/').split('?')[0] as string;
    if (rawPath.startsWith('/downloads/')) return serveReport(req, res, reportsDir, rawPath);
    if (url.pathname === SOCKET_PATH) return sendJson(res, 426, failure('bad-request', `${SOCKET_PATH} is a WebSocket: connect with one.`));
    if (url.pathname.startsWith('/api/')) return answerPost(req, res, url);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, failure('bad-request', 'Only GET here.'));
    const file = files.get(url.pathname);
    if (!file) return sendJson(res, 404, failure('not-found', `No file ${url.pathname}.`));
    res.writeHead(200, { 'content-type': file.type, 'content-length': file.body.length, 'cache-control': file.immutable ? 'max-age=31536000, immutable' : 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function answerPost(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, failure('bad-request', 'API calls are POST requests.'));
    // A cross-site form cannot send this content type without a preflight the bridge never allows.
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, failure('bad-request', 'API calls carry a JSON body (content-type: application/json).'));
    let channel: string;
    try {
      channel = decodeURIComponent(url.pathname.slice('/api/'.length));
    } catch {
      return sendJson(res, 400, failure('bad-request', 'The channel name is not valid percent-encoding.'));
    }
    const limit = bodyLimit(channel);
    const body = await readBody(req, limit);
    if (body === undefined) return sendJson(res, 413, failure('bad-request', tooLargeMessage(channel, limit)));
    let args: unknown;
    try {
      args = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
    } catch {
      return sendJson(res, 400, failure('bad-request', 'The request body is not JSON.'));
    }
    // A request the page dropped (fetch aborted: the user moved on) closes before it is answered.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new Error(`${channel}: the request was dropped before it was answered`));
    });
    const outcome = await callApi(options.ctx, channel, args, gone.signal);
    if (gone.signal.aborted) return;
    return sendJson(res, outcome.ok ? 200 : STATUS_OF_CODE[outcome.error.code], outcome);
  }

  const socket = attachApiSocket(server, { ctx: options.ctx, guards, heartbeatMs: options.heartbeatMs ?? 30_000 });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  guards.listeningOn(port);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${guards.token}`,
    origin,
    socketUrl: `ws://127.0.0.1:${port}${SOCKET_PATH}`,
    port,
    token: guards.token,
    cookieName: guards.cookieName,
    close: async () => {
      await socket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
