import type { KeyObject } from 'node:crypto';
import { needs } from '../common/needs';
import { RecordIntegrityError } from './envelope-errors';
import { openInto, sealInto } from './record-codec';
import { RECORD_OVERHEAD, recordIdBytes } from './record-format';
import { FAILED, LAYOUT_FIELDS, NonceReservoir, descriptorBytes, descriptorViews, stepFor, type LaneBatch } from './record-lane';

/**
 * The memory side of a record batch: where inputs and outputs live, how a batch is described to
 * its lanes (record-lane.ts), and the single-thread path. Shared by RecordCipherPool and nothing
 * else. The worker path runs while the workers wait between batches, so it makes one pass over
 * the records where it can.
 */

/** A record to seal. */
export interface PlainRecord {
  recordId: string;
  plaintext: Uint8Array;
}

/** A sealed record and the id it was sealed under. */
export interface SealedRecord {
  recordId: string;
  sealed: Uint8Array;
}

/** Sealing or opening. */
export type Direction = 'seal' | 'open';

/** A batch as the pool hands it on: ids and inputs in order, and the sum of the input lengths. */
export interface BatchInput {
  direction: Direction;
  ids: string[];
  inputs: Uint8Array[];
  bytes: number;
}

/** Output length of one record in each direction. */
export const outputLength = (direction: Direction, inputLength: number): number => (direction === 'seal' ? inputLength + RECORD_OVERHEAD : inputLength - RECORD_OVERHEAD);

/** Output length of a whole batch. */
export const outputTotal = (b: BatchInput): number => (b.direction === 'seal' ? b.bytes + b.inputs.length * RECORD_OVERHEAD : b.bytes - b.inputs.length * RECORD_OVERHEAD);

/**
 * Where a batch's output goes: the caller's buffer (`into`, reused across batches like a write
 * buffer), or a new one. A new buffer is not zero-filled — every byte of a sealed or opened record
 * is written before it is returned, and a failed open wipes the whole output.
 */
export function outputFor(total: number, into: Uint8Array | undefined, shared: boolean): Buffer {
  if (into) {
    needs(into.length >= total, 'An output buffer holds the whole batch.');
    return Buffer.from(into.buffer, into.byteOffset, into.length);
  }
  return shared ? Buffer.from(new SharedArrayBuffer(Math.max(1, total))) : Buffer.allocUnsafeSlow(total);
}

/** Views of each record's output in `out`, in order, from its start. */
export function outputViews(b: BatchInput, out: Buffer): Buffer[] {
  const views: Buffer[] = new Array(b.inputs.length);
  let at = 0;
  for (let i = 0; i < views.length; i++) {
    const length = outputLength(b.direction, (b.inputs[i] as Uint8Array).length);
    views[i] = out.subarray(at, at + length);
    at += length;
  }
  return views;
}

/**
 * Puts every input on one SharedArrayBuffer: in place when they already share one (`inPlace`:
 * offsets are the inputs' own), else one copy laid end to end, which the pool wipes afterwards.
 */
export function stage(b: BatchInput): { input: SharedArrayBuffer; inPlace: boolean } {
  const first = b.inputs[0]?.buffer;
  if (first instanceof SharedArrayBuffer && b.inputs.every((x) => x.buffer === first)) return { input: first, inPlace: true };
  const input = new SharedArrayBuffer(Math.max(1, b.bytes));
  const view = Buffer.from(input);
  let at = 0;
  // Buffer#fill is a plain memcpy; TypedArray#set into shared memory at odd offsets is not.
  for (const x of b.inputs) {
    if (x.length) view.fill(x, at, at + x.length);
    at += x.length;
  }
  return { input, inPlace: false };
}

/**
 * Describes a staged batch for its lanes (record-lane.ts) in one new descriptor: where each
 * record's input, output and id are, the prefix, and the ids as UTF-8 — encoded in one call on
 * their concatenation, as per-id writes cost more than the whole layout.
 */
export function describeBatch(b: BatchInput, staged: { input: SharedArrayBuffer; inPlace: boolean }, out: Buffer, prefix: Uint8Array | undefined): LaneBatch {
  const count = b.ids.length;
  const joined = b.ids.join('');
  const idBytes = Buffer.byteLength(joined, 'utf8');
  const descriptor = new SharedArrayBuffer(descriptorBytes(count, idBytes));
  const views = descriptorViews(descriptor, count);
  // All-ASCII (the usual case): UTF-16 and UTF-8 lengths agree, no id needs measuring.
  const ascii = idBytes === joined.length;
  Buffer.from(views.ids.buffer, views.ids.byteOffset, idBytes).write(joined, 0, 'utf8');
  if (prefix) Buffer.from(views.prefix.buffer, views.prefix.byteOffset, views.prefix.length).fill(prefix);
  const layout = views.layout;
  let inAt = 0;
  let outAt = out.byteOffset;
  let idAt = 0;
  for (let i = 0; i < count; i++) {
    const input = b.inputs[i] as Uint8Array;
    const idLength = ascii ? (b.ids[i] as string).length : Buffer.byteLength(b.ids[i] as string, 'utf8');
    const f = i * LAYOUT_FIELDS;
    layout[f] = staged.inPlace ? input.byteOffset : inAt;
    layout[f + 1] = input.length;
    layout[f + 2] = outAt;
    layout[f + 3] = idAt;
    layout[f + 4] = idLength;
    inAt += input.length;
    outAt += outputLength(b.direction, input.length);
    idAt += idLength;
  }
  views.control[FAILED] = -1;
  return { direction: b.direction, input: staged.input, output: out.buffer as SharedArrayBuffer, descriptor, count, step: stepFor(b.bytes / Math.max(1, count)) };
}

/**
 * The calling thread's nonces, drawn in bulk as the record workers draw theirs: a drill seals a
 * record or two at a time (its canaries), and a randomFillSync per batch cost more than their AES.
 */
const inlineNonces = new NonceReservoir();

/** Seals a batch on the calling thread. */
export function sealInline(key: KeyObject, prefix: Uint8Array, records: readonly PlainRecord[], into: Uint8Array | undefined): Uint8Array[] {
  const b: BatchInput = { direction: 'seal', ids: [], inputs: records.map((r) => r.plaintext), bytes: records.reduce((n, r) => n + r.plaintext.length, 0) };
  const out = outputFor(outputTotal(b), into, false);
  const views = outputViews(b, out);
  records.forEach((r, i) => sealInto(key, prefix, inlineNonces.take(), recordIdBytes(r.recordId), r.plaintext, out, (views[i] as Buffer).byteOffset - out.byteOffset));
  return views;
}

/** Opens a batch on the calling thread; the first record that fails authentication fails the batch and wipes its output. */
export function openInline(key: KeyObject, records: readonly SealedRecord[], into: Uint8Array | undefined): Uint8Array[] {
  const b: BatchInput = { direction: 'open', ids: [], inputs: records.map((r) => r.sealed), bytes: records.reduce((n, r) => n + r.sealed.length, 0) };
  const total = outputTotal(b);
  const out = outputFor(total, into, false);
  const views = outputViews(b, out);
  records.forEach((r, i) => {
    if (!openInto(key, r.sealed, recordIdBytes(r.recordId), out, (views[i] as Buffer).byteOffset - out.byteOffset)) {
      out.fill(0, 0, total);
      throw new RecordIntegrityError(r.recordId);
    }
  });
  return views;
}
