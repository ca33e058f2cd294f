import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { WriterUnavailableError, type BackgroundWritable, type BackgroundWriter } from './background-writer';
import type { WriteResult } from './batch-writer';
import type { CloudTrailSink } from './cloudtrail-sink';
import { BatchPacker } from './event-batch';
import type { EventStore, InvalidEventError, NewEvent } from './event-store';
import type { NewObservation } from './observation-codec';
import { counted } from '../../src-shared/count';

/**
 * The CloudTrail sink the KMS client middleware calls on every KMS call. `record()` only queues:
 * it never blocks and never throws, so auditing cannot slow or break a KMS call. A writer drains
 * the queue into the store in transactions of up to `maxBatch` events, as soon as a batch is full
 * or `maxDelayMs` after the first queued event, yielding to the event loop between batches.
 *
 * Client-side observations (calls that never reached KMS) take the same path, in the same order and
 * transactions, to their own table.
 *
 * Nothing is lost silently: an event the store refuses is reported and skipped; a failed write
 * (disk full, another process holding the lock) is reported and its batch stays at the head of
 * the queue to be retried with backoff; only if the queue outgrows `maxQueued` are the oldest
 * events dropped, and that is reported with their number.
 *
 * A store that offers a writer thread (SqliteEventStore on a file) gets its batches encoded here and
 * written there, several in flight, so encoding and SQLite overlap on two cores (and batches that
 * queue up share a transaction); otherwise, or if that thread cannot start, batches go through the
 * store's own append().
 *
 * A drill's own records are never dropped as duplicates silently: by default an event (or
 * observation) whose id the store already holds is reported as a `duplicate-event` problem and the
 * next flush() rejects with DuplicateEventsError naming them — a drill's eventIDs are its own, so a
 * duplicate means evidence would go missing. Imports, which re-deliver CloudTrail's own events, go
 * through the store's append() and keep deduplicating.
 *
 * A record handed to `record()` belongs to the ingest from then on: the caller must not change it.
 */
export interface IngestProblem {
  kind: 'invalid-event' | 'write-failed' | 'queue-overflow' | 'closed' | 'duplicate-event';
  error: Error;
  /** Events concerned: skipped (invalid, closed, duplicate), waiting for a retry (write-failed) or dropped (overflow). */
  events: number;
  /** Events still queued. */
  pending: number;
}

export interface BatchedIngestOptions {
  /** Events per batch (default 5,000): per transaction, except that the writer thread may write queued batches together. */
  maxBatch?: number;
  /** Longest an event waits before a flush starts (default 100 ms). */
  maxDelayMs?: number;
  /** Queue bound while writes fail or fall behind (default 500,000). */
  maxQueued?: number;
  /** First retry delay after a failed write; doubles up to 5 s (default 100 ms). */
  retryDelayMs?: number;
  /** Hears every problem; by default a process warning. */
  onProblem?: (problem: IngestProblem) => void;
  /** Write on the store's writer thread when it offers one (default true). */
  writerThread?: boolean;
  /**
   * What an id the store already holds means: 'error' (the default, for a drill's own records) reports
   * it and makes the next flush() reject; 'skip' counts it quietly, as CloudTrail consumers do with a
   * re-delivered event.
   */
  duplicates?: 'error' | 'skip';
}

export interface IngestStats {
  /** CloudTrail records handed to record(). */
  recorded: number;
  inserted: number;
  duplicates: number;
  /** Client-side observations handed to observe(), stored, and refused as duplicates. */
  observed: number;
  observationsInserted: number;
  observationDuplicates: number;
  invalid: number;
  dropped: number;
  pending: number;
}

/** Records or observations the store already held: they were not stored again, and a drill's evidence would miss them. */
export class DuplicateEventsError extends Error {
  override name = 'DuplicateEventsError';
  constructor(readonly records: number, readonly observations: number, readonly ids: readonly string[]) {
    super(`${counted(records, 'CloudTrail record')} and ${counted(observations, 'client-side observation')} of this run were not stored: the event store already holds their ids (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`);
  }
}

const MAX_RETRY_DELAY_MS = 5_000;
/**
 * Batches handed to the writer thread and not yet stored: enough that while it writes some in one
 * transaction, the next few are already encoded and waiting.
 */
const MAX_IN_FLIGHT = 8;

/** A queued record or observation and its place in the order of recording, which flush() waits on. */
type Queued = (NewEvent | NewObservation) & { seq: number };

