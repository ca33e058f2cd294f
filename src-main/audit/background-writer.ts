import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { WriteResult } from './batch-writer';
import { transferList, type PackedBatch } from './event-batch';
import { InvalidEventError } from './event-store';
import type { WriterFailure, WriterOptions, WriterReply, WriterRequest } from './store-writer-worker';
import { workerEntry } from '../common/worker-entry';

/** A store that can hand its writes to a worker thread (SqliteEventStore on a file). */
export interface BackgroundWritable {
  openBackgroundWriter(): BackgroundWriter | undefined;
}

/** The writer thread could not start, died, or was closed: write on the calling thread instead. */
export class WriterUnavailableError extends Error {
  override name = 'WriterUnavailableError';
}

/** A write not attempted because an earlier one failed: send it again after the retry. */
export class WriteSkippedError extends Error {
  override name = 'WriteSkippedError';
}

/** Young generation of the writer thread's heap, MiB. */
const WRITER_YOUNG_GENERATION_MB = 8;

/**
 * The calling thread's side of the store's writer thread (store-writer-worker.ts). Batches are
 * transferred, not copied, and written in the order given; several may be in flight, so the
 * caller encodes the next while the worker writes the last. A write that fails rejects with the
 * store's error, and the writes sent after it reject with WriteSkippedError.
 */
export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (result: WriteResult) => void; reject: (err: Error) => void }>();
  private nextJob = 1;
  /** Raised after each failed write: the worker skips what was sent before the failure was known. */
  private epoch = 0;
  private unavailable: Error | undefined;
  private readonly exited: Promise<void>;

  constructor(file: string, busyTimeoutMs: number, private readonly onClosed: () => void = () => undefined) {
    const entry = workerEntry(import.meta.url, 'store-writer.js', 'store-writer-worker.ts');
    // A small young generation: the writer's objects live for one batch, and V8's default grows it
    // far larger on Electron's Node 24 (measured, a 1,000-tenant drill on Node 24: peak RSS 885 and
    // 810 MiB with the default, 762 and 764 with this, wall time unchanged within its noise).
    this.worker = new Worker(entry.source, { eval: entry.eval, workerData: { file: resolve(file), busyTimeoutMs } satisfies WriterOptions, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    // A bundle without its store-writer.js, or a worker that dies: the caller falls back to its own connection.
    this.worker.on('error', (err) => this.fail(new WriterUnavailableError(`the store's writer thread failed: ${err.message}`)));
    this.exited = new Promise((done) => this.worker.once('exit', () => {
      this.fail(new WriterUnavailableError("the store's writer thread has exited"));
      done();
    }));
  }

  write(batch: PackedBatch): Promise<WriteResult> {
    if (this.unavailable) return Promise.reject(this.unavailable);
    const job = this.nextJob++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref(); // a write in flight keeps the process alive until it is stored
      this.pending.set(job, { resolve, reject });
      this.worker.postMessage({ type: 'write', job, epoch: this.epoch, batch } satisfies WriterRequest, transferList(batch));
    });
  }

  /** Writes what was sent, closes the worker's connection and ends the thread. */
  close(): Promise<void> {
    if (!this.unavailable) {
      this.unavailable = new WriterUnavailableError("the store's writer thread is closed");
      this.worker.ref();
      this.worker.postMessage({ type: 'close' } satisfies WriterRequest);
    }
    return this.exited;
  }

  private settle(reply: WriterReply): void {
    if (reply.type === 'ready') return;
    const job = this.pending.get(reply.job);
    this.pending.delete(reply.job);
    if (this.pending.size === 0 && !this.unavailable) this.worker.unref();
    if (!job) return;
    if (reply.type === 'done') job.resolve(reply.result);
    else if (reply.type === 'skipped') job.reject(new WriteSkippedError('an earlier write failed; this batch was not written'));
    else {
      this.epoch++;
      job.reject(rebuild(reply.error));
    }
  }

  private fail(error: Error): void {
    this.unavailable ??= error;
    const jobs = [...this.pending.values()];
    this.pending.clear();
    for (const job of jobs) job.reject(error);
    this.onClosed();
  }
}

/** The store's error as the caller would have seen it on its own connection. */
function rebuild(failure: WriterFailure): Error {
  if (failure.name === 'InvalidEventError') return new InvalidEventError(failure.message, failure.path ?? []);
  const error = new Error(failure.message) as Error & { code?: string };
  error.name = failure.name;
  if (failure.code !== undefined) error.code = failure.code;
  return error;
}
