import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/common/clock';
import type { CacheEvictionReason } from '../../src-main/envelope/envelope-events';
import { DEFAULT_CACHE_LIMITS, KeyCache } from '../../src-main/envelope/key-cache';
import { SecretKey } from '../../src-main/envelope/secret-key';

const HOUR = 3_600_000;

function setup(limits = {}) {
  const clock = new ManualClock();
  const evicted: [string, CacheEvictionReason][] = [];
  const cache = new KeyCache(clock, limits, (name, _key, reason) => evicted.push([name, reason]));
  const master = SecretKey.random('master');
  const db = SecretKey.random('db');
  cache.put('master', master);
  cache.put('db', db, 'master');
  return { clock, cache, evicted, master, db };
}

describe('the key cache', () => {
  it('defaults to the seeds limits: 24 hours or 5,000,000 operations, whichever comes first', () => {
    expect(DEFAULT_CACHE_LIMITS).toEqual({ maxAgeMs: 24 * HOUR, maxOperations: 5_000_000, maxBytes: Infinity });
  });

  it('counts a hit for a usable key and a miss for an absent one', () => {
    const { cache } = setup();
    expect(cache.get('db')).toBeDefined();
    expect(cache.get('other')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, evictions: 0, entries: 2 });
  });

  it('gives a key for one more operation only while it and the key above it have allowance, touching nothing when not', () => {
    const { cache, db, evicted } = setup({ maxOperations: 3 });
    expect(cache.hitForOne('db')).toBe(db);
    cache.count('db', 2, 0);
    expect(cache.hitForOne('db')).toBe(db);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 0 });
    // The master key above it has used its three operations (counting them evicted both): no key, and no miss counted.
    cache.count('db', 1, 0);
    expect(evicted).toEqual([['db', 'parent-evicted'], ['master', 'max-operations']]);
    expect(cache.hitForOne('db')).toBeUndefined();
    expect(cache.hitForOne('absent')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 0 });
    expect(cache.get('db')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  it('gives no key for one more operation once the age limit has passed, and leaves its eviction to get', () => {
    const { cache, clock, evicted } = setup();
    clock.advance(24 * HOUR);
    expect(cache.hitForOne('db')).toBeUndefined();
    expect(evicted).toEqual([]);
    expect(cache.get('db')).toBeUndefined();
    expect(evicted).toEqual([['db', 'parent-evicted'], ['master', 'max-age']]);
  });

  it('evicts a key at its maximum age on the injected clock, and zeroes it', () => {
    const { cache, clock, master, db, evicted } = setup();
    clock.advance(24 * HOUR - 1);
    expect(cache.get('master')).toBe(master);
    clock.advance(1);
    expect(cache.get('db')).toBeUndefined();
    expect(evicted).toEqual([
      ['db', 'parent-evicted'],
      ['master', 'max-age'],
    ]);
    expect(master.destroyed && db.destroyed).toBe(true);
    expect(cache.stats().evictionsByReason).toMatchObject({ 'max-age': 1, 'parent-evicted': 1 });
  });

  it('counts operations against a key and the key that unwrapped it, evicting both when the parent reaches its limit', () => {
    const { cache, evicted } = setup({ maxOperations: 10 });
    cache.put('db2', SecretKey.random('db2'), 'master');
    cache.count('db', 6, 0);
    cache.count('db2', 3, 0);
    expect(cache.budget('db')).toMatchObject({ operations: 1 });
    cache.count('db2', 1, 0);
    expect(evicted.map(([n, r]) => `${n}:${r}`).sort()).toEqual(['db2:parent-evicted', 'db:parent-evicted', 'master:max-operations']);
    expect(cache.stats().entries).toBe(0);
  });

  it('counts bytes against the byte limit when one is set', () => {
    const { cache } = setup({ maxBytes: 1000 });
    cache.count('db', 1, 999);
    expect(cache.has('db')).toBe(true);
    expect(cache.budget('db')?.bytes).toBe(1);
    cache.count('db', 1, 1);
    expect(cache.has('db')).toBe(false);
    expect(cache.stats().evictionsByReason['max-bytes']).toBe(1);
  });

  it('reports the smallest remaining allowance along the chain', () => {
    const { cache, clock } = setup({ maxOperations: 100 });
    cache.count('master', 40, 0);
    clock.advance(HOUR);
    cache.put('db3', SecretKey.random('db3'), 'master');
    expect(cache.budget('db3')).toEqual({ operations: 60, bytes: Infinity, ms: 23 * HOUR });
  });

  it('replacing a key under the same name evicts and zeroes the old one', () => {
    const { cache, db } = setup();
    cache.put('db', SecretKey.random('db-new'), 'master');
    expect(db.destroyed).toBe(true);
    expect(cache.stats().evictionsByReason.replaced).toBe(1);
  });

  it('clear() zeroes every key', () => {
    const { cache, master, db } = setup();
    cache.clear();
    expect([master.destroyed, db.destroyed, cache.stats().entries]).toEqual([true, true, 0]);
    expect(cache.stats().evictionsByReason.cleared).toBe(2);
  });
});
