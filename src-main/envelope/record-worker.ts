import type { KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { NonceReservoir, runLane, type LaneBatch } from './record-lane';

/**
 * A record worker (record-cipher-pool.ts starts them): one lane of every batch it is sent
 * (record-lane.ts). Batches live in SharedArrayBuffers, so no record bytes are copied through
 * messages: one message per batch to each worker, one reply from the worker that completed it.
 * Keys arrive as KeyObjects (cloned into this thread by Node, never as raw bytes in a message) and
 * are dropped when the pool says the key was evicted.
 */
export type WorkerRequest =
  | { type: 'key'; handle: number; key: KeyObject }
  | { type: 'forget'; handle: number }
  | { type: 'batch'; job: number; handle: number; batch: LaneBatch };

/** What a worker answers: ready once, then done from the lane that completed a batch, or error. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; job: number } | { type: 'error'; job: number; message: string };

const port = parentPort;
if (!port) throw new Error('record-worker.ts runs only as a worker thread');
const keys = new Map<number, KeyObject>();
const nonces = new NonceReservoir();

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'key') {
    keys.set(msg.handle, msg.key);
    return;
  }
  if (msg.type === 'forget') {
    keys.delete(msg.handle);
    return;
  }
  try {
    const key = keys.get(msg.handle);
    if (!key) throw new Error(`record worker has no key ${msg.handle}`);
    if (runLane(key, msg.batch, nonces)) port.postMessage({ type: 'done', job: msg.job } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ type: 'error', job: msg.job, message: (err as Error).message } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);
