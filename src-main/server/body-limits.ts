import type { IncomingMessage } from 'node:http';
import { isApiChannel, type ApiChannel } from '../../src-shared/api';

const MiB = 1024 * 1024;

/** What an ordinary call's arguments may weigh: queries, settings, scenario text. */
export const DEFAULT_BODY_LIMIT = 4 * MiB;

/**
 * Channels whose arguments are large by design. `audit:import-files` carries CloudTrail log files in
 * base64 (ImportFile: up to 100 files of ≤ 48 MiB each); 200 MiB lets a browser hand over a real
 * day of logs in one call while bounding what one request can make the bridge hold in memory.
 */
const CHANNEL_BODY_LIMITS: Partial<Record<ApiChannel, number>> = {
  'audit:import-files': 200 * MiB,
};

export function bodyLimit(channel: string): number {
  return (isApiChannel(channel) ? CHANNEL_BODY_LIMITS[channel] : undefined) ?? DEFAULT_BODY_LIMIT;
}

export function tooLargeMessage(channel: string, limit: number): string {
  const hint = limit === DEFAULT_BODY_LIMIT ? ' (log files go through audit:import-files, which takes up to 200 MiB)' : '';
  return `The body of a ${channel} call may be at most ${limit / MiB} MiB; this one is larger${hint}.`;
}

/**
 * The request body, or undefined once it is known to exceed `limit` — from Content-Length before a
 * byte is read, or while reading. The rest of a too-large body is still read and dropped (nothing is
 * kept) so the client finishes sending and reads the 413 instead of a reset connection; the server's
 * request timeout bounds how long that may take.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    let over = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks, size)));
    req.on('error', reject);
    if (over) resolve(undefined);
  });
}
