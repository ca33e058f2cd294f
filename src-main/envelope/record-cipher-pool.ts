import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { needs } from '../common/needs';
import { RecordIntegrityError } from './envelope-errors';
import { silentLogger, type Logger } from './envelope-events';
import { describeBatch, openInline, outputFor, outputTotal, outputViews, sealInline, stage, type BatchInput, type PlainRecord, type SealedRecord } from './record-batch';
import { FAILED, descriptorViews, type LaneBatch } from './record-lane';
import { RECORD_OVERHEAD, checkRecordId, recordPrefix, type KeyRef } from './record-format';
import type { WorkerReply, WorkerRequest } from './record-worker';
import type { SecretKey } from './secret-key';
import { workerEntry } from '../common/worker-entry';

export type { PlainRecord, SealedRecord } from './record-batch';

/** Options of one batch. */
export interface BatchOptions {
  /**
   * Where to write the results (a write buffer the caller reuses); views into it are returned. On
   * a SharedArrayBuffer the workers write it directly; otherwise the batch runs on the calling thread.
   */
  into?: Uint8Array;
}

/** How a pool is built. */
export interface RecordCipherPoolOptions {
  /** Worker threads; default: available cores, at most 4. 0 keeps all crypto on the calling thread. */
  threads?: number;
  /** Batches estimated to take less than this on one thread stay on it: a worker round trip costs ~0.1 ms. */
  inlineBelowMicros?: number;
  logger?: Logger;
}

/** Young generation of each worker's heap, MiB (see spawn). */
const WORKER_YOUNG_GENERATION_MB = 1;

interface PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  /** Ready seen: batches go out without waiting a turn for `ready`. */
  started: boolean;
  keys: Set<number>;
  /** Batches sent to this worker and not yet settled, by job number. */
  pending: Map<number, Lane>;
}

/** How a worker's reply reaches its batch. */
interface Lane {
  done: () => void;
  fail: (err: Error) => void;
}

/** A key as a batch holds it: the handle workers know it by, and the KeyObject taken at the start. */
interface KeyLease {
  key: SecretKey;
  handle: number;
  object: KeyObject;
}

/**
 * Bulk record crypto on worker threads. One Node thread reaches only ~0.37× OpenSSL's single-core
 * AES-GCM rate with a cipher per record (STACK.md), so batches are shared by workers that read and
 * write SharedArrayBuffers in place: inputs already on a SharedArrayBuffer (for example the output
 * of an earlier `seal`) are not copied at all, other inputs are copied once. Every worker gets the
 * whole batch in one message and claims records from a shared counter (record-lane.ts); the one
 * that finishes the last record answers. Results are views into one SharedArrayBuffer per batch.
 * Small batches run on the calling thread. The calling thread takes no records itself: with as
 * many workers as cores it only steals their time, and one worker fewer plus the caller measured
 * slower too (1714 against 1801 MB/s encrypt+decrypt at 16 KiB on 2 cores).
 */
export class RecordCipherPool {
  readonly threads: number;
  private readonly inlineBelowMicros: number;
  private readonly logger: Logger;
  private workers: PoolWorker[] = [];
  private nextJob = 1;
  private workersFailed = false;
  private closed = false;

