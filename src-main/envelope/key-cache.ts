import type { Clock } from '../common/clock';
import { needs } from '../common/needs';
import type { CacheEvictionReason } from './envelope-events';
import type { SecretKey } from './secret-key';

/**
 * Usage limits of a cached plaintext key (seeds/004: "five million operations or 24 hours,
 * whichever comes first"), plus a byte limit as in the AWS Encryption SDK's caching CMM.
 */
export interface CacheLimits {
  maxAgeMs: number;
  maxOperations: number;
  maxBytes: number;
}

/** 24 hours or 5,000,000 operations, no byte limit. */
export const DEFAULT_CACHE_LIMITS: Readonly<CacheLimits> = Object.freeze({ maxAgeMs: 24 * 3_600_000, maxOperations: 5_000_000, maxBytes: Number.POSITIVE_INFINITY });

/** Counters of a node's cache: what a drill charts as hits, misses (KMS or unwrap) and evictions. */
export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  evictionsByReason: Record<CacheEvictionReason, number>;
  entries: number;
}

/** What an entry may still do before some limit (its own or an ancestor's) evicts it. */
export interface CacheBudget {
  operations: number;
  bytes: number;
  ms: number;
}

interface Entry {
  key: SecretKey;
  parent: string | undefined;
  createdAt: number;
  operations: number;
  bytes: number;
}

/**
 * The per-node cache of unwrapped keys, on the injected clock.
 *
 * Entries form a tree: database keys are children of the master key that unwrapped them. An
 * operation counts against the key that did the crypto *and* against its ancestors, and evicting
 * a parent evicts its children — so the master key, the one only KMS can give back, is re-proven
 * with KMS after at most `maxOperations` record operations or `maxAgeMs` on the node, and a
 * database key can never outlive the master key it came from. An entry is usable while
 * `age < maxAgeMs`, `operations < maxOperations` and `bytes < maxBytes`. Evicted keys are zeroed.
 */
export class KeyCache {
  readonly limits: Readonly<CacheLimits>;
  private readonly entries = new Map<string, Entry>();
  private readonly counters = { hits: 0, misses: 0, evictions: 0 };
  private readonly byReason: Record<CacheEvictionReason, number> = { 'max-age': 0, 'max-operations': 0, 'max-bytes': 0, 'parent-evicted': 0, replaced: 0, cleared: 0 };

  constructor(
    private readonly clock: Clock,
    limits: Partial<CacheLimits> = {},
    private readonly onEvict: (name: string, key: SecretKey, reason: CacheEvictionReason) => void = () => undefined,
  ) {
    this.limits = Object.freeze({ ...DEFAULT_CACHE_LIMITS, ...limits });
    needs(this.limits.maxAgeMs > 0 && this.limits.maxOperations > 0 && this.limits.maxBytes > 0, 'Cache limits are positive.');
  }

  /** The key if it is cached and within its limits (a hit); otherwise undefined (a miss). */
  get(name: string): SecretKey | undefined {
    const entry = this.entries.get(name);
    const expired = entry ? this.expired(name) : undefined;
    // Evicting the outermost expired key takes `name` with it when the limit was an ancestor's.
    if (expired) this.evict(expired[0], expired[1]);
    if (!entry || expired) {
      this.counters.misses++;
      return undefined;
    }
    this.counters.hits++;
    return entry.key;
  }

  /**
   * The key under `name` for one more operation, in one pass: when it and every key above it are
   * unexpired — so each has at least one operation of allowance left — a hit, counted as `get`
   * counts it; otherwise undefined, with nothing counted or evicted (`get` then evicts and counts
   * the miss, as it always does).
   */
  hitForOne(name: string): SecretKey | undefined {
    const entry = this.entries.get(name);
    for (let at = entry; at !== undefined; at = at.parent === undefined ? undefined : this.entries.get(at.parent)) {
      if (this.ownExpiry(at)) return undefined;
    }
    if (!entry) return undefined;
    this.counters.hits++;
    return entry.key;
  }

