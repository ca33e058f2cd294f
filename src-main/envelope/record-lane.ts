import { randomFillSync, type KeyObject } from 'node:crypto';
import { openInto, sealInto } from './record-codec';
import { NONCE_LENGTH, NONCE_OFFSET } from './record-format';

/**
 * One lane of a batch: a record worker claiming records from a counter in shared memory and
 * sealing or opening them in place. Every worker gets the whole batch in one message; claiming
 * record by record keeps the lanes within one record of each other at the end however the cores
 * are shared (a worker that stalls in GC or loses its core just claims fewer), with no message per
 * chunk. Only node:crypto, the codec and the format constants are imported: workers load this file.
 */

/** Int32 words at the start of a batch descriptor. */
export const NEXT = 0; // next unclaimed record
export const DONE = 1; // records finished, or given up once a record failed to open
export const FAILED = 2; // lowest index of a record that failed authentication, or -1
const CONTROL_BYTES = 16;

/** Float64 fields per record: input offset, input length, output offset, id offset, id length. */
export const LAYOUT_FIELDS = 5;

/**
 * A batch as its lanes see it. Input and output are the caller's shared buffers; everything else
 * is in one `descriptor` (one allocation and one shared buffer to pass per batch): the control
 * words, the layout, the record prefix (seal) and the record ids as UTF-8.
 */
export interface LaneBatch {
  direction: 'seal' | 'open';
  input: SharedArrayBuffer;
  output: SharedArrayBuffer;
  descriptor: SharedArrayBuffer;
  count: number;
  /** Records per claim: 1 for large records, a few for small ones so the counter is not contended. */
  step: number;
}

/** Views of the parts of a descriptor of `count` records (the ids run to its end). */
export function descriptorViews(descriptor: SharedArrayBuffer, count: number): { control: Int32Array; layout: Float64Array; prefix: Uint8Array; ids: Uint8Array } {
  const prefixAt = CONTROL_BYTES + count * LAYOUT_FIELDS * 8;
  return {
    control: new Int32Array(descriptor, 0, CONTROL_BYTES / 4),
    layout: new Float64Array(descriptor, CONTROL_BYTES, count * LAYOUT_FIELDS),
    prefix: new Uint8Array(descriptor, prefixAt, NONCE_OFFSET),
    ids: new Uint8Array(descriptor, prefixAt + NONCE_OFFSET),
  };
}

/** Bytes of a descriptor for `count` records whose ids take `idBytes`. */
export const descriptorBytes = (count: number, idBytes: number): number => CONTROL_BYTES + count * LAYOUT_FIELDS * 8 + NONCE_OFFSET + idBytes;

/** Records per claim for records of `averageLength` bytes (a record's fixed cost is worth ~4 KiB). */
export const stepFor = (averageLength: number): number => Math.max(1, Math.floor((32 * 1024) / (averageLength + 4096)));

/**
 * Random nonces drawn in bulk: one randomFillSync per 1024 records, as a per-record call costs more
 * than the AES of a small record. Each nonce is handed out once: the offset only moves forward
 * until the whole block has been used and is refilled with fresh random bytes.
 */
export class NonceReservoir {
  readonly bytes = Buffer.alloc(NONCE_LENGTH * 1024);
  private at = this.bytes.length;

  /** A view of a nonce nobody else got; copy it before the next take(). */
  take(): Uint8Array {
    if (this.at === this.bytes.length) {
      randomFillSync(this.bytes);
      this.at = 0;
    }
    this.at += NONCE_LENGTH;
    return this.bytes.subarray(this.at - NONCE_LENGTH, this.at);
  }
}

/**
 * Claims and processes records of `batch` until none are left or one failed to open. True when
 * this lane completed the batch (its records were the last to be done): only that lane tells the
 * pool, so the pool's thread is woken once per batch, not once per lane.
 */
export function runLane(key: KeyObject, batch: LaneBatch, nonces: NonceReservoir): boolean {
  const { control, layout, prefix: shared, ids } = descriptorViews(batch.descriptor, batch.count);
  const prefix = batch.direction === 'seal' ? Buffer.from(shared) : undefined;
  const input = new Uint8Array(batch.input);
  const output = Buffer.from(batch.output);
  const { count, step } = batch;
  for (;;) {
    const from = Atomics.add(control, NEXT, step);
    if (from >= count) return false;
    const to = Math.min(count, from + step);
    let i = from;
    for (; i < to; i++) {
      const f = i * LAYOUT_FIELDS;
      const at = layout[f] as number;
      const record = input.subarray(at, at + (layout[f + 1] as number));
      const idAt = layout[f + 3] as number;
      const id = ids.subarray(idAt, idAt + (layout[f + 4] as number));
      if (prefix) {
        sealInto(key, prefix, nonces.take(), id, record, output, layout[f + 2] as number);
      } else if (!openInto(key, record, id, output, layout[f + 2] as number)) {
        giveUp(control, i, count);
        break;
      } else if (Atomics.load(control, FAILED) >= 0) {
        // Another lane found a forged record: the batch fails, no need to open the rest.
        i++;
        break;
      }
    }
    if (Atomics.add(control, DONE, to - from) + to - from === count) return true;
    if (i < to) return false;
  }
}

/**
 * Records the failed index (the lowest wins) and takes every unclaimed record as done, so the
 * batch ends (with the failing lane's own claim, added after this: that lane may be the last).
 */
function giveUp(control: Int32Array, index: number, count: number): void {
  for (let seen = Atomics.load(control, FAILED); seen < 0 || index < seen; seen = Atomics.load(control, FAILED)) {
    if (Atomics.compareExchange(control, FAILED, seen, index) === seen) break;
  }
  const unclaimed = Atomics.exchange(control, NEXT, count);
  if (unclaimed < count) Atomics.add(control, DONE, count - unclaimed);
}
