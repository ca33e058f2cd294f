import { needs } from '../common/needs';
import { databaseKeyName } from './database-keys';
import { UnknownRecordKeyError } from './envelope-errors';
import type { DatabaseState } from './hierarchy-state';
import type { KeyCache } from './key-cache';
import type { PlainRecord, RecordCipherPool, SealedRecord } from './record-cipher-pool';
import { RECORD_OVERHEAD, keyRefLabel, readKeyRef, type KeyRef } from './record-format';
import type { SecretKey } from './secret-key';

/** What record crypto needs from a node: its databases and its cached database keys. */
export interface NodeKeyAccess {
  readonly id: string;
  readonly cache: KeyCache;
  readonly pool: RecordCipherPool;
  database(name: string): DatabaseState;
  databaseByKeyId(keyId: string): DatabaseState | undefined;
  /** The unwrapped key of `version`, from the cache or unwrapped now (which may call KMS for the master key). */
  databaseKey(db: DatabaseState, version: number): Promise<SecretKey>;
}

/**
 * Runs `work` over `items` in slices that fit the cache budget of one key version: when a slice
 * uses up a key's operation or byte allowance, the key is evicted and the next slice gets a fresh
 * one — from KMS if the master key's allowance ran out too. So limits hold per record, not per batch.
 */
async function inBudget<T, R>(node: NodeKeyAccess, db: DatabaseState, version: number, items: readonly T[], bytesOf: (item: T) => number, work: (key: SecretKey, slice: readonly T[]) => Promise<R[]>): Promise<R[]> {
  const name = databaseKeyName(node.id, db.name, version);
  const results: R[] = [];
  let at = 0;
  while (at < items.length) {
    const key = await node.databaseKey(db, version);
    // Evicted by a concurrent operation between its fetch and now: fetch again.
    if (key.destroyed) continue;
    const budget = node.cache.budget(name);
    needs(budget !== undefined, 'A database key just fetched is in the cache.');
    let count = 0;
    let bytes = 0;
    // At least one record per slice: a byte limit smaller than one record still lets it through once.
    while (at + count < items.length && count < budget.operations && (count === 0 || bytes + bytesOf(items[at + count] as T) <= budget.bytes)) {
      bytes += bytesOf(items[at + count] as T);
      count++;
    }
    // `work` leases the key as it is called; the slice's use is then reserved at once, so
    // concurrent batches cannot all spend the same allowance (and an eviction this causes does
    // not touch the batch already under way).
    const pending = work(key, items.slice(at, at + count));
    node.cache.count(name, count, bytes);
    results.push(...(await pending));
    at += count;
  }
  return results;
}

/** Seals records under the database's current key version. */
export async function encryptRecords(node: NodeKeyAccess, database: string, records: readonly PlainRecord[]): Promise<Uint8Array[]> {
  const db = node.database(database);
  const version = db.currentVersion;
  return inBudget(node, db, version, records, (r) => r.plaintext.length, (key, slice) => node.pool.seal(key, { keyId: db.keyId, version }, slice));
}

/**
 * Opens records of any database and key version this node holds, read from each record's header;
 * results are in input order. A record of another node, or of a version this node never had, is
 * an UnknownRecordKeyError; a tampered record or a wrong record id is a RecordIntegrityError.
 */
export async function decryptRecords(node: NodeKeyAccess, records: readonly SealedRecord[]): Promise<Uint8Array[]> {
  const groups = new Map<string, { db: DatabaseState; version: number; indexes: number[] }>();
  records.forEach((r, i) => {
    const { ref, db } = sealedWith(node, r);
    const group = groups.get(keyRefLabel(ref)) ?? { db, version: ref.version, indexes: [] };
    group.indexes.push(i);
    groups.set(keyRefLabel(ref), group);
  });
  const out: Uint8Array[] = new Array(records.length);
  for (const { db, version, indexes } of groups.values()) {
    const opened = await inBudget(node, db, version, indexes, (i) => (records[i] as SealedRecord).sealed.length - RECORD_OVERHEAD, (key, slice) => node.pool.open(key, slice.map((i) => records[i] as SealedRecord)));
    indexes.forEach((index, k) => (out[index] = opened[k] as Uint8Array));
  }
  return out;
}

