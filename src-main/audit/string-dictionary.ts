import type Database from 'better-sqlite3';

/**
 * Repeated strings (event names, regions, users, access keys, whole identity objects) stored
 * once and referred to by a small integer, so a row and its index entries stay a few bytes.
 * Ids never change once committed, so both directions are cached; ids handed out inside a write
 * transaction that rolls back are forgotten again (`rollback`).
 */
export class StringDictionary {
  private readonly ids = new Map<string, number>();
  private readonly values = new Map<number, string>();
  private pending: string[] = [];
  /** The last value seen per hint (e.g. per caller): see idOfLike. */
  private readonly recent = new Map<string, { value: string; id: number }>();
  private readonly selectId: Database.Statement<[string], { id: number }>;
  private readonly selectValue: Database.Statement<[number], { value: string }>;
  private readonly insert: Database.Statement<[string]>;

  constructor(db: Database.Database, private readonly maxCached = 200_000) {
    this.selectId = db.prepare('SELECT id FROM dict WHERE value = ?');
    this.selectValue = db.prepare('SELECT value FROM dict WHERE id = ?');
    this.insert = db.prepare('INSERT INTO dict (value) VALUES (?)');
  }

  /** The id of `value`, adding it if new. Only inside a write transaction. */
  idOf(value: string): number {
    const cached = this.ids.get(value);
    if (cached !== undefined) return cached;
    const row = this.selectId.get(value);
    // Another connection may have added it since we cached: look before inserting.
    const id = row ? row.id : Number(this.insert.run(value).lastInsertRowid);
    if (!row) this.pending.push(value);
    this.remember(value, id);
    return id;
  }

  /**
   * idOf for long values that mostly repeat per `hint` (a caller's identity JSON per access key):
   * comparing with the last value for that hint is far cheaper than hashing a kilobyte string.
   */
  idOfLike(hint: string, value: string): number {
    const last = this.recent.get(hint);
    if (last && last.value === value) return last.id;
    const id = this.idOf(value);
    if (this.recent.size >= 10_000) this.recent.clear();
    this.recent.set(hint, { value, id });
    return id;
  }

  /** The id of `value` if it is known, without adding it: for queries. */
  find(value: string): number | undefined {
    const cached = this.ids.get(value);
    if (cached !== undefined) return cached;
    const row = this.selectId.get(value);
    if (row) this.remember(value, row.id);
    return row?.id;
  }

  valueOf(id: number): string {
    const cached = this.values.get(id);
    if (cached !== undefined) return cached;
    const row = this.selectValue.get(id);
    if (!row) throw new Error(`the event store refers to dictionary entry ${id}, which is missing: the database is damaged`);
    this.remember(row.value, id);
    return row.value;
  }

  commit(): void {
    this.pending = [];
  }

  rollback(): void {
    this.recent.clear();
    for (const value of this.pending) {
      const id = this.ids.get(value);
      this.ids.delete(value);
      if (id !== undefined) this.values.delete(id);
    }
    this.pending = [];
  }

  /** Values held in memory (at most maxCached). */
  get cached(): number {
    return this.ids.size;
  }

  private remember(value: string, id: number): void {
    // Bounded: a store of many short-lived sessions has many access keys and identities. Cleared in
    // a transaction too (an import adds new values in every one): what is dropped is looked up again,
    // and rollback() forgets the ids of pending values whether cached or not.
    if (this.ids.size >= this.maxCached) {
      this.ids.clear();
      this.values.clear();
    }
    this.ids.set(value, id);
    this.values.set(id, value);
  }
}
