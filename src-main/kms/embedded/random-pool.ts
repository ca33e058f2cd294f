import { randomBytes, randomFillSync } from 'node:crypto';

/**
 * Random bytes for data keys and nonces, drawn from a buffer that OpenSSL refills 4 KiB at a
 * time: a call into OpenSSL costs about 1.8 µs whatever its size, as much as the AES-GCM it feeds,
 * and a data-key call needs two. Each slice is copied out and zeroed in the pool at once, so no
 * key material lingers there.
 */
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_SIZE / 4) return randomBytes(size);
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.alloc(size);
  pool.copy(out, 0, offset, offset + size);
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
