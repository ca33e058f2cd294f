import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { needs } from '../common/needs';
import { RecordIntegrityError } from './envelope-errors';
import { silentLogger, type Logger } from './envelope-events';
import { chunks, offsetsOf, openInline, outputFor, outputLength, sealInline, stage, type Direction, type PlainRecord, type SealedRecord } from './record-batch';
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

interface PoolWorker {
  worker: Worker;
  ready: Promise<void>;
  keys: Set<number>;
  pending: Map<number, { resolve: (failed: number) => void; reject: (err: Error) => void }>;
}

/** A key as a batch holds it: the handle workers know it by, and the KeyObject taken at the start. */
interface KeyLease {
  key: SecretKey;
  handle: number;
  object: KeyObject;
}

/**
 * Bulk record crypto on worker threads. One Node thread reaches only ~0.37× OpenSSL's single-core
 * AES-GCM rate with a cipher per record (STACK.md), so batches are split across workers that read
 * and write SharedArrayBuffers in place: inputs already on a SharedArrayBuffer (for example the
 * output of an earlier `seal`) are not copied at all, other inputs are copied once. Results are
 * views into one SharedArrayBuffer per batch. Small batches run on the calling thread.
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
    for (const r of records) checkRecordId(r.recordId);
    if (this.useWorkers(records.map((r) => r.plaintext.length), options.into)) {
      const sealed = await this.dispatch('seal', lease, prefix, records.map((r) => ({ recordId: r.recordId, bytes: r.plaintext })), options.into);
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
    for (const r of records) {
      needs(r.sealed.length >= RECORD_OVERHEAD, 'A record is opened only after its header was read.');
      checkRecordId(r.recordId);
    }
    if (this.useWorkers(records.map((r) => r.sealed.length), options.into)) {
      const opened = await this.dispatch('open', lease, undefined, records.map((r) => ({ recordId: r.recordId, bytes: r.sealed })), options.into);
      if (opened) return opened;
    }
    return openInline(lease.object, records, options.into);
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

  private useWorkers(lengths: readonly number[], into: Uint8Array | undefined): boolean {
    if (this.threads === 0 || this.workersFailed || this.closed || lengths.length < 2) return false;
    if (into && !(into.buffer instanceof SharedArrayBuffer)) return false;
    // ~3 µs fixed per record plus ~0.5 ns per byte on one thread (STACK.md, measured here).
    return lengths.length * 3 + lengths.reduce((n, l) => n + l, 0) / 2000 >= this.inlineBelowMicros;
  }

  /**
   * Runs a batch on the workers: chunks of ~1 MiB handed out as workers finish, two in flight per
   * worker so none waits for a message. Undefined when the workers cannot start (caller goes inline).
   */
  private async dispatch(direction: Direction, key: KeyLease, prefix: Uint8Array | undefined, items: { recordId: string; bytes: Uint8Array }[], into: Uint8Array | undefined): Promise<Uint8Array[] | undefined> {
    const workers = this.ensureWorkers();
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch {
      return undefined;
    }
    if (workers.length === 0 || this.workersFailed) return undefined;
    const { input, offsets, staged } = stage(items.map((i) => i.bytes));
    const lengths = items.map((i) => outputLength(direction, i.bytes.length));
    const out = outputFor(lengths, into, true);
    const outOffsets = offsetsOf(lengths, out.byteOffset);
    // Where each record's input, output and id are, in shared memory the workers read once.
    const layout = new Float64Array(new SharedArrayBuffer(Math.max(1, items.length) * 5 * 8));
    const ids = Buffer.from(new SharedArrayBuffer(Math.max(1, items.reduce((n, i) => n + Buffer.byteLength(i.recordId, 'utf8'), 0))));
    let idAt = 0;
    items.forEach((item, i) => {
      const idLength = ids.write(item.recordId, idAt, 'utf8');
      layout[i * 5] = offsets[i] as number;
      layout[i * 5 + 1] = item.bytes.length;
      layout[i * 5 + 2] = outOffsets[i] as number;
      layout[i * 5 + 3] = idAt;
      layout[i * 5 + 4] = idLength;
      idAt += idLength;
    });
    const total = lengths.reduce((n, l) => n + l, 0);
    const queue = chunks(items.map((i) => i.bytes.length), Math.max(256 * 1024, Math.min(1024 * 1024, total / (workers.length * 4))));
    let next = 0;
    let failed = -1;
    const lane = async (w: PoolWorker): Promise<void> => {
      while (next < queue.length && failed < 0) {
        const [from, to] = queue[next++] as [number, number];
        const request = { type: direction, job: 0, handle: key.handle, prefix, input, output: out.buffer as SharedArrayBuffer, layout: layout.buffer as SharedArrayBuffer, ids: ids.buffer as SharedArrayBuffer, from, to };
        const f = await this.run(w, key, request);
        if (f >= 0 && failed < 0) failed = f;
      }
    };
    try {
      await Promise.all(workers.flatMap((w) => [lane(w), lane(w)]));
      if (failed >= 0) {
        out.fill(0, outOffsets[0] ?? 0, (outOffsets[0] ?? 0) + total);
        throw new RecordIntegrityError(items[failed]?.recordId as string);
      }
    } finally {
      // Evicted while this batch ran: the workers were given it again, so take it back.
      if (key.key.destroyed) this.forget(key.key);
      // A staged copy of plaintexts is ours to wipe; sealed inputs carry nothing secret.
      if (staged && direction === 'seal') new Uint8Array(input).fill(0);
    }
    return lengths.map((length, i) => {
      const at = (outOffsets[i] as number) - out.byteOffset;
      return out.subarray(at, at + length);
    });
  }

  private run(w: PoolWorker, key: KeyLease, request: Extract<WorkerRequest, { job: number }>): Promise<number> {
    if (!w.keys.has(key.handle)) {
      w.worker.postMessage({ type: 'key', handle: key.handle, key: key.object } satisfies WorkerRequest);
      w.keys.add(key.handle);
    }
    const job = this.nextJob++;
    return new Promise<number>((resolve, reject) => {
      w.pending.set(job, { resolve, reject });
      w.worker.ref();
      w.worker.postMessage({ ...request, job });
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
    const worker = new Worker(entry.source, { eval: entry.eval });
    worker.unref();
    const pending: PoolWorker['pending'] = new Map();
    let markReady: () => void = () => undefined;
    let failStart: (err: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failStart = reject;
    });
    ready.catch(() => undefined);
    const self: PoolWorker = { worker, ready, keys: new Set(), pending };
    let started = false;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        started = true;
        return markReady();
      }
      const job = pending.get(reply.job);
      pending.delete(reply.job);
      if (pending.size === 0) worker.unref();
      if (reply.type === 'done') job?.resolve(reply.failed);
      else job?.reject(new Error(`record worker failed: ${reply.message}`));
    });
    worker.on('error', (err) => {
      // A worker that cannot start (e.g. a bundle without record-worker.js) leaves the pool inline;
      // one that dies later is replaced on the next batch.
      if (!started) {
        this.workersFailed = true;
        this.logger.warn('record workers cannot start; bulk record crypto runs on the calling thread', { error: err.message });
      } else {
        this.logger.error('a record worker failed', { error: err.message });
      }
      failStart(err);
      for (const job of pending.values()) job.reject(err);
      pending.clear();
    });
    worker.on('exit', () => {
      this.workers = this.workers.filter((w) => w !== self);
      for (const job of pending.values()) job.reject(new Error('record worker exited'));
      pending.clear();
    });
    return self;
  }
}
