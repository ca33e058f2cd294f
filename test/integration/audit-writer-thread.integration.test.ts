import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BackgroundWriter } from '../../src-main/audit/background-writer';
import { BatchedIngest, DuplicateEventsError, type IngestProblem } from '../../src-main/audit/batched-ingest';
import type { EventStore } from '../../src-main/audit/event-store';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

const START = Date.UTC(2026, 2, 1);
const HOURS = 6 * 3_600_000;
const sample = (count: number, seed = 1): CloudTrailRecord[] => [...syntheticKmsEvents({ count, start: START, durationMs: HOURS, seed })];

let dir: string;
let problems: IngestProblem[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-writer-'));
  problems = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Everything a caller can read back from a store. */
function contents(store: EventStore) {
  return {
    events: store.scan({ limit: 100_000 }).events,
    lookups: (['EventName', 'Username', 'ResourceName'] as const).map((key) => store.lookup({ attribute: { key, value: key === 'EventName' ? 'CreateGrant' : key === 'Username' ? 'key-admin' : store.scan({ limit: 1 }).events[0]?.record.resources?.[0]?.ARN ?? '' }, maxResults: 100 }).events),
    errors: store.lookup({ errorsOnly: true, maxResults: 1_000 }).events,
    counts: (['eventName', 'region', 'errorCode'] as const).map((by) => store.aggregate({ by, startTime: START, endTime: START + HOURS, bucketMs: 3_600_000 })),
    runs: store.scan({ runId: 'run-b', limit: 100_000 }).events.length,
  };
}

describe('the batched ingest on the store\'s writer thread', () => {
  it('stores exactly what writing on the calling thread stores', async () => {
    const records = sample(12_000, 3);
    const stored = [];
    for (const writerThread of [true, false]) {
      const store = SqliteEventStore.open(join(dir, `${writerThread}.sqlite`));
      const opened = vi.spyOn(store, 'openBackgroundWriter');
      try {
        const ingest = new BatchedIngest(store, { writerThread, maxBatch: 1_000 });
        expect(opened.mock.results.map((r) => r.value instanceof BackgroundWriter)).toEqual(writerThread ? [true] : []);
        records.forEach((r, i) => ingest.record(r, i % 3 === 0 ? 'run-b' : 'run-a'));
        await ingest.close();
        expect(ingest.stats()).toMatchObject({ recorded: 12_000, inserted: 12_000, duplicates: 0, pending: 0 });
        stored.push(contents(store));
      } finally {
        store.close();
      }
    }
    expect(stored[0]!.events.map((e) => e.record)).toEqual(records);
    expect(stored[0]).toEqual(stored[1]);
  });

  it('never drops a drill\'s record as a duplicate silently: it is reported, and the next flush fails naming it', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const records = sample(2_000, 5);
      store.append(records.slice(0, 700).map((record) => ({ record })));
      const problems: IngestProblem[] = [];
      const ingest = new BatchedIngest(store, { maxBatch: 300, onProblem: (p) => problems.push(p) });
      for (const r of records) ingest.record(r, 'run-1');
      const failure = await ingest.flush().then(() => undefined, (err: unknown) => err);
      expect(failure).toBeInstanceOf(DuplicateEventsError);
      expect(failure).toMatchObject({ records: 700, observations: 0 });
      expect((failure as DuplicateEventsError).ids).toEqual(records.slice(0, 10).map((r) => r.eventID));
      expect(problems.filter((p) => p.kind === 'duplicate-event').reduce((n, p) => n + p.events, 0)).toBe(700);
      await ingest.close();
      expect(ingest.stats()).toMatchObject({ inserted: 1_300, duplicates: 700 });
      expect(store.scan({ limit: 5_000 }).events.map((e) => e.record)).toEqual(records);
    } finally {
      store.close();
    }
  });

  it('counts events another connection already stored as duplicates, quietly, when told they are re-deliveries', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const records = sample(2_000, 5);
      store.append(records.slice(0, 700).map((record) => ({ record })));
      const ingest = new BatchedIngest(store, { maxBatch: 300, duplicates: 'skip' });
      for (const r of records) ingest.record(r, undefined);
      await ingest.close();
      expect(ingest.stats()).toMatchObject({ inserted: 1_300, duplicates: 700 });
      expect(store.scan({ limit: 5_000 }).events.map((e) => e.record)).toEqual(records);
    } finally {
      store.close();
    }
  });

  it('reports a write that finds the store locked, then writes every event in order once it is free', async () => {
    const file = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open(file, { busyTimeoutMs: 20 });
    const blocker = new Database(file);
    try {
      const ingest = new BatchedIngest(store, { maxBatch: 100, retryDelayMs: 10, onProblem: (p) => problems.push(p) });
      blocker.prepare('BEGIN IMMEDIATE').run();
      const records = sample(1_000, 7);
      for (const r of records) ingest.record(r, 'locked');
      await expect(ingest.flush()).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(problems[0]).toMatchObject({ kind: 'write-failed', events: 100 });
      expect(store.count()).toBe(0);
      blocker.prepare('ROLLBACK').run();
      await ingest.flush();
      expect(store.scan({ limit: 5_000 }).events.map((e) => e.record)).toEqual(records);
      expect(ingest.stats()).toMatchObject({ recorded: 1_000, inserted: 1_000, duplicates: 0, dropped: 0, pending: 0 });
      expect(problems.every((p) => p.kind === 'write-failed')).toBe(true);
      await ingest.close();
    } finally {
      blocker.close();
      store.close();
    }
  });

  it('reports events it cannot store and writes the rest', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const ingest = new BatchedIngest(store, { onProblem: (p) => problems.push(p) });
      const [a, b, c] = sample(3);
      ingest.record(a!, undefined);
      ingest.record({ ...b!, eventTime: 'yesterday' }, undefined);
      ingest.record({ ...c!, requestParameters: { Plaintext: 'c2VjcmV0' } }, undefined);
      await ingest.close();
      expect(store.scan({}).events.map((e) => e.record.eventID)).toEqual([a!.eventID]);
      expect(problems.map((p) => [p.kind, p.error.name])).toEqual([['invalid-event', 'InvalidEventError'], ['invalid-event', 'InvalidEventError']]);
    } finally {
      store.close();
    }
  });

  it('writes on the calling thread when the writer thread cannot start', async () => {
    const inner = SqliteEventStore.open(join(dir, 'events.sqlite'));
    // A writer whose connection cannot open, as a bundle missing store-writer.js would fail.
    const store = Object.assign(Object.create(inner) as SqliteEventStore, { openBackgroundWriter: () => new BackgroundWriter(join(dir, 'missing', 'events.sqlite'), 100) });
    try {
      const ingest = new BatchedIngest(store, { maxBatch: 250, onProblem: (p) => problems.push(p) });
      const records = sample(1_000, 9);
      for (const r of records) ingest.record(r, undefined);
      await ingest.close();
      expect(inner.scan({ limit: 5_000 }).events.map((e) => e.record)).toEqual(records);
      expect(ingest.stats()).toMatchObject({ inserted: 1_000, duplicates: 0 });
      expect(problems).toEqual([]);
    } finally {
      inner.close();
    }
  });

  it('ends its thread on close(), so closing the store leaves no write-ahead log behind', async () => {
    const file = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open(file);
    const ingest = new BatchedIngest(store);
    for (const r of sample(5_000, 11)) ingest.record(r, undefined);
    await ingest.close();
    expect(store.count()).toBe(5_000);
    store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reopened = SqliteEventStore.open(file);
    expect(reopened.count()).toBe(5_000);
    reopened.close();
  });
});
