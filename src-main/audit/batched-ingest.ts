import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from './cloudtrail-sink';
import type { EventStore, InvalidEventError, NewEvent } from './event-store';

/**
 * The CloudTrail sink the KMS client middleware calls on every KMS call. `record()` only queues:
 * it never blocks and never throws, so auditing cannot slow or break a KMS call. A writer drains
 * the queue into the store in transactions of up to `maxBatch` events, as soon as a batch is full
 * or `maxDelayMs` after the first queued event, yielding to the event loop between batches.
 *
 * Nothing is lost silently: an event the store refuses is reported and skipped; a failed write
 * (disk full, another process holding the lock) is reported and its batch stays at the head of
 * the queue to be retried with backoff; only if the queue outgrows `maxQueued` are the oldest
 * events dropped, and that is reported with their number.
 *
 * A record handed to `record()` belongs to the ingest from then on: the caller must not change it.
 */
export interface IngestProblem {
  kind: 'invalid-event' | 'write-failed' | 'queue-overflow' | 'closed';
  error: Error;
  /** Events concerned: skipped (invalid, closed), waiting for a retry (write-failed) or dropped (overflow). */
  events: number;
  /** Events still queued. */
  pending: number;
}

export interface BatchedIngestOptions {
  /** Events per transaction (default 5,000). */
  maxBatch?: number;
  /** Longest an event waits before a flush starts (default 100 ms). */
  maxDelayMs?: number;
  /** Queue bound while writes keep failing (default 500,000). */
  maxQueued?: number;
  /** First retry delay after a failed write; doubles up to 5 s (default 100 ms). */
  retryDelayMs?: number;
  /** Hears every problem; by default a process warning. */
  onProblem?: (problem: IngestProblem) => void;
}

export interface IngestStats {
  recorded: number;
  inserted: number;
  duplicates: number;
  invalid: number;
  dropped: number;
  pending: number;
}

const MAX_RETRY_DELAY_MS = 5_000;

export class BatchedIngest implements CloudTrailSink {
  private queue: NewEvent[] = [];
  /** Index of the first queued event not yet written: the queue is compacted lazily. */
  private head = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private retryDelay: number;
  /** A write failed and a retry is scheduled: new events wait for it rather than hammer a failing store. */
  private retrying = false;
  private closed = false;
  /** Events taken off the queue so far (written or dropped): flush() waits until this reaches its target. */
  private consumed = 0;
  private readonly waiters: { target: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private readonly totals = { recorded: 0, inserted: 0, duplicates: 0, invalid: 0, dropped: 0 };
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
  }

  record(event: CloudTrailRecord, runId: string | undefined): void {
    try {
      if (this.closed) {
        this.report({ kind: 'closed', error: new Error('the audit ingest is closed; the event was not stored'), events: 1, pending: this.pending });
        return;
      }
      this.totals.recorded++;
      this.queue.push({ record: event, runId });
      if (this.pending > this.maxQueued) this.dropOldest();
      if (this.retrying) return;
      if (this.pending >= this.maxBatch) this.scheduleNow();
      else this.timer ??= setTimeout(() => this.drainSoon(), this.maxDelayMs);
    } catch {
      // record() must never throw into a KMS call; report() already guards itself.
    }
  }

  /** Resolves when everything queued so far is stored; rejects with the write error if a write fails. */
  flush(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    const target = this.consumed + this.pending;
    return new Promise((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      this.scheduleNow();
    });
  }

  /** Flushes, then refuses further events (reported as 'closed'). Does not close the store. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimers();
      if (this.pending > 0) {
        this.totals.dropped += this.pending;
        this.report({ kind: 'closed', error: new Error('the audit ingest closed with events it could not write'), events: this.pending, pending: 0 });
        this.consumed += this.pending;
        this.head = this.queue.length;
      }
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
    if (this.writeOneBatch() && this.pending > 0) this.immediate = setImmediate(() => this.drainSoon());
  }

  /** Writes one batch; false when the write failed (a retry is then scheduled). */
  private writeOneBatch(): boolean {
    const end = Math.min(this.queue.length, this.head + this.maxBatch);
    const batch = this.queue.slice(this.head, end);
    if (batch.length === 0) return true;
    try {
      const result = this.store.append(batch, { onInvalid: (err) => this.invalid(err) });
      this.totals.inserted += result.inserted;
      this.totals.duplicates += result.duplicates;
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      this.report({ kind: 'write-failed', error, events: batch.length, pending: this.pending });
      for (const w of this.waiters.splice(0)) w.reject(error);
      this.retrying = true;
      // Unreferenced: a store that keeps failing must not keep the process alive (the loss was reported).
      this.timer = setTimeout(() => this.drainSoon(), this.retryDelay).unref();
      this.retryDelay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelay * 2);
      return false;
    }
    this.retrying = false;
    this.retryDelay = this.baseRetryDelay;
    this.consumed += end - this.head;
    this.head = end;
    if (this.head > 10_000 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.settleWaiters();
    return true;
  }

  private settleWaiters(): void {
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i] as (typeof this.waiters)[number];
      if (w.target <= this.consumed) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }

  private invalid(error: InvalidEventError): void {
    this.totals.invalid++;
    this.report({ kind: 'invalid-event', error, events: 1, pending: this.pending });
  }

  private dropOldest(): void {
    const excess = this.pending - this.maxQueued;
    this.head += excess;
    this.consumed += excess;
    this.totals.dropped += excess;
    this.report({ kind: 'queue-overflow', error: new Error(`the audit queue is full (${this.maxQueued} events) while writes fail; the oldest were dropped`), events: excess, pending: this.pending });
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

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`BatchedIngest ${name} must be a positive number, got ${value}`);
  return value;
}
