import { randomFillSync, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { openInto, sealInto } from './record-codec';
import { NONCE_LENGTH } from './record-format';

/**
 * A record worker (record-cipher-pool.ts starts them): seals and opens slices of record batches
 * that live in SharedArrayBuffers, so no record bytes are copied through messages. Keys arrive as
 * KeyObjects (cloned into this thread by Node, never as raw bytes in a message) and are dropped
 * when the pool says the key was evicted.
 */
export type WorkerRequest =
  | { type: 'key'; handle: number; key: KeyObject }
  | { type: 'forget'; handle: number }
  | {
      type: 'seal' | 'open';
      job: number;
      handle: number;
      /** seal: the 24-byte record prefix (magic, version, key reference). */
      prefix: Uint8Array | undefined;
      input: SharedArrayBuffer;
      output: SharedArrayBuffer;
      /** Float64 quintuples per record of the whole batch: input offset, input length, output offset, id offset, id length. */
      layout: SharedArrayBuffer;
      /** The record ids of the whole batch, UTF-8, one after another. */
      ids: SharedArrayBuffer;
      /** This chunk: records from..to-1 of the batch. */
      from: number;
      to: number;
    };

/** What a worker answers: ready once, then per chunk done (with the failing record, or -1) or error. */
export type WorkerReply = { type: 'ready' } | { type: 'done'; job: number; failed: number } | { type: 'error'; job: number; message: string };

const port = parentPort;
if (!port) throw new Error('record-worker.ts runs only as a worker thread');
const keys = new Map<number, KeyObject>();

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
    port.postMessage({ type: 'done', job: msg.job, failed: msg.type === 'seal' ? seal(key, msg) : open(key, msg) } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ type: 'error', job: msg.job, message: (err as Error).message } satisfies WorkerReply);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerReply);

type Chunk = Extract<WorkerRequest, { type: 'seal' | 'open' }>;

/** Fields per record in the batch layout. */
const L = 5;

/** Record `i`'s input and output views and its id, from the batch layout. */
function recordAt(layout: Float64Array, ids: Uint8Array, input: Uint8Array, i: number): { input: Uint8Array; out: number; id: Uint8Array } {
  const at = layout[i * L] as number;
  const id = layout[i * L + 3] as number;
  return { input: input.subarray(at, at + (layout[i * L + 1] as number)), out: layout[i * L + 2] as number, id: ids.subarray(id, id + (layout[i * L + 4] as number)) };
}

function seal(key: KeyObject, msg: Chunk): number {
  const input = new Uint8Array(msg.input);
  const output = Buffer.from(msg.output);
  const layout = new Float64Array(msg.layout);
  const ids = new Uint8Array(msg.ids);
  // One call for all nonces of the chunk: per-record randomFillSync costs more than the AES of a small record.
  const nonces = randomFillSync(Buffer.alloc((msg.to - msg.from) * NONCE_LENGTH));
  for (let i = msg.from; i < msg.to; i++) {
    const r = recordAt(layout, ids, input, i);
    const n = (i - msg.from) * NONCE_LENGTH;
    sealInto(key, msg.prefix as Uint8Array, nonces.subarray(n, n + NONCE_LENGTH), r.id, r.input, output, r.out);
  }
  return -1;
}

/** Returns the batch index of the first record that failed authentication, or -1. */
function open(key: KeyObject, msg: Chunk): number {
  const input = new Uint8Array(msg.input);
  const output = Buffer.from(msg.output);
  const layout = new Float64Array(msg.layout);
  const ids = new Uint8Array(msg.ids);
  for (let i = msg.from; i < msg.to; i++) {
    const r = recordAt(layout, ids, input, i);
    if (!openInto(key, r.input, r.id, output, r.out)) return i;
  }
  return -1;
}