  constructor(options: RecordCipherPoolOptions = {}) {
    this.threads = Math.max(0, Math.floor(options.threads ?? Math.min(4, availableParallelism())));
    this.inlineBelowMicros = options.inlineBelowMicros ?? 1000;
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Views of the given sizes on one new SharedArrayBuffer: a batch built in them (a drill's canary
   * generator, a loader reading records) is sealed by the workers in place, with no copy.
   */
  static sharedBuffers(sizes: readonly number[]): Buffer[] {
    const arena = new SharedArrayBuffer(Math.max(1, sizes.reduce((n, s) => n + s, 0)));
    let at = 0;
    return sizes.map((size) => {
      at += size;
      return Buffer.from(arena, at - size, size);
    });
  }

  /**
   * Seals every record with `key`, naming `ref` in each header; results are in input order. The
   * key is taken when this is called: evicting (zeroing) it afterwards does not affect the batch.
   */
  async seal(key: SecretKey, ref: KeyRef, records: readonly PlainRecord[], options: BatchOptions = {}): Promise<Uint8Array[]> {
    // Taken now: the cache may evict (and zero) the key while a batch waits for the workers.
    const lease = { key, handle: key.handle, object: key.keyObject() };
    const prefix = recordPrefix(ref);
    const batch: BatchInput = { direction: 'seal', ids: new Array(records.length), inputs: new Array(records.length), bytes: 0 };
    records.forEach((r, i) => {
      checkRecordId(r.recordId);
      batch.ids[i] = r.recordId;
      batch.inputs[i] = r.plaintext;
      batch.bytes += r.plaintext.length;
    });
    if (this.useWorkers(batch, options.into)) {
      const sealed = await this.dispatch(batch, lease, prefix, options.into);
      if (sealed) return sealed;
    }
    return sealInline(lease.object, prefix, records, options.into);
  }

  /**
   * Opens records sealed with `key` (the caller has read their key references). Any record that
   * fails authentication fails the whole batch with RecordIntegrityError, and no plaintext of the
   * batch is returned.
   */
  async open(key: SecretKey, records: readonly SealedRecord[], options: BatchOptions = {}): Promise<Uint8Array[]> {
    const lease = { key, handle: key.handle, object: key.keyObject() };
    const batch: BatchInput = { direction: 'open', ids: new Array(records.length), inputs: new Array(records.length), bytes: 0 };
    records.forEach((r, i) => {
      needs(r.sealed.length >= RECORD_OVERHEAD, 'A record is opened only after its header was read.');
      checkRecordId(r.recordId);
      batch.ids[i] = r.recordId;
      batch.inputs[i] = r.sealed;
      batch.bytes += r.sealed.length;
    });
    if (this.useWorkers(batch, options.into)) {
      const opened = await this.dispatch(batch, lease, undefined, options.into);
      if (opened) return opened;
    }
    return openInline(lease.object, records, options.into);
  }

  /** One record sealed on this thread, now: a batch of one without a batch's bookkeeping. */
  sealOne(key: SecretKey, ref: KeyRef, record: PlainRecord): Uint8Array {
    checkRecordId(record.recordId);
    return sealInline(key.keyObject(), recordPrefix(ref), [record], undefined)[0] as Uint8Array;
  }

  /** One record opened on this thread, now (RecordIntegrityError when it fails authentication). */
  openOne(key: SecretKey, record: SealedRecord): Uint8Array {
    needs(record.sealed.length >= RECORD_OVERHEAD, 'A record is opened only after its header was read.');
    checkRecordId(record.recordId);
    return openInline(key.keyObject(), [record], undefined)[0] as Uint8Array;
  }

  /** Drops an evicted key from every worker that was given it. */
  forget(key: SecretKey): void {
    for (const w of this.workers) {
      if (w.keys.delete(key.handle)) w.worker.postMessage({ type: 'forget', handle: key.handle } satisfies WorkerRequest);
    }
  }

  /** Starts the workers now rather than on the first large batch. */
  async warm(): Promise<void> {
    if (this.threads > 0 && !this.workersFailed) await Promise.all(this.ensureWorkers().map((w) => w.ready)).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }

  private useWorkers(batch: BatchInput, into: Uint8Array | undefined): boolean {
    if (this.threads === 0 || this.workersFailed || this.closed || batch.inputs.length < 2) return false;
    if (into && !(into.buffer instanceof SharedArrayBuffer)) return false;
    // ~3 µs fixed per record plus ~0.5 ns per byte on one thread (STACK.md, measured here).
    return batch.inputs.length * 3 + batch.bytes / 2000 >= this.inlineBelowMicros;
  }

  /**
   * Runs a batch on the workers: each gets the whole batch in one message and claims records from
   * a shared counter (record-lane.ts), so they finish together however the cores are shared.
   * Undefined when the workers cannot start (caller goes inline).
   */
  private async dispatch(input: BatchInput, key: KeyLease, prefix: Uint8Array | undefined, into: Uint8Array | undefined): Promise<Uint8Array[] | undefined> {
    const workers = this.ensureWorkers();
    if (workers.some((w) => !w.started)) {
      try {
        await Promise.all(workers.map((w) => w.ready));
      } catch {
        return undefined;
      }
    }
    if (workers.length === 0 || this.workersFailed) return undefined;
    const staged = stage(input);
    const total = outputTotal(input);
    const out = outputFor(total, into, true);
    const batch = describeBatch(input, staged, out, prefix);
    try {
      await this.run(workers, key, batch);
      const failed = Atomics.load(descriptorViews(batch.descriptor, batch.count).control, FAILED);
      if (failed >= 0) {
        out.fill(0, 0, total);
        throw new RecordIntegrityError(input.ids[failed] as string);
      }
    } finally {
      // Evicted while this batch ran: the workers were given it again, so take it back.
      if (key.key.destroyed) this.forget(key.key);
      // A staged copy of plaintexts is ours to wipe; sealed inputs carry nothing secret.
      if (!staged.inPlace && input.direction === 'seal') new Uint8Array(staged.input).fill(0);
    }
    return outputViews(input, out);
  }

  /**
   * Sends `batch` to every worker and settles when the lane that completed it says so, without
   * waiting for a worker still busy with another batch (it finds nothing left to claim when it
   * gets there, and says nothing). A worker that fails or exits fails the batches it was sent.
   */
  private run(workers: PoolWorker[], key: KeyLease, batch: LaneBatch): Promise<void> {
    const job = this.nextJob++;
    return new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        for (const w of workers) {
          w.pending.delete(job);
          if (w.pending.size === 0) w.worker.unref();
        }
        if (err) reject(err);
        else resolve();
      };
      const lane: Lane = { done: () => settle(), fail: settle };
      for (const w of workers) {
        if (!w.keys.has(key.handle)) {
          w.worker.postMessage({ type: 'key', handle: key.handle, key: key.object } satisfies WorkerRequest);
          w.keys.add(key.handle);
        }
        w.pending.set(job, lane);
        w.worker.ref();
        w.worker.postMessage({ type: 'batch', job, handle: key.handle, batch } satisfies WorkerRequest);
      }
    });
  }

  private ensureWorkers(): PoolWorker[] {
    try {
      while (this.workers.length < this.threads) this.workers.push(this.spawn());
    } catch (err) {
      this.workersFailed = true;
      this.logger.warn('record workers cannot start; bulk record crypto runs on the calling thread', { error: (err as Error).message });
      for (const w of this.workers) w.ready.catch(() => undefined);
    }
    return this.workers;
  }

  private spawn(): PoolWorker {
    const entry = workerEntry(import.meta.url, 'record-worker.js', 'record-worker.ts');
    // A small young generation: every cipher.update() allocates its output outside the heap, and
    // frequent short scavenges free those buffers while they are still in cache; the default
    // (16 MiB semi-spaces) collects every ~60 MiB of them in 0.5-1.5 ms pauses that leave the
    // other worker waiting at the end of a batch. Measured at 16 KiB records on 2 cores: +1 to +9%
    // (median +4%) in six paired runs.
    const worker = new Worker(entry.source, { eval: entry.eval, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
    worker.unref();
    const pending: PoolWorker['pending'] = new Map();
    let markReady: () => void = () => undefined;
    let failStart: (err: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => undefined);
    const self: PoolWorker = { worker, ready, started: false, keys: new Set(), pending };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        self.started = true;
        return markReady();
      }
      const lane = pending.get(reply.job);
      if (reply.type === 'done') lane?.done();
      else lane?.fail(new Error(`record worker failed: ${reply.message}`));
    });
    worker.on('error', (err) => {
      // A worker that cannot start (e.g. a bundle without record-worker.js) leaves the pool inline;
      // one that dies later is replaced on the next batch.
      if (!self.started) {
        this.workersFailed = true;
        this.logger.warn('record workers cannot start; bulk record crypto runs on the calling thread', { error: err.message });
      } else {
        this.logger.error('a record worker failed', { error: err.message });
      }
      failStart(err);
      for (const lane of [...pending.values()]) lane.fail(err);
    });
    worker.on('exit', () => {
      this.workers = this.workers.filter((w) => w !== self);
      for (const lane of [...pending.values()]) lane.fail(new Error('record worker exited'));
    });
    return self;
  }
}
