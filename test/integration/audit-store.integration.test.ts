import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { SCHEMA_VERSION } from '../../src-main/audit/store-schema';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

const START = Date.UTC(2026, 0, 20);
let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-store-'));
  file = join(dir, 'nested', 'events.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sample = (count: number, seed = 1) => [...syntheticKmsEvents({ count, start: START, durationMs: 6 * 3_600_000, seed })];

describe('the event store in a file', () => {
  it('keeps events, lookups and paging tokens across closing and reopening', () => {
    const records = sample(1_000);
    let store = SqliteEventStore.open(file);
    store.append(records.map((record) => ({ record, runId: 'drill-7' })));
    const firstPage = store.lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 20 });
    store.close();

    store = SqliteEventStore.open(file);
    try {
      expect(store.count()).toBe(1_000);
      const next = store.lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 20, nextToken: firstPage.nextToken });
      const both = [...firstPage.events, ...next.events].map((e) => e.record.eventID);
      expect(both).toEqual(store.lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 40 }).events.map((e) => e.record.eventID));
      expect(store.scan({ runId: 'drill-7', limit: 5_000 }).events.map((e) => e.record)).toEqual(records);
      expect(store.append(records.slice(0, 10).map((record) => ({ record })))).toMatchObject({ inserted: 0, duplicates: 10 });
    } finally {
      store.close();
    }
  });

  it('lets a second connection read what the writer committed while the writer keeps writing (WAL)', () => {
    const writer = SqliteEventStore.open(file);
    const reader = SqliteEventStore.open(file);
    try {
      const records = sample(600);
      writer.append(records.slice(0, 300).map((record) => ({ record })));
      expect(reader.count()).toBe(300);
      writer.append(records.slice(300).map((record) => ({ record })));
      expect(reader.lookup({ maxResults: 1 }).events[0]!.record).toEqual(records[599]);
    } finally {
      reader.close();
      writer.close();
    }
  });

  it('is a file only its owner can read, in WAL mode, at the current schema version', () => {
    SqliteEventStore.open(file).close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('refuses a store written by a newer KeyDrill rather than guess at its schema', () => {
    SqliteEventStore.open(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => SqliteEventStore.open(file)).toThrow(new RegExp(`written by a newer KeyDrill \\(schema ${SCHEMA_VERSION + 1}, this version knows ${SCHEMA_VERSION}\\)`));
  });

  it('takes 20,000 events through the batched ingest into the file, every one queryable', async () => {
    const store = SqliteEventStore.open(file);
    try {
      const ingest = new BatchedIngest(store, { maxBatch: 1_000 });
      const records = sample(20_000, 4);
      for (const r of records) ingest.record(r, 'load');
      await ingest.close();
      expect(store.count()).toBe(20_000);
      const errors = records.filter((r) => r.errorCode).length;
      expect(store.aggregate({ by: 'errorCode', startTime: START, endTime: START + 6 * 3_600_000, bucketMs: 6 * 3_600_000 }).reduce((n, r) => n + r.calls, 0)).toBe(errors);
      expect(store.lookup({ errorsOnly: true, maxResults: 10_000 }).events).toHaveLength(errors);
    } finally {
      store.close();
    }
  });
});