/** The database and key version a record names in its header; UnknownRecordKeyError when this node holds no such key. */
function sealedWith(node: NodeKeyAccess, r: SealedRecord): { ref: KeyRef; db: DatabaseState } {
  const ref = readKeyRef(r.sealed, r.recordId);
  const db = node.databaseByKeyId(ref.keyId);
  if (!db || !db.keys.some((k) => k.version === ref.version)) {
    throw new UnknownRecordKeyError(`Record '${r.recordId}' was sealed with key ${keyRefLabel(ref)}, which node ${node.id} does not hold${db ? ` (database ${db.name} has ${db.keys.map((k) => `v${k.version}`).join(', ')})` : ''}.`);
  }
  return { ref, db };
}

/**
 * One record sealed under the database's current key, at once, when that key is in the cache with
 * allowance left: what a drill's canaries do at every sweep, where a batch's bookkeeping (slices,
 * promises, groups) cost more than the AES. Counted against the key as `inBudget` counts a slice
 * of one. Undefined when the key must first be unwrapped or refreshed: the caller then takes the
 * batch path, which does that (and counts the cache miss once, as it always did).
 */
export function encryptOneCached(node: NodeKeyAccess, database: string, record: PlainRecord): Uint8Array | undefined {
  const db = node.database(database);
  const version = db.currentVersion;
  return withCachedKey(node, db, version, record.plaintext.length, (key) => node.pool.sealOne(key, { keyId: db.keyId, version }, record));
}

/** One record opened at once with its key from the cache, as `encryptOneCached`; undefined when the key is not at hand. */
export function decryptOneCached(node: NodeKeyAccess, record: SealedRecord): Uint8Array | undefined {
  const { ref, db } = sealedWith(node, record);
  return withCachedKey(node, db, ref.version, record.sealed.length - RECORD_OVERHEAD, (key) => node.pool.openOne(key, record));
}

function withCachedKey(node: NodeKeyAccess, db: DatabaseState, version: number, bytes: number, work: (key: SecretKey) => Uint8Array): Uint8Array | undefined {
  const name = databaseKeyName(node.id, db.name, version);
  // Neither counts a miss nor evicts when the key is not at hand: that is left to the batch path, as it was.
  const key = node.cache.hitForOne(name);
  if (!key) return undefined;
  try {
    return work(key);
  } finally {
    // Counted whether or not it opened, as a failed slice is.
    node.cache.count(name, 1, bytes);
  }
}

/**
 * Counts bulk workload against the current key's limits without doing the crypto: what a drill
 * does for the volume it does not encrypt record by record. Keys are refreshed exactly where real
 * traffic would refresh them, so KMS sees the same calls.
 */
export async function countOperations(node: NodeKeyAccess, database: string, operations: number, bytes: number): Promise<void> {
  needs(Number.isSafeInteger(operations) && operations >= 0 && bytes >= 0, 'Counted operations are a whole number and bytes are not negative.');
  const db = node.database(database);
  const name = databaseKeyName(node.id, db.name, db.currentVersion);
  let ops = operations;
  let left = bytes;
  while (ops > 0) {
    if ((await node.databaseKey(db, db.currentVersion)).destroyed) continue;
    const budget = node.cache.budget(name);
    needs(budget !== undefined, 'A database key just fetched is in the cache.');
    const perOp = left / ops;
    let n = Math.min(ops, budget.operations);
    if (perOp > 0 && Number.isFinite(budget.bytes)) n = Math.max(1, Math.min(n, Math.floor(budget.bytes / perOp)));
    const b = n === ops ? left : perOp * n;
    node.cache.count(name, n, b);
    ops -= n;
    left -= b;
  }
}
