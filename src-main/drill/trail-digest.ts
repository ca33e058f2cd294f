import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { workerEntry } from '../common/worker-entry';
import { canonicalJson } from './canonical-json';
import type { DigestReply, DigestRequest } from './trail-digest-worker';

/**
 * The run's event-set digest: SHA-256 over its CloudTrail records as canonical JSON lines, in the
 * order they were made (what `keydrill verify` and an auditor recompute from the export).
 *
 * Writing a record's canonical JSON and hashing it costs the drill's thread about 28 µs a record
 * (timed in a 300-tenant drill), once for each of a fleet's 150,000 records. So a large drill hands
 * the work to a thread of its own (`OffThreadDigest`; measured, 1.4–3.4 % off a 1,000-tenant drill's
 * wall time on Node 24 and Node 20). The drill's thread only writes each record as plain JSON, and
 * the digest thread parses it and hashes its canonical form.
 * The canonical JSON of the parsed record is the canonical JSON of the record, since the plain JSON
 * already holds everything canonical JSON writes (test). A small drill hashes on its own thread
 * (`InlineDigest`): starting a thread would cost it more than it saves.
 */
export interface TrailDigest {
  /** The next record of the run; it is read now and may change afterwards. */
  add(record: CloudTrailRecord): void;
  /** The digest of every record added so far (hex). */
  digest(): Promise<string>;
  close(): Promise<void>;
}

/** From about this many records (the drill's estimate), the digest is worked out on its own thread. */
export const OFF_THREAD_FROM_RECORDS = 5_000;

export function trailDigestFor(expectedRecords: number): TrailDigest {
  return expectedRecords >= OFF_THREAD_FROM_RECORDS ? new OffThreadDigest() : new InlineDigest();
}

export class InlineDigest implements TrailDigest {
  private readonly hash = createHash('sha256');

  add(record: CloudTrailRecord): void {
    this.hash.update(`${canonicalJson(record)}\n`);
  }

  /** A record's plain JSON line, as OffThreadDigest's thread hashes it (the fallback when that thread cannot start). */
  addLine(line: string): void {
    this.hash.update(`${canonicalJson(JSON.parse(line))}\n`);
  }

  digest(): Promise<string> {
    return Promise.resolve(this.hex());
  }

  hex(): string {
    return this.hash.copy().digest('hex');
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Lines per message to the digest thread: one message per few hundred records, not per record. */
const LINES_PER_MESSAGE = 256;

/**
 * Hashes on a worker thread (trail-digest-worker.ts). Records travel as their plain JSON, a few
 * hundred lines to a message. Until the thread says it is ready, the lines sent are also kept here:
 * a thread that cannot start (a bundle without its trail-digest.js) is replaced by hashing them here,
 * and the digest is the same. A thread that dies after it started takes the hash state with it: the
 * digest then rejects with that reason rather than name a digest of fewer records.
 */
export class OffThreadDigest implements TrailDigest {
  private lines: string[] = [];
  private worker: Worker | undefined;
  /** Lines sent before the thread was ready, kept for the fallback. */
  private unconfirmed: string[] | undefined = [];
  private fallback: InlineDigest | undefined;
  private failure: Error | undefined;
  /** Digests asked for and not yet answered, with the number of records each covers. */
  private readonly waiting = new Map<number, { records: number; resolve: (hex: string) => void; reject: (err: Error) => void }>();
  /** Records added so far. */
  private added = 0;
  private nextRequest = 1;
  private closed = false;

  constructor(entry = workerEntry(import.meta.url, 'trail-digest.js', 'trail-digest-worker.ts')) {
    try {
      // It keeps nothing but the hash state: a small young generation keeps its garbage from adding to the drill's peak memory.
      this.worker = new Worker(entry.source, { eval: entry.eval, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    } catch (err) {
      this.giveUp(err as Error);
      return;
    }
    this.worker.unref();
    this.worker.on('message', (reply: DigestReply) => this.settle(reply));
    this.worker.on('error', (err) => this.giveUp(err));
    this.worker.on('exit', () => this.giveUp(new Error('the digest thread exited')));
  }

  add(record: CloudTrailRecord): void {
    this.added++;
    // A thread lost after it started: no digest will be named, so nothing more is kept for one.
    if (this.failure) return;
    const line = JSON.stringify(record);
    if (this.fallback) this.fallback.addLine(line);
    else if (this.lines.push(line) >= LINES_PER_MESSAGE) this.send();
  }

  digest(): Promise<string> {
    if (this.fallback) return this.fallback.digest();
    if (this.failure) return Promise.reject(this.failure);
    this.send();
    const id = this.nextRequest++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { records: this.added, resolve, reject });
      // A digest asked for keeps the process alive until it comes.
      this.worker?.ref();
      this.worker?.postMessage({ type: 'digest', id } satisfies DigestRequest);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private send(): void {
    if (this.lines.length === 0 || !this.worker) return;
    const batch = this.lines;
    this.lines = [];
    this.unconfirmed?.push(...batch);
    // JSON text holds no raw line break: one string, split again on the other side.
    this.worker.postMessage({ type: 'lines', text: batch.join('\n') } satisfies DigestRequest);
  }

  private settle(reply: DigestReply): void {
    if (reply.type === 'ready') {
      this.unconfirmed = undefined;
      return;
    }
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (this.waiting.size === 0) this.worker?.unref();
    if (reply.type === 'digest') waiter?.resolve(reply.hex);
    else waiter?.reject(new Error(`the run's event-set digest could not be worked out: ${reply.message}`));
  }

  /** The thread failed: before it was ready, hash here what it was sent; after, no digest can be named. */
  private giveUp(err: Error): void {
    if (this.closed || this.fallback || this.failure) return;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    if (this.unconfirmed) {
      // Every line so far, sent or not, in order; each digest asked for is answered once its records are in.
      const fallback = new InlineDigest();
      const lines = [...this.unconfirmed, ...this.lines.splice(0)];
      this.unconfirmed = undefined;
      const waiters = [...this.waiting.values()].sort((x, y) => x.records - y.records);
      this.waiting.clear();
      let hashed = 0;
      for (const waiter of waiters) {
        for (; hashed < waiter.records; hashed++) fallback.addLine(lines[hashed] as string);
        waiter.resolve(fallback.hex());
      }
      for (; hashed < lines.length; hashed++) fallback.addLine(lines[hashed] as string);
      this.fallback = fallback;
      return;
    }
    this.failure = new Error(`the run's event-set digest could not be worked out: its thread failed (${err.message})`);
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
