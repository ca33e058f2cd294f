import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { z } from 'zod';
import type { ApiOutcome } from '../../src-shared/api';
import { callApi, type AppContext } from '../app/api-handlers';
import type { BridgeGuards } from './bridge-guards';
import { failure, refusal, refuseUpgrade } from './http-replies';

/** The WebSocket's path on the bridge. */
export const SOCKET_PATH = '/api/ws';

/**
 * Largest message a client may send. Socket requests are small calls; `audit:import-files` (log files
 * in base64, up to 200 MiB) goes over HTTP POST, which has per-channel caps. A bigger message makes
 * `ws` close the socket with 1009 (message too big).
 */
export const SOCKET_MAX_PAYLOAD = 4 * 1024 * 1024;

/** A client that lets this much of our output pile up unread is not keeping up: drop it, it reconnects. */
const MAX_BUFFERED = 16 * 1024 * 1024;

/** How long a closing bridge waits for a client to answer its close frame. */
const CLOSE_GRACE_MS = 1_000;

/** A request over the socket; the answer is `{ id, outcome }` with the same id. */
const SocketRequest = z.object({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(200),
  args: z.unknown().optional(),
}).strict();

export interface ApiSocketOptions {
  ctx: AppContext;
  guards: BridgeGuards;
  /** How often every socket is pinged; one that has not answered the previous ping is dropped. */
  heartbeatMs: number;
}

export interface ApiSocket {
  close(): Promise<void>;
}

/**
 * The contract over one WebSocket per page at `/api/ws`: every pushed event goes out as
 * `{ event, payload }`, and requests `{ id, channel, args }` come back as `{ id, outcome }` through
 * the same `callApi` door as HTTP POST and Electron IPC. Upgrades pass the same Host and token
 * checks as requests, plus an Origin check (see BridgeGuards).
 */
export function attachApiSocket(server: Server, { ctx, guards, heartbeatMs }: ApiSocketOptions): ApiSocket {
  const wss = new WebSocketServer({ noServer: true, maxPayload: SOCKET_MAX_PAYLOAD, perMessageDeflate: false });
  const alive = new WeakSet<WebSocket>();
  let closing = false;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets mid-handshake must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    if (closing) return refuseUpgrade(socket, refusal(503, 'failed', 'KeyDrill is shutting down.'));
    const refused = guards.checkUpgrade(req);
    if (refused) return refuseUpgrade(socket, refused);
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== SOCKET_PATH) {
      return refuseUpgrade(socket, refusal(404, 'not-found', `The WebSocket is at ${SOCKET_PATH}.`));
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    // ws closes the socket itself on a protocol error (e.g. 1009 for a message over maxPayload); without a listener the error would be thrown.
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      void answer(ctx, data, isBinary).then((reply) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  const unsubscribe = ctx.services.events.onAny((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of wss.clients) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (ws.bufferedAmount > MAX_BUFFERED) ws.terminate();
      else ws.send(message);
    }
  });

  // A laptop that slept or a tab that was killed leaves a socket nobody reads; pings find it.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  return {
    async close() {
      closing = true;
      unsubscribe();
      clearInterval(heartbeat);
      // Sockets leave the HTTP server on upgrade, so server.close() would not end them.
      await Promise.all([...wss.clients].map((ws) => closeGracefully(ws)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

async function answer(ctx: AppContext, data: RawData, isBinary: boolean): Promise<{ id: number | null; outcome: ApiOutcome }> {
  if (isBinary) return { id: null, outcome: failure('bad-request', 'Requests are JSON text messages.') };
  let message: unknown;
  try {
    message = JSON.parse(textOf(data));
  } catch {
    return { id: null, outcome: failure('bad-request', 'The message is not JSON.') };
  }
  const parsed = SocketRequest.safeParse(message);
  if (!parsed.success) {
    const id = (message as { id?: unknown } | null)?.id;
    return { id: typeof id === 'number' ? id : null, outcome: failure('bad-request', 'A request is {"id": <number>, "channel": "<domain:verb>", "args": {…}}.') };
  }
  const { id, channel, args } = parsed.data;
  const outcome = await callApi(ctx, channel, args).catch((err: unknown) => failure('failed', (err as Error).message));
  return { id, outcome };
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}

function closeGracefully(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.close(1001, 'KeyDrill is shutting down');
  });
}
