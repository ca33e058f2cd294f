import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BatchedIngest, type IngestProblem } from '../../src-main/audit/batched-ingest';
import type { AppendOptions, EventStore, NewEvent } from '../../src-main/audit/event-store';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

const records = (count: number, seed = 1): CloudTrailRecord[] => [...syntheticKmsEvents({ count, start: Date.UTC(2026, 0, 1), durationMs: 60_000, seed })];
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The real store, with a switch that makes its writes fail and a log of the batch sizes it was given. */
class FlakyStore implements EventStore {
  readonly inner = SqliteEventStore.open(':memory:');
  failing = false;
  batches: number[] = [];
  append(events: readonly NewEvent[], options?: AppendOptions) {
    if (this.failing) throw new Error('SQLITE_FULL: database or disk is full');
    this.batches.push(events.length);
    return this.inner.append(events, options);
  }
  lookup = this.inner.lookup.bind(this.inner);
  aggregate = this.inner.aggregate.bind(this.inner);
  scan = this.inner.scan.bind(this.inner);
  count = this.inner.count.bind(this.inner);
  runRecords = this.inner.runRecords.bind(this.inner);
  observations = this.inner.observations.bind(this.inner);
  observationCounts = this.inner.observationCounts.bind(this.inner);
  countObservations = this.inner.countObservations.bind(this.inner);
  close = this.inner.close.bind(this.inner);
}

let store: FlakyStore;
let problems: IngestProblem[];
beforeEach(() => {
  store = new FlakyStore();
  problems = [];
});
afterEach(() => store.close());

describe('the batched ingest behind every KMS call', () => {
  it('only queues in record(); the events reach the store shortly after, in one transaction', async () => {
    const ingest = new BatchedIngest(store, { maxDelayMs: 20, onProblem: (p) => problems.push(p) });
    for (const r of records(30)) ingest.record(r, 'run-1');
    expect(store.count()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(store.count()).toBe(30);
    expect(store.batches).toEqual([30]);
    expect(store.scan({}).events.every((e) => e.runId === 'run-1')).toBe(true);
    expect(problems).toEqual([]);
  });

  it('writes a full batch at once, without waiting for the delay, in batches of at most maxBatch', async () => {
    const ingest = new BatchedIngest(store, { maxBatch: 100, maxDelayMs: 60_000 });
    for (const r of records(250)) ingest.record(r, undefined);
    await tick();
    await tick();
    expect(store.count()).toBe(200);
    await ingest.flush();
    expect(store.batches).toEqual([100, 100, 50]);
    expect(ingest.stats()).toMatchObject({ recorded: 250, inserted: 250, pending: 0 });
  });

  it('never throws from record(); an event the store cannot hold is reported and the rest are stored', async () => {
    const ingest = new BatchedIngest(store, { onProblem: (p) => problems.push(p) });
    const [a, b, c] = records(3);
    expect(() => ingest.record({ ...b!, eventTime: 'yesterday' }, undefined)).not.toThrow();
    expect(() => ingest.record(null as unknown as CloudTrailRecord, undefined)).not.toThrow();
    ingest.record(a!, undefined);
    ingest.record(c!, undefined);
    await ingest.flush();
    expect(store.scan({}).events.map((e) => e.record.eventID)).toEqual([a!.eventID, c!.eventID]);
    expect(problems.map((p) => [p.kind, p.error.message])).toEqual([
      ['invalid-event', 'eventTime must be an ISO 8601 UTC time like 2026-01-01T00:00:00Z'],
      ['invalid-event', expect.stringMatching(/^the record cannot be read/)],
    ]);
    expect(ingest.stats()).toMatchObject({ inserted: 2, invalid: 2 });
  });

  it('reports a failed write, keeps every queued event, and writes them all once the store recovers', async () => {
    const ingest = new BatchedIngest(store, { maxBatch: 50, retryDelayMs: 10, onProblem: (p) => problems.push(p) });
    store.failing = true;
    const all = records(120);
    for (const r of all) ingest.record(r, undefined);
    await expect(ingest.flush()).rejects.toThrow(/disk is full/);
    expect(problems[0]).toMatchObject({ kind: 'write-failed', events: 50, pending: 120 });
    store.failing = false;
    await new Promise((resolve) => setTimeout(resolve, 50));
    await ingest.flush();
    expect(store.scan({ limit: 1000 }).events.map((e) => e.record.eventID)).toEqual(all.map((r) => r.eventID));
    expect(ingest.stats()).toMatchObject({ inserted: 120, dropped: 0, pending: 0 });
  });

  it('drops the oldest events beyond its bound while writes keep failing, and says how many', async () => {
    const ingest = new BatchedIngest(store, { maxBatch: 10, maxQueued: 25, retryDelayMs: 10_000, onProblem: (p) => problems.push(p) });
    store.failing = true;
    const all = records(40);
    for (const r of all) ingest.record(r, undefined);
    await expect(ingest.flush()).rejects.toThrow();
    const dropped = problems.filter((p) => p.kind === 'queue-overflow').reduce((n, p) => n + p.events, 0);
    expect(dropped).toBe(15);
    store.failing = false;
    await ingest.flush();
    expect(store.scan({}).events.map((e) => e.record.eventID)).toEqual(all.slice(15).map((r) => r.eventID));
    expect(ingest.stats()).toMatchObject({ recorded: 40, inserted: 25, dropped: 15 });
  });

  it('flush() resolves once everything recorded before it is stored, even while more keeps arriving', async () => {
    const ingest = new BatchedIngest(store, { maxBatch: 20 });
    for (const r of records(50, 1)) ingest.record(r, undefined);
    const flushed = ingest.flush();
    for (const r of records(50, 2)) ingest.record(r, undefined);
    await flushed;
    expect(store.count()).toBeGreaterThanOrEqual(50);
    await ingest.close();
    expect(store.count()).toBe(100);
  });

  it('after close(), refuses new events and reports each one as not stored', async () => {
    const ingest = new BatchedIngest(store, { onProblem: (p) => problems.push(p) });
    await ingest.close();
    ingest.record(records(1)[0]!, undefined);
    await tick();
    expect(store.count()).toBe(0);
    expect(problems.map((p) => p.kind)).toEqual(['closed']);
  });
});
