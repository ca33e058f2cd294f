import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { InvalidQueryError } from './event-store';

/**
 * Opaque paging tokens, as CloudTrail's: they carry the position after the last event returned
 * and a fingerprint of the query, and are signed with a secret of this store. So an altered
 * token, a token from another store, or a token replayed with a different query is refused with
 * a clear error instead of silently returning the wrong page.
 */
const Payload = z.object({ v: z.literal(1), c: z.number().int().positive(), f: z.string().min(1) });

export class PagingTokens {
  constructor(private readonly secret: Buffer) {}

  issue(cursor: number, fingerprint: string): string {
    const payload = Buffer.from(JSON.stringify({ v: 1, c: cursor, f: fingerprint })).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The cursor a token carries, after checking its signature and that it belongs to this query. */
  open(token: string, fingerprint: string): number {
    const [payload, mac, extra] = token.split('.');
    if (!payload || !mac || extra !== undefined || !/^[\w-]+$/.test(payload) || !/^[\w-]+$/.test(mac)) throw altered();
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw altered();
    let parsed: z.infer<typeof Payload>;
    try {
      parsed = Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      throw altered();
    }
    if (parsed.f !== fingerprint) {
      throw new InvalidQueryError('The paging token belongs to a different query: repeat the same attribute, time range and filters to get the next page.', 'nextToken');
    }
    return parsed.c;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest().subarray(0, 16).toString('base64url');
  }
}

/** A short stable digest of the parts of a query that a token must not outlive. */
export function fingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest().subarray(0, 9).toString('base64url');
}

function altered(): InvalidQueryError {
  return new InvalidQueryError('The paging token is not valid: it was altered, or it comes from another event store.', 'nextToken');
}
