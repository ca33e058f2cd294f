import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WireResponse } from './embedded-kms';

/** The largest request body the embedded KMS reads. */
export const MAX_BODY = 1024 * 1024;

/**
 * How long a connection whose body was refused may go on sending after its answer. Its bytes are read
 * and dropped meanwhile (none is kept), so a client that writes its whole body before it reads — many
 * do — finishes and reads the answer; one that never stops sending is cut off after this.
 */
const LINGER_MS = 30_000;

/** A body refused unread: over MAX_BODY, with its size when known (declared by Content-Length, or a body in hand). */
export interface OversizedBody {
  bytes: number | undefined;
}

export function tooLargeMessage(body: OversizedBody): string {
  const size = body.bytes === undefined ? `more than ${MAX_BODY}` : String(body.bytes);
  return `The request body is ${size} bytes; KMS accepts at most ${MAX_BODY} bytes.`;
}

/** A body Content-Length declares over MAX_BODY: it can be refused before a byte of it is read. */
export function declaredOversize(req: IncomingMessage): OversizedBody | undefined {
  const declared = Number(req.headers['content-length'] ?? NaN);
  return Number.isFinite(declared) && declared > MAX_BODY ? { bytes: declared } : undefined;
}

/**
 * Reads a request body of at most MAX_BODY bytes and hands it to `whole`. A larger body goes to
 * `oversized` as soon as that is known — from Content-Length before any byte, else once the count
 * passes the limit — and nothing of it is kept.
 */
export function readRequestBody(req: IncomingMessage, whole: (body: Buffer) => void, oversized: (body: OversizedBody) => void): void {
  const declared = declaredOversize(req);
  if (declared) return oversized(declared);
  const chunks: Buffer[] = [];
  let size = 0;
  const keep = (chunk: Buffer): void => {
    size += chunk.length;
    if (size <= MAX_BODY) {
      chunks.push(chunk);
      return;
    }
    req.off('data', keep).off('end', finish);
    chunks.length = 0;
    oversized({ bytes: undefined });
  };
  const finish = (): void => whole(Buffer.concat(chunks, size));
  req.on('data', keep).on('end', finish);
}

export function sendAnswer(res: ServerResponse, answer: WireResponse): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/**
 * Answers a request whose body is still arriving, then closes the connection cleanly. The whole
 * answer goes out at once with its length, so a client that reads while it sends has it straight
 * away. The connection is not closed yet: closing a socket with unread bytes resets it, and the reset
 * can destroy the answer before the client has read it. So the rest of the body is read and dropped
 * until the client has sent it all (then the socket closes normally), the client hangs up, or
 * LINGER_MS has passed.
 */
export function answerBeforeBodyEnds(req: IncomingMessage, res: ServerResponse, answer: WireResponse): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body), connection: 'close' });
  res.write(answer.body);
  const cutOff = setTimeout(() => req.socket.destroy(), LINGER_MS);
  res.once('close', () => clearTimeout(cutOff));
  req.once('end', () => res.end());
  req.resume();
}
