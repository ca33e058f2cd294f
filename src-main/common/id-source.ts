import { hash, randomBytes, randomUUID } from 'node:crypto';

/**
 * Where identifiers come from: key ids, key-material ids, grant ids, CloudTrail event and request
 * ids. Random by default; a drill passes a seeded source so the same scenario and seed produce the
 * same ids, and so a byte-identical report. Never used for key material, which is always random.
 */
export interface IdSource {
  bytes(length: number): Buffer;
  uuid(): string;
}

export const randomIds: IdSource = {
  bytes: (length) => randomBytes(length),
  uuid: () => randomUUID(),
};

/** A deterministic stream: SHA-256 of (seed, counter), as many blocks as asked for. */
export function seededIds(seed: string): IdSource {
  let counter = 0;
  const bytes = (length: number): Buffer => {
    // One-shot hashing: a drill draws several ids per KMS call.
    if (length <= 32) return sha256(`${seed}\0${counter++}`).subarray(0, length);
    const blocks: Buffer[] = [];
    for (let have = 0; have < length; have += 32) blocks.push(sha256(`${seed}\0${counter++}`));
    return Buffer.concat(blocks).subarray(0, length);
  };
  return {
    bytes,
    uuid: () => formatUuid(bytes(16)),
  };
}

export function sha256(data: string): Buffer {
  return hash('sha256', data, 'buffer');
}

/** A version-4-shaped UUID from 16 bytes. */
export function formatUuid(b: Buffer): string {
  const v = Buffer.from(b);
  v[6] = ((v[6] as number) & 0x0f) | 0x40;
  v[8] = ((v[8] as number) & 0x3f) | 0x80;
  const h = v.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
