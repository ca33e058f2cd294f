import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../src-main/kms/embedded/random-pool';

describe('pooled random bytes for data keys and nonces', () => {
  it('hands out slices of the requested size that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const size = [12, 16, 32][i % 3] as number;
      const bytes = pooledRandomBytes(size);
      expect(bytes.length).toBe(size);
      seen.add(bytes.toString('hex'));
    }
    expect(seen.size).toBe(2_000);
  });

  it('each slice is its own copy: zeroing one (as the KMS does with a data key) leaves the next untouched', () => {
    const a = pooledRandomBytes(32);
    const b = pooledRandomBytes(32);
    a.fill(0);
    expect(b.equals(Buffer.alloc(32))).toBe(false);
    expect(a.buffer).not.toBe(b.buffer);
  });

  it('large requests bypass the pool and are still random', () => {
    const big = pooledRandomBytes(8192);
    expect(big.length).toBe(8192);
    expect(new Set(big).size).toBeGreaterThan(200);
  });
});