export class BatchedIngest implements CloudTrailSink {
  private queue: Queued[] = [];
  /** Index of the first queued event not yet stored: the queue is compacted lazily. */
  private head = 0;
  /** Writer thread: index of the first event not yet sent; [head, sent) is in flight. */
  private sent = 0;
  /** Writer thread: events before this index are due to be sent even as a partial batch. */
  private due = 0;
  /** Writer thread: sizes of the batches in flight, oldest first. */
  private inFlight: number[] = [];
  /** Raised when a write fails or the writer thread is given up: replies to older sends are ignored. */
  private epoch = 0;
  private background: BackgroundWriter | undefined;
  private readonly packer: BatchPacker | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private retryDelay: number;
  /** A write failed and a retry is scheduled: new events wait for it rather than hammer a failing store. */
  private retrying = false;
  private closed = false;
  /** Events queued so far: each gets the next number, so flush() waits for a number. */
  private seq = 0;
  private readonly waiters: { target: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly totals = { recorded: 0, inserted: 0, duplicates: 0, observed: 0, observationsInserted: 0, observationDuplicates: 0, invalid: 0, dropped: 0 };
  /** Duplicates not yet surfaced by a flush(): records, observations, and the first ids. */
  private unsurfaced = { records: 0, observations: 0, ids: [] as string[] };
  private readonly duplicateMode: 'error' | 'skip';
  private readonly maxBatch: number;
  private readonly maxDelayMs: number;
  private readonly maxQueued: number;
  private readonly baseRetryDelay: number;
  private readonly onProblem: (problem: IngestProblem) => void;

  constructor(private readonly store: EventStore, options: BatchedIngestOptions = {}) {
    this.maxBatch = positive(options.maxBatch, 5_000, 'maxBatch');
    this.maxDelayMs = positive(options.maxDelayMs, 100, 'maxDelayMs');
    this.maxQueued = positive(options.maxQueued, 500_000, 'maxQueued');
    this.baseRetryDelay = positive(options.retryDelayMs, 100, 'retryDelayMs');
    this.retryDelay = this.baseRetryDelay;
    this.onProblem = options.onProblem ?? ((p) => process.emitWarning(`audit ingest: ${p.kind}: ${p.error.message} (${p.events} events, ${p.pending} pending)`));
    this.duplicateMode = options.duplicates ?? 'error';
    // Started now, not at the first batch: the worker takes a moment to load.
    this.background = options.writerThread === false ? undefined : openWriter(store);
    this.packer = this.background ? new BatchPacker() : undefined;
  }

  record(event: CloudTrailRecord, runId: string | undefined): void {
    this.enqueue({ record: event, runId, seq: 0 });
  }

  observe(observation: ClientObservation, runId: string | undefined): void {
    this.enqueue({ observation, runId, seq: 0 });
  }

  private enqueue(item: Queued): void {
    try {
      if (this.closed) {
        this.report({ kind: 'closed', error: new Error('the audit ingest is closed; the event was not stored'), events: 1, pending: this.pending });
        return;
      }
      if ('record' in item) this.totals.recorded++;
      else this.totals.observed++;
      item.seq = this.seq++;
      this.queue.push(item);
      if (this.pending > this.maxQueued) this.dropOldest();
      if (this.retrying) return;
      if (this.queue.length - this.sent >= this.maxBatch) this.scheduleNow();
      else this.timer ??= setTimeout(() => this.drainSoon(), this.maxDelayMs);
    } catch {
      // record() must never throw into a KMS call; report() already guards itself.
    }
  }

  /**
   * Resolves when everything queued so far is stored; rejects with the write error if a write fails,
   * and with DuplicateEventsError if records or observations were refused as duplicates since the
   * last flush (unless duplicates are 'skip').
   */
  async flush(): Promise<void> {
    if (this.pending > 0) {
      const target = this.seq;
      await new Promise<void>((resolve, reject) => {
        this.waiters.push({ target, resolve, reject });
        this.scheduleNow();
      });
    }
    const { records, observations, ids } = this.unsurfaced;
    if (records + observations > 0) {
      this.unsurfaced = { records: 0, observations: 0, ids: [] };
      throw new DuplicateEventsError(records, observations, ids);
    }
  }

  /** Flushes, then refuses further events (reported as 'closed') and ends its writer thread. Does not close the store. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimers();
      this.epoch++;
      if (this.pending > 0) {
        this.totals.dropped += this.pending;
        this.report({ kind: 'closed', error: new Error('the audit ingest closed with events it could not write'), events: this.pending, pending: 0 });
        this.queue = [];
        this.head = this.sent = this.due = 0;
        this.inFlight = [];
      }
      await this.background?.close();
    }
  }

  stats(): IngestStats {
    return { ...this.totals, pending: this.pending };
  }

  private get pending(): number {
    return this.queue.length - this.head;
  }

  private scheduleNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate ??= setImmediate(() => this.drainSoon());
  }

  private drainSoon(): void {
    this.clearTimers();
    if (this.background) {
      this.due = this.queue.length;
      this.sendBatches();
    } else if (this.writeOneBatch() && this.pending > 0) this.immediate = setImmediate(() => this.drainSoon());
  }

  /** Writes one batch on this thread; false when the write failed (a retry is then scheduled). */
  private writeOneBatch(): boolean {
    const end = Math.min(this.queue.length, this.head + this.maxBatch);
    const batch = this.queue.slice(this.head, end);
    if (batch.length === 0) return true;
    try {
      const { events, observations } = split(batch);
      this.stored(end - this.head, this.store.append(events, { onInvalid: (err) => this.invalid(err), observations }));
      return true;
    } catch (err) {
      this.writeFailed(err, batch.length);
      return false;
    }
  }

  /** Encodes batches and sends them to the writer thread while fewer than MAX_IN_FLIGHT are there. */
  private sendBatches(): void {
    const writer = this.background as BackgroundWriter;
    while (this.inFlight.length < MAX_IN_FLIGHT && this.sent < this.queue.length && (this.sent < this.due || this.queue.length - this.sent >= this.maxBatch)) {
      const end = Math.min(this.queue.length, this.sent + this.maxBatch);
      let batch;
      try {
        const { events, observations } = split(this.queue.slice(this.sent, end));
        batch = (this.packer as BatchPacker).pack(events, (err) => this.invalid(err), observations);
      } catch (err) {
        // Not expected (refused events are reported, not thrown), but this runs from a timer: never throw.
        if (this.inFlight.length === 0) this.writeFailed(err, end - this.sent);
        return;
      }
      const epoch = this.epoch;
      this.inFlight.push(end - this.sent);
      this.sent = end;
      writer.write(batch).then(
        (result) => {
          if (epoch !== this.epoch) return;
          this.stored(this.inFlight.shift() as number, result);
          this.sendBatches();
        },
        (err: unknown) => {
          if (epoch !== this.epoch) return;
          this.epoch++;
          const size = this.inFlight[0] as number;
          this.inFlight = [];
          this.sent = this.head;
          if (err instanceof WriterUnavailableError) {
            // The events of unanswered batches may be stored already: rewritten, they count as duplicates.
            this.background = undefined;
            if (this.pending > 0) this.scheduleNow();
          } else this.writeFailed(err, size);
        },
      );
    }
  }

  /** The oldest `count` queued events are stored. */
  private stored(count: number, result: WriteResult): void {
    this.totals.inserted += result.inserted;
    this.totals.duplicates += result.duplicates;
    this.totals.observationsInserted += result.observations.inserted;
    this.totals.observationDuplicates += result.observations.duplicates;
    if (this.duplicateMode === 'error' && result.duplicates + result.observations.duplicates > 0) this.duplicated(result);
    this.retrying = false;
    this.retryDelay = this.baseRetryDelay;
    this.head += count;
    this.sent = Math.max(this.sent, this.head);
    if (this.head > 10_000 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.sent -= this.head;
      this.due = Math.max(0, this.due - this.head);
      this.head = 0;
    }
    this.settleWaiters();
  }

  private writeFailed(err: unknown, events: number): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.report({ kind: 'write-failed', error, events, pending: this.pending });
    for (const w of this.waiters.splice(0)) w.reject(error);
    this.retrying = true;
    // Unreferenced: a store that keeps failing must not keep the process alive (the loss was reported).
    this.timer = setTimeout(() => this.drainSoon(), this.retryDelay).unref();
    this.retryDelay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelay * 2);
  }

  private settleWaiters(): void {
    // Everything recorded before the oldest queued event is stored (or was dropped).
    const settled = this.pending > 0 ? (this.queue[this.head] as Queued).seq : this.seq;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      if (w.target <= settled) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private duplicated(result: WriteResult): void {
    const ids = [...result.duplicateIds, ...result.observations.duplicateIds];
    const u = this.unsurfaced;
    u.records += result.duplicates;
    u.observations += result.observations.duplicates;
    u.ids.push(...ids.slice(0, Math.max(0, 10 - u.ids.length)));
    const error = new DuplicateEventsError(result.duplicates, result.observations.duplicates, ids);
    this.report({ kind: 'duplicate-event', error, events: result.duplicates + result.observations.duplicates, pending: this.pending });
  }

  private invalid(error: InvalidEventError): void {
    this.totals.invalid++;
    this.report({ kind: 'invalid-event', error, events: 1, pending: this.pending });
  }

  private dropOldest(): void {
    // Batches in flight stay; the oldest of the rest go.
    const excess = Math.min(this.pending - this.maxQueued, this.queue.length - this.sent);
    if (excess <= 0) return;
    if (this.sent === this.head) this.head = this.sent += excess;
    else {
      this.queue.splice(this.sent, excess);
      this.due = Math.max(this.due - excess, this.sent);
    }
    this.totals.dropped += excess;
    this.report({ kind: 'queue-overflow', error: new Error(`the audit queue is full (${this.maxQueued} events) while writes fail or fall behind; the oldest were dropped`), events: excess, pending: this.pending });
  }

  private report(problem: IngestProblem): void {
    try {
      this.onProblem(problem);
    } catch {
      // A failing reporter must not turn into a failing KMS call.
    }
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

/** A batch's records and observations, each in the order they came. */
function split(items: readonly Queued[]): { events: NewEvent[]; observations: NewObservation[] } {
  const events: NewEvent[] = [];
  const observations: NewObservation[] = [];
  for (const item of items) {
    if ('record' in item) events.push(item);
    else observations.push(item);
  }
  return { events, observations };
}

function openWriter(store: EventStore): BackgroundWriter | undefined {
  const open = (store as Partial<BackgroundWritable>).openBackgroundWriter;
  try {
    return typeof open === 'function' ? open.call(store) : undefined;
  } catch {
    return undefined; // no thread to be had: the store's own append() still works
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`BatchedIngest ${name} must be a positive number, got ${value}`);
  return value;
}
