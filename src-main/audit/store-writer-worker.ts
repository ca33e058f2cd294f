import Database from 'better-sqlite3';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { BatchWriter, type WriteResult } from './batch-writer';
import type { PackedBatch } from './event-batch';
import { InvalidEventError } from './event-store';
import { configure } from './store-schema';
import { StringDictionary } from './string-dictionary';

/**
 * The event store's writer thread (background-writer.ts starts it): its own connection to the
 * store's file, writing the PackedBatches the ingest thread encoded in the order they arrive.
 * Batches that queued up while it wrote go into one transaction (up to GROUP_ROWS events): when
 * the writer falls behind its transactions grow, and larger ones cost less per row. After a failed
 * write it skips the batches already sent behind it (they would be stored out of order) until the
 * sender starts a new epoch with its retry.
 */
export interface WriterOptions {
  file: string;
  busyTimeoutMs: number;
}

export type WriterRequest = { type: 'write'; job: number; epoch: number; batch: PackedBatch } | { type: 'close' };

export interface WriterFailure {
  name: string;
  message: string;
  /** SQLite's error code (e.g. SQLITE_BUSY), when there is one. */
  code: string | undefined;
  /** InvalidEventError's path. */
  path: (string | number)[] | undefined;
}

export type WriterReply =
  | { type: 'ready' }
  | { type: 'done'; job: number; result: WriteResult }
  | { type: 'failed'; job: number; error: WriterFailure }
  | { type: 'skipped'; job: number };

if (!parentPort) throw new Error('store-writer-worker.ts runs only as a worker thread');
const port: MessagePort = parentPort;
const options = workerData as WriterOptions;
// The store's thread created and migrated the file; this connection only writes to it.
const db = new Database(options.file, { fileMustExist: true });
configure(db, options.busyTimeoutMs);
const writer = new BatchWriter(db, new StringDictionary(db));
/** Events per transaction at most: past ~20,000 a larger transaction saves little more. */
const GROUP_ROWS = 20_000;
let failedEpoch = -1;

port.on('message', (first: WriterRequest) => {
  const group: Extract<WriterRequest, { type: 'write' }>[] = [];
  let closing = false;
  let rows = 0;
  for (let msg: WriterRequest | undefined = first; msg; msg = rows < GROUP_ROWS ? (receiveMessageOnPort(port)?.message as WriterRequest | undefined) : undefined) {
    if (msg.type === 'close') {
      closing = true; // the sender sends nothing after close
      break;
    }
    if (msg.epoch <= failedEpoch) port.postMessage({ type: 'skipped', job: msg.job } satisfies WriterReply);
    else {
      group.push(msg);
      rows += msg.batch.count;
    }
  }
  if (group.length > 0) write(group);
  if (closing) {
    db.close();
    port.close();
  }
});
port.postMessage({ type: 'ready' } satisfies WriterReply);

function write(group: Extract<WriterRequest, { type: 'write' }>[]): void {
  try {
    const results = writer.write(group.map((m) => m.batch));
    group.forEach((m, i) => port.postMessage({ type: 'done', job: m.job, result: results[i] as WriteResult } satisfies WriterReply));
  } catch (err) {
    // All of the group was rolled back: the first batch failed, those after it were not written.
    failedEpoch = Math.max(...group.map((m) => m.epoch));
    const e = err instanceof Error ? err : new Error(String(err));
    const code = (e as { code?: unknown }).code;
    const error: WriterFailure = { name: e.name, message: e.message, code: typeof code === 'string' ? code : undefined, path: e instanceof InvalidEventError ? [...e.path] : undefined };
    port.postMessage({ type: 'failed', job: (group[0] as (typeof group)[number]).job, error } satisfies WriterReply);
    for (const m of group.slice(1)) port.postMessage({ type: 'skipped', job: m.job } satisfies WriterReply);
  }
}
