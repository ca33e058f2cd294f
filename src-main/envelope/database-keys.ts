import { needs } from '../common/needs';
import { UnknownRecordKeyError } from './envelope-errors';
import { fromBase64, toBase64, type DatabaseKeyState, type DatabaseState } from './hierarchy-state';
import { unwrapDatabaseKey, wrapDatabaseKey, type DatabaseKeyBinding } from './key-wrap';
import { SecretKey } from './secret-key';

/**
 * Database keys of one node: one key family per database (its key id is in every record's key
 * reference), a version per rotation, each version wrapped locally by the node's master key.
 * Pure functions over the stored state; the node decides when to call them and caches results.
 */
export interface NodeIds {
  tenant: string;
  cluster: string;
  node: string;
}

/** The cache and event name of a database key version: ids only, e.g. `n1/db/orders/v2`. */
export function databaseKeyName(node: string, database: string, version: number): string {
  return `${node}/db/${database}/v${version}`;
}

/** The cache and event name of a master key version, e.g. `n1/master/v3`. */
export function masterKeyName(node: string, version: number): string {
  return `${node}/master/v${version}`;
}

function binding(ids: NodeIds, db: DatabaseState, version: number, masterKeyVersion: number): DatabaseKeyBinding {
  // Named fields, not `...ids`: built on every database-key unwrap, and a spread of it cost Node 20 ~1 % of a fleet drill.
  return { tenant: ids.tenant, cluster: ids.cluster, node: ids.node, database: db.name, databaseKeyId: db.keyId, version, masterKeyVersion };
}

/** The stored entry of one version of a database key, if the node has it. */
export function keyVersion(db: DatabaseState, version: number): DatabaseKeyState | undefined {
  return db.keys.find((k) => k.version === version);
}

/** A new database with a fresh random key, version 1, wrapped by `master`; `keyId` names it in every record's key reference. */
export function createDatabase(ids: NodeIds, name: string, master: SecretKey, masterKeyVersion: number, now: number, keyId: string): { state: DatabaseState; key: SecretKey } {
  const key = SecretKey.random(databaseKeyName(ids.node, name, 1));
  const shell: DatabaseState = { name, keyId, currentVersion: 1, keys: [] };
  const wrapped = wrapDatabaseKey(master, key, binding(ids, shell, 1, masterKeyVersion));
  return { state: { ...shell, keys: [{ version: 1, wrappedKey: toBase64(wrapped), masterKeyVersion, createdAt: now }] }, key };
}

/** The next version of a database key: new records use it, older versions stay for reading. */
export function addDatabaseKeyVersion(ids: NodeIds, db: DatabaseState, master: SecretKey, masterKeyVersion: number, now: number): { state: DatabaseState; key: SecretKey; version: number } {
  const version = Math.max(...db.keys.map((k) => k.version)) + 1;
  const key = SecretKey.random(databaseKeyName(ids.node, db.name, version));
  const wrapped = wrapDatabaseKey(master, key, binding(ids, db, version, masterKeyVersion));
  const entry: DatabaseKeyState = { version, wrappedKey: toBase64(wrapped), masterKeyVersion, createdAt: now };
  return { state: { ...db, currentVersion: version, keys: [...db.keys, entry] }, key, version };
}

/** Unwraps one version with the master key that wrapped it. */
export function unwrapVersion(ids: NodeIds, db: DatabaseState, version: number, master: SecretKey, masterKeyVersion: number): SecretKey {
  const stored = keyVersion(db, version);
  if (!stored) throw new UnknownRecordKeyError(`Node ${ids.node} holds no version ${version} of the key of database ${db.name} (it has ${db.keys.map((k) => `v${k.version}`).join(', ')}).`);
  needs(stored.masterKeyVersion === masterKeyVersion, 'A database key is unwrapped by the master key version that wrapped it.');
  return unwrapDatabaseKey(master, fromBase64(stored.wrappedKey), binding(ids, db, version, masterKeyVersion), databaseKeyName(ids.node, db.name, version));
}

/**
 * Re-wraps every version of every database key from `from` (master v`fromVersion`) to `to`
 * (v`toVersion`): the rolling master-key rotation, which rewrites no record. Plaintext database
 * keys exist only for the moment of the re-wrap and are zeroed.
 */
export function rewrapDatabases(ids: NodeIds, databases: readonly DatabaseState[], from: SecretKey, fromVersion: number, to: SecretKey, toVersion: number): { databases: DatabaseState[]; count: number } {
  let count = 0;
  const next = databases.map((db) => ({
    ...db,
    keys: db.keys.map((k) => {
      const plain = unwrapVersion(ids, db, k.version, from, fromVersion);
      try {
        count++;
        return { ...k, wrappedKey: toBase64(wrapDatabaseKey(to, plain, binding(ids, db, k.version, toVersion))), masterKeyVersion: toVersion };
      } finally {
        plain.destroy();
      }
    }),
  }));
  return { databases: next, count };
}
