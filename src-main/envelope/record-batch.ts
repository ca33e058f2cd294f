import { randomFillSync, type KeyObject } from 'node:crypto';
import { needs } from '../common/needs';
import { RecordIntegrityError } from './envelope-errors';
import { openInto, sealInto } from './record-codec';
import { NONCE_LENGTH, RECORD_OVERHEAD, recordIdBytes } from './record-format';

/**
 * The memory side of a record batch: where inputs and outputs live, how a batch is cut into chunks
 * for the workers, and the single-thread path. Shared by RecordCipherPool and nothing else.
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

/** Output length of one record in each direction. */
export const outputLength = (direction: Direction, inputLength: number): number => (direction === 'seal' ? inputLength + RECORD_OVERHEAD : inputLength - RECORD_OVERHEAD);

/**
 * Where a batch's output goes: the caller's buffer (`into`, reused across batches like a write
 * buffer), or a new one. A new buffer is not zero-filled — every byte of a sealed or opened record
 * is written before it is returned, and a failed open wipes the whole output.
 */
export function outputFor(lengths: readonly number[], into: Uint8Array | undefined, shared: boolean): Buffer {
  const total = lengths.reduce((n, l) => n + l, 0);
  if (into) {
    needs(into.length >= total, 'An output buffer holds the whole batch.');
    return Buffer.from(into.buffer, into.byteOffset, into.length);
  }
  return shared ? Buffer.from(new SharedArrayBuffer(Math.max(1, total))) : Buffer.allocUnsafeSlow(total);
}

/** Offsets of consecutive records of `lengths` from `base`. */
export function offsetsOf(lengths: readonly number[], base: number): number[] {
  const offsets: number[] = [];
  let at = base;
  for (const length of lengths) {
    offsets.push(at);
    at += length;
  }
  return offsets;
}

/** Puts every input on one SharedArrayBuffer: in place when they already share one, else one copy. */
export function stage(inputs: readonly Uint8Array[]): { input: SharedArrayBuffer; offsets: number[]; staged: boolean } {
  const first = inputs[0]?.buffer;
  if (first instanceof SharedArrayBuffer && inputs.every((b) => b.buffer === first)) {
    return { input: first, offsets: inputs.map((b) => b.byteOffset), staged: false };
  }
  const lengths = inputs.map((b) => b.length);
  const input = new SharedArrayBuffer(Math.max(1, lengths.reduce((n, l) => n + l, 0)));
  const view = Buffer.from(input);
  const offsets = offsetsOf(lengths, 0);
  // Buffer#fill is a plain memcpy; TypedArray#set into shared memory at odd offsets is not.
  inputs.forEach((b, i) => b.length && view.fill(b, offsets[i], (offsets[i] as number) + b.length));
  return { input, offsets, staged: true };
}

/**
 * Cuts a batch into contiguous chunks of about `target` bytes (a record costs ~4 KiB extra for its
 * fixed per-record work). Many chunks rather than one per worker: a worker whose core is taken by
 * something else falls behind and the others take more chunks.
 */
export function chunks(lengths: readonly number[], target: number): [number, number][] {
  const out: [number, number][] = [];
  let from = 0;
  let weight = 0;
  lengths.forEach((length, i) => {
    weight += length + 4096;
    if (weight >= target) {
      out.push([from, i + 1]);
      from = i + 1;
      weight = 0;
    }
  });
  if (from < lengths.length) out.push([from, lengths.length]);
  return out;
}

/** Seals a batch on the calling thread. */
export function sealInline(key: KeyObject, prefix: Uint8Array, records: readonly PlainRecord[], into: Uint8Array | undefined): Uint8Array[] {
  const lengths = records.map((r) => outputLength('seal', r.plaintext.length));
  const out = outputFor(lengths, into, false);
  const nonces = randomFillSync(Buffer.alloc(records.length * NONCE_LENGTH));
  const offsets = offsetsOf(lengths, 0);
  return records.map((r, i) => {
    const at = offsets[i] as number;
    sealInto(key, prefix, nonces.subarray(i * NONCE_LENGTH, (i + 1) * NONCE_LENGTH), recordIdBytes(r.recordId), r.plaintext, out, at);
    return out.subarray(at, at + (lengths[i] as number));
  });
}

/** Opens a batch on the calling thread; the first record that fails authentication fails the batch and wipes its output. */
export function openInline(key: KeyObject, records: readonly SealedRecord[], into: Uint8Array | undefined): Uint8Array[] {
  const lengths = records.map((r) => outputLength('open', r.sealed.length));
  const out = outputFor(lengths, into, false);
  const offsets = offsetsOf(lengths, 0);
  return records.map((r, i) => {
    const at = offsets[i] as number;
    if (!openInto(key, r.sealed, recordIdBytes(r.recordId), out, at)) {
      out.fill(0, 0, (offsets.at(-1) ?? 0) + (lengths.at(-1) ?? 0));
      throw new RecordIntegrityError(r.recordId);
    }
    return out.subarray(at, at + (lengths[i] as number));
  });
}
