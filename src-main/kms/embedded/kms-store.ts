import Database from 'better-sqlite3';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations, useWriteAheadLog } from '../../common/sqlite-file';
import type { MaterialVault } from './material-vault';
import type { AliasRecord, GrantRecord, KeyFamily, KeyRecord, MaterialVersion } from './model';

/**
 * Keys, material, aliases and grants: held in memory for speed (a crypto call touches no disk) and
 * written through to SQLite on every change. `atomically()` makes a multi-record change all or
 * nothing in both places: the SQLite transaction rolls back and an undo journal restores memory.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE keys (
     region TEXT NOT NULL, key_id TEXT NOT NULL, record TEXT NOT NULL,
     PRIMARY KEY (region, key_id)) WITHOUT ROWID;
   CREATE TABLE families (key_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
   CREATE TABLE materials (
     key_id TEXT NOT NULL, seq INTEGER NOT NULL, material_id TEXT NOT NULL, created_at INTEGER NOT NULL,
     rotation_type TEXT, wrapped BLOB NOT NULL, PRIMARY KEY (key_id, seq)) WITHOUT ROWID;
   CREATE TABLE aliases (region TEXT NOT NULL, name TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (region, name)) WITHOUT ROWID;
   CREATE TABLE grants (grant_id TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;`,
];

type FamilyRow = Omit<KeyFamily, 'materials'>;

export class KmsStore {
  private readonly keys = new Map<string, KeyRecord>();
  /** The same keys by key id, then region: a multi-Region key's members without a look at every key. */
  private readonly keysById = new Map<string, Map<string, KeyRecord>>();
  private readonly families = new Map<string, KeyFamily>();
  private readonly aliases = new Map<string, AliasRecord>();
  private readonly grants = new Map<string, GrantRecord>();
  /** The same grants by `region|keyId`: a call's grants without a look at every grant of the account. */
  private readonly grantsByKey = new Map<string, Map<string, GrantRecord>>();
  /**
   * Hears the key id of every key or family written or deleted, so the core can tell when a rotation
   * or deletion becomes due without looking at every key again. (A rolled-back change is not heard
   * again: it only brings back dates the core had already heard.)
   */
  onKeyChange: ((keyId: string) => void) | undefined;
  private journal: (() => void)[] | undefined;
  /** Actions that must wait until the outermost change has committed (zeroing deleted material). */
  private deferred: (() => void)[] = [];

  private constructor(private readonly db: Database.Database, private readonly vault: MaterialVault) {
    migrate(db);
    this.load();
  }

  /** `dataDir` undefined: an in-memory store that forgets everything when the process ends. */
  static open(dataDir: string | undefined, vault: MaterialVault): KmsStore {
    const file = dataDir ? join(dataDir, 'kms.sqlite') : ':memory:';
    const db = new Database(file);
    // Only wrapped material is in the file, but key ids, policies and grants are nobody else's business.
    if (dataDir) chmodSync(file, 0o600);
    try {
      useWriteAheadLog(db);
      db.pragma('synchronous = NORMAL');
      return new KmsStore(db, vault);
    } catch (err) {
      db.close(); // e.g. material that does not unwrap under root.key: leave no handle open on the file
      throw err;
    }
  }

  close(): void {
    for (const f of this.families.values()) for (const m of f.materials) m.bytes.fill(0);
    this.db.close();
  }

  atomically<T>(change: () => T): T {
    if (this.journal) return change(); // already inside one
    const journal: (() => void)[] = [];
    this.journal = journal;
    try {
      const result = this.db.transaction(change)();
      for (const action of this.deferred) action();
      return result;
    } catch (err) {
      for (const undo of journal.reverse()) undo();
      throw err;
    } finally {
      this.journal = undefined;
      this.deferred = [];
    }
  }

  // --- keys -------------------------------------------------------------------------------
  getKey(region: string, keyId: string): KeyRecord | undefined {
    return this.keys.get(`${region}|${keyId}`);
  }

  /** Every regional key of one key id (a multi-Region key's primary and replicas). */
  keysWithId(keyId: string): KeyRecord[] {
    return [...(this.keysById.get(keyId)?.values() ?? [])];
  }

  keysIn(region: string): KeyRecord[] {
    return [...this.keys.values()].filter((k) => k.region === region).sort((a, b) => a.createdAt - b.createdAt || a.keyId.localeCompare(b.keyId));
  }

  allKeys(): KeyRecord[] {
    return [...this.keys.values()];
  }

  putKey(key: KeyRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO keys (region, key_id, record) VALUES (?, ?, ?)').run(key.region, key.keyId, JSON.stringify(key));
    this.rememberKey(key.region, key.keyId, key);
  }

  deleteKey(region: string, keyId: string): void {
    this.db.prepare('DELETE FROM keys WHERE region = ? AND key_id = ?').run(region, keyId);
    this.rememberKey(region, keyId, undefined);
  }

  // --- families and material ---------------------------------------------------------------
  getFamily(keyId: string): KeyFamily | undefined {
    return this.families.get(keyId);
  }

  allFamilies(): KeyFamily[] {
    return [...this.families.values()];
  }

  /** Saves the family's settings and any material versions not stored yet. */
  putFamily(family: KeyFamily): void {
    const { materials, ...settings } = family;
    this.db.prepare('INSERT OR REPLACE INTO families (key_id, record) VALUES (?, ?)').run(family.keyId, JSON.stringify(settings));
    const stored = (this.db.prepare('SELECT COUNT(*) AS n FROM materials WHERE key_id = ?').get(family.keyId) as { n: number }).n;
    const insert = this.db.prepare('INSERT INTO materials (key_id, seq, material_id, created_at, rotation_type, wrapped) VALUES (?, ?, ?, ?, ?, ?)');
    materials.forEach((m, seq) => {
      if (seq >= stored) insert.run(family.keyId, seq, m.id, m.createdAt, m.rotationType ?? null, this.vault.wrap(m.bytes, `${family.keyId}/${m.id}`));
    });
    this.remember(this.families, family.keyId, family);
    this.onKeyChange?.(family.keyId);
  }

  deleteFamily(keyId: string): void {
    this.db.prepare('DELETE FROM families WHERE key_id = ?').run(keyId);
    this.db.prepare('DELETE FROM materials WHERE key_id = ?').run(keyId);
    const family = this.families.get(keyId);
    this.remember(this.families, keyId, undefined);
    this.onKeyChange?.(keyId);
    // Zero the material once the deletion is certain, not before a rollback could need it.
    if (family) this.afterCommit(() => family.materials.forEach((m) => m.bytes.fill(0)));
  }

  // --- aliases --------------------------------------------------------------------------------
  getAlias(region: string, name: string): AliasRecord | undefined {
    return this.aliases.get(`${region}|${name}`);
  }

  aliasesIn(region: string): AliasRecord[] {
    return [...this.aliases.values()].filter((a) => a.region === region).sort((a, b) => a.name.localeCompare(b.name));
  }

  putAlias(alias: AliasRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO aliases (region, name, record) VALUES (?, ?, ?)').run(alias.region, alias.name, JSON.stringify(alias));
    this.remember(this.aliases, `${alias.region}|${alias.name}`, alias);
  }

  deleteAlias(region: string, name: string): void {
    this.db.prepare('DELETE FROM aliases WHERE region = ? AND name = ?').run(region, name);
    this.remember(this.aliases, `${region}|${name}`, undefined);
  }

  // --- grants ---------------------------------------------------------------------------------
  getGrant(grantId: string): GrantRecord | undefined {
    return this.grants.get(grantId);
  }

  grantsFor(region: string, keyId: string): GrantRecord[] {
    return [...(this.grantsByKey.get(`${region}|${keyId}`)?.values() ?? [])].sort((a, b) => a.createdAt - b.createdAt || a.grantId.localeCompare(b.grantId));
  }

  grantByToken(token: string): GrantRecord | undefined {
    for (const g of this.grants.values()) if (g.token === token) return g;
    return undefined;
  }

  putGrant(grant: GrantRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO grants (grant_id, record) VALUES (?, ?)').run(grant.grantId, JSON.stringify(grant));
    this.rememberGrant(grant.grantId, grant);
  }

  deleteGrant(grantId: string): void {
    this.db.prepare('DELETE FROM grants WHERE grant_id = ?').run(grantId);
    this.rememberGrant(grantId, undefined);
  }

  // --- internals ------------------------------------------------------------------------------
  private remember<V>(map: Map<string, V>, key: string, value: V | undefined): void {
    const before = map.get(key);
    if (value === undefined) map.delete(key);
    else map.set(key, value);
    this.journal?.push(() => (before === undefined ? map.delete(key) : map.set(key, before)));
  }

  /** A key in both maps, heard by onKeyChange. */
  private rememberKey(region: string, keyId: string, key: KeyRecord | undefined): void {
    this.remember(this.keys, `${region}|${keyId}`, key);
    this.remember(this.within(this.keysById, keyId), region, key);
    this.onKeyChange?.(keyId);
  }

  /** A grant in both maps (a grant written again under another key leaves the old key's list). */
  private rememberGrant(grantId: string, grant: GrantRecord | undefined): void {
    const before = this.grants.get(grantId);
    this.remember(this.grants, grantId, grant);
    const keyOf = (g: GrantRecord) => `${g.region}|${g.keyId}`;
    if (before && (!grant || keyOf(before) !== keyOf(grant))) this.remember(this.within(this.grantsByKey, keyOf(before)), grantId, undefined);
    if (grant) this.remember(this.within(this.grantsByKey, keyOf(grant)), grantId, grant);
  }

  private within<V>(index: Map<string, Map<string, V>>, key: string): Map<string, V> {
    let inner = index.get(key);
    if (!inner) index.set(key, (inner = new Map()));
    return inner;
  }

  private afterCommit(action: () => void): void {
    if (this.journal) this.deferred.push(action);
    else action();
  }

  private load(): void {
    for (const row of this.db.prepare('SELECT record FROM keys').all() as { record: string }[]) {
      const key = JSON.parse(row.record) as KeyRecord;
      this.keys.set(`${key.region}|${key.keyId}`, key);
      this.within(this.keysById, key.keyId).set(key.region, key);
    }
    const materialRows = this.db.prepare('SELECT material_id, created_at, rotation_type, wrapped FROM materials WHERE key_id = ? ORDER BY seq');
    for (const row of this.db.prepare('SELECT key_id, record FROM families').all() as { key_id: string; record: string }[]) {
      const settings = JSON.parse(row.record) as FamilyRow;
      const materials: MaterialVersion[] = (materialRows.all(row.key_id) as { material_id: string; created_at: number; rotation_type: string | null; wrapped: Buffer }[]).map((m) => ({
        id: m.material_id,
        createdAt: m.created_at,
        rotationType: (m.rotation_type ?? undefined) as MaterialVersion['rotationType'],
        bytes: this.vault.unwrap(m.wrapped, `${row.key_id}/${m.material_id}`),
      }));
      this.families.set(row.key_id, { ...settings, materials });
    }
    for (const row of this.db.prepare('SELECT record FROM aliases').all() as { record: string }[]) {
      const alias = JSON.parse(row.record) as AliasRecord;
      this.aliases.set(`${alias.region}|${alias.name}`, alias);
    }
    for (const row of this.db.prepare('SELECT record FROM grants').all() as { record: string }[]) {
      const grant = JSON.parse(row.record) as GrantRecord;
      this.grants.set(grant.grantId, grant);
      this.within(this.grantsByKey, `${grant.region}|${grant.keyId}`).set(grant.grantId, grant);
    }
  }
}

function migrate(db: Database.Database): void {
  applyMigrations(db, MIGRATIONS, 'KMS data folder');
}
