import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { StringDictionary } from '../../src-main/audit/string-dictionary';

let dir: string;
let db: Database.Database;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-dict-'));
  const file = join(dir, 'events.sqlite');
  SqliteEventStore.open(file).close();
  db = new Database(file);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

// An import of real trails adds new strings (callers, access keys, identities) in every transaction:
// a trial's 2,000,000-record import grew to 2 GB, the cache holding every one of them.
describe('the event store string dictionary', () => {
  it('holds at most its bound of values in memory while transactions keep adding new ones', () => {
    const dict = new StringDictionary(db, 100);
    const ids = new Map<string, number>();
    for (let t = 0; t < 20; t++) {
      db.transaction(() => {
        for (let i = 0; i < 50; i++) ids.set(`caller-${t}-${i}`, dict.idOf(`caller-${t}-${i}`));
      })();
      dict.commit();
      expect(dict.cached).toBeLessThanOrEqual(100);
    }
    // Values dropped from memory are found again under the ids they were given.
    for (const [value, id] of ids) expect(dict.idOf(value)).toBe(id);
  });

  it('forgets the ids of a rolled-back transaction even when its cache was cleared part-way', () => {
    const dict = new StringDictionary(db, 10);
    const write = db.transaction(() => {
      for (let i = 0; i < 25; i++) dict.idOf(`lost-${i}`);
      throw new Error('disk full');
    });
    expect(() => write()).toThrow('disk full');
    dict.rollback();
    db.transaction(() => {
      for (let i = 0; i < 25; i++) {
        const id = dict.idOf(`lost-${i}`);
        expect((db.prepare('SELECT value FROM dict WHERE id = ?').get(id) as { value: string }).value).toBe(`lost-${i}`);
      }
    })();
  });
});