  /** True when `name` is cached and usable, without counting a hit or miss. */
  has(name: string): boolean {
    return this.entries.has(name) && this.expired(name) === undefined;
  }

  /** Caches `key` under `name`, below `parent` when it was unwrapped by another cached key. */
  put(name: string, key: SecretKey, parent?: string): void {
    needs(parent === undefined || this.entries.has(parent), 'A cached key is put below a parent that is cached.');
    if (this.entries.has(name)) this.evict(name, 'replaced');
    this.entries.set(name, { key, parent, createdAt: this.clock.now(), operations: 0, bytes: 0 });
  }

  /**
   * Counts `operations` and `bytes` against `name` and its ancestors, whether or not the crypto
   * was done (drills count bulk workload and encrypt only canaries). Entries that reach a limit
   * are evicted at once, so the next `get` is a miss.
   */
  count(name: string, operations: number, bytes: number): void {
    needs(operations >= 0 && bytes >= 0, 'Counted operations and bytes are not negative.');
    const reached: [string, CacheEvictionReason][] = [];
    for (let at: string | undefined = name; at !== undefined; at = this.entries.get(at)?.parent) {
      const entry = this.entries.get(at);
      if (!entry) break;
      entry.operations += operations;
      entry.bytes += bytes;
      if (entry.operations >= this.limits.maxOperations) reached.push([at, 'max-operations']);
      else if (entry.bytes >= this.limits.maxBytes) reached.push([at, 'max-bytes']);
    }
    // Outermost first: evicting an ancestor takes the rest of the chain with it.
    for (const [at, reason] of reached.reverse()) if (this.entries.has(at)) this.evict(at, reason);
  }

  /** The smallest remaining allowance along `name`'s chain, or undefined when it is not cached. */
  budget(name: string): CacheBudget | undefined {
    if (!this.has(name)) return undefined;
    const now = this.clock.now();
    const left: CacheBudget = { operations: Infinity, bytes: Infinity, ms: Infinity };
    for (let at: string | undefined = name; at !== undefined; at = this.entries.get(at)?.parent) {
      const entry = this.entries.get(at);
      if (!entry) break;
      left.operations = Math.min(left.operations, this.limits.maxOperations - entry.operations);
      left.bytes = Math.min(left.bytes, this.limits.maxBytes - entry.bytes);
      left.ms = Math.min(left.ms, this.limits.maxAgeMs - (now - entry.createdAt));
    }
    return left;
  }

  /** Evicts `name` and everything below it; each key is zeroed. */
  evict(name: string, reason: CacheEvictionReason): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    const childReason = reason === 'cleared' ? 'cleared' : 'parent-evicted';
    for (const [child, e] of [...this.entries]) if (e.parent === name) this.evict(child, childReason);
    this.entries.delete(name);
    this.counters.evictions++;
    this.byReason[reason]++;
    try {
      this.onEvict(name, entry.key, reason);
    } finally {
      entry.key.destroy();
    }
  }

  /** Evicts every entry (node shutdown). */
  clear(): void {
    for (const name of [...this.entries.keys()]) this.evict(name, 'cleared');
  }

  stats(): CacheStats {
    return { ...this.counters, evictionsByReason: { ...this.byReason }, entries: this.entries.size };
  }

  /** The outermost entry on `name`'s chain that is past a limit, and which limit. */
  private expired(name: string): [string, CacheEvictionReason] | undefined {
    let found: [string, CacheEvictionReason] | undefined;
    for (let at: string | undefined = name; at !== undefined; at = this.entries.get(at)?.parent) {
      const entry = this.entries.get(at);
      if (!entry) break;
      const reason = this.ownExpiry(entry);
      if (reason) found = [at, reason];
    }
    return found;
  }

  private ownExpiry(entry: Entry): CacheEvictionReason | undefined {
    if (this.clock.now() - entry.createdAt >= this.limits.maxAgeMs) return 'max-age';
    if (entry.operations >= this.limits.maxOperations) return 'max-operations';
    if (entry.bytes >= this.limits.maxBytes) return 'max-bytes';
    return undefined;
  }
}
