import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiError, ApiOutcome } from '../../src-shared/api';

/** The HTTP status each typed error code answers with, so a browser's network panel tells them apart. */
export const STATUS_OF_CODE: Record<ApiError['code'], number> = { 'bad-request': 400, unauthorized: 401, 'not-found': 404, 'unknown-channel': 404, failed: 500 };

/** A refusal the bridge answers before any handler runs: its HTTP status and the typed outcome. */
export interface Refusal {
  status: number;
  outcome: ApiOutcome;
}

export function failure(code: ApiError['code'], message: string): ApiOutcome {
  return { ok: false, error: { code, message } };
}

export function refusal(status: number, code: ApiError['code'], message: string): Refusal {
  return { status, outcome: failure(code, message) };
}

export function sendJson(res: ServerResponse, status: number, body: ApiOutcome): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * Answers a WebSocket upgrade that will not be accepted with a plain HTTP response, then drops the
 * connection: there is no ServerResponse on an `upgrade`, only the raw socket.
 */
export function refuseUpgrade(socket: Duplex, { status, outcome }: Refusal): void {
  const text = JSON.stringify(outcome);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'connection: close',
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(text)}`,
    'cache-control: no-store',
  ].join('\r\n');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head}\r\n\r\n${text}`);
}
