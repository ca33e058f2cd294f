import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeBatch, outputTotal, outputViews, stage, type BatchInput } from '../../src-main/envelope/record-batch';
import { RecordCipherPool } from '../../src-main/envelope/record-cipher-pool';
import { NONCE_LENGTH, recordPrefix } from '../../src-main/envelope/record-format';
import { DONE, FAILED, NEXT, NonceReservoir, descriptorViews, runLane, stepFor } from '../../src-main/envelope/record-lane';
import { SecretKey } from '../../src-main/envelope/secret-key';

/**
 * A lane (record-lane.ts) on the calling thread, with the other lanes of a batch simulated through
 * its shared counters: what a record worker does with each batch message.
 */
const inline = new RecordCipherPool({ threads: 0 });
const ref = { keyId: randomUUID(), version: 2 };

/** A described batch whose output starts filled with 0xaa, so untouched bytes show. */
function batchOf(direction: 'seal' | 'open', ids: string[], inputs: Uint8Array[]) {
  const b: BatchInput = { direction, ids, inputs, bytes: inputs.reduce((n, x) => n + x.length, 0) };
  const out = Buffer.from(new SharedArrayBuffer(outputTotal(b))).fill(0xaa);
  const batch = describeBatch(b, stage(b), out, direction === 'seal' ? recordPrefix(ref) : undefined);
  return { batch, out, views: outputViews(b, out), control: descriptorViews(batch.descriptor, batch.count).control };
}

const plain = (count: number, size: number) => Array.from({ length: count }, () => randomBytes(size));
const flip = (b: Buffer, at: number) => b.writeUInt8((b.readUInt8(at) ^ 1) & 0xff, at);
const ids = (count: number) => Array.from({ length: count }, (_, i) => `rec-${i}`);

describe('a lane of a record batch', () => {
  it('seals every record of a batch it has to itself, says it completed it, and the records open inline', async () => {
    const key = SecretKey.random('k');
    const inputs = plain(10, 3000);
    const { batch, views, control } = batchOf('seal', ids(10), inputs);
    expect(runLane(key.keyObject(), batch, new NonceReservoir())).toBe(true);
    expect(Atomics.load(control, DONE)).toBe(10);
    const opened = await inline.open(key, views.map((sealed, i) => ({ recordId: `rec-${i}`, sealed })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(inputs[i] as Buffer)).toBe(true));
  });

  it('takes only the records no other lane claimed, and leaves the others alone', () => {
    const key = SecretKey.random('k');
    const { batch, views, control } = batchOf('seal', ids(8), plain(8, 100));
    Atomics.store(control, NEXT, 3); // another lane claimed records 0-2 and is still at them
    expect(runLane(key.keyObject(), batch, new NonceReservoir())).toBe(false);
    expect(views.slice(0, 3).every((v) => v.every((x) => x === 0xaa))).toBe(true);
    expect(views.slice(3).every((v) => v.subarray(0, 3).toString('latin1') === 'KDR')).toBe(true);
    expect(Atomics.load(control, DONE)).toBe(5);
  });

  it('is the lane that completes the batch when the other lanes finished first', () => {
    const key = SecretKey.random('k');
    const { batch, control } = batchOf('seal', ids(8), plain(8, 100));
    Atomics.store(control, NEXT, 3);
    Atomics.store(control, DONE, 3); // the other lane already finished records 0-2
    expect(runLane(key.keyObject(), batch, new NonceReservoir())).toBe(true);
  });

  it('does nothing when it gets to a batch the other lanes already finished', () => {
    const key = SecretKey.random('k');
    const { batch, out, control } = batchOf('seal', ids(4), plain(4, 100));
    Atomics.store(control, NEXT, 4);
    Atomics.store(control, DONE, 4);
    expect(runLane(key.keyObject(), batch, new NonceReservoir())).toBe(false);
    expect(out.every((x) => x === 0xaa)).toBe(true);
  });

  it('refuses a forged record: names it, wipes its plaintext, opens nothing after it and still ends the batch', async () => {
    const key = SecretKey.random('k');
    const inputs = plain(12, 500);
    const sealed = await inline.seal(key, ref, inputs.map((plaintext, i) => ({ recordId: `rec-${i}`, plaintext })));
    const shared = RecordCipherPool.sharedBuffers(sealed.map((s) => s.length));
    shared.forEach((s, i) => s.set(sealed[i] as Uint8Array));
    flip(shared[5] as Buffer, 100);
    const { batch, views, control } = batchOf('open', ids(12), shared);
    expect(runLane(key.keyObject(), batch, new NonceReservoir())).toBe(true);
    expect(Atomics.load(control, FAILED)).toBe(5);
    expect(Atomics.load(control, DONE)).toBe(12);
    expect(views[4]?.equals(inputs[4] as Buffer)).toBe(true);
    expect(views[5]?.every((x) => x === 0)).toBe(true);
    expect(views.slice(6).every((v) => v.every((x) => x === 0xaa))).toBe(true);
  });

  it('keeps the lowest failed index when two lanes each find a forged record', async () => {
    const key = SecretKey.random('k');
    const sealed = await inline.seal(key, ref, plain(6, 200).map((plaintext, i) => ({ recordId: `rec-${i}`, plaintext })));
    const shared = RecordCipherPool.sharedBuffers(sealed.map((s) => s.length));
    shared.forEach((s, i) => s.set(sealed[i] as Uint8Array));
    flip(shared[4] as Buffer, 60);
    const { batch, control } = batchOf('open', ids(6), shared);
    Atomics.store(control, FAILED, 2); // another lane already failed record 2
    Atomics.store(control, NEXT, 4);
    runLane(key.keyObject(), batch, new NonceReservoir());
    expect(Atomics.load(control, FAILED)).toBe(2);
  });

  it('binds non-ASCII record ids as their UTF-8 bytes, as the calling thread does', async () => {
    const key = SecretKey.random('k');
    const names = ['ünïcødé-1', '記録-2', 'plain-3', '🔑-4'];
    const inputs = plain(4, 64);
    const { batch, views } = batchOf('seal', names, inputs);
    runLane(key.keyObject(), batch, new NonceReservoir());
    const opened = await inline.open(key, views.map((sealed, i) => ({ recordId: names[i] as string, sealed })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(inputs[i] as Buffer)).toBe(true));
    await expect(inline.open(key, [{ recordId: names[1] as string, sealed: views[0] as Buffer }])).rejects.toThrow();
  });

  it('hands out every nonce once, across refills of its random block', () => {
    const nonces = new NonceReservoir();
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const n = nonces.take();
      expect(n.length).toBe(NONCE_LENGTH);
      seen.add(Buffer.from(n).toString('hex'));
    }
    expect(seen.size).toBe(3000);
  });

  it('claims large records one at a time and small ones a few at a time', () => {
    expect(stepFor(16 * 1024)).toBe(1);
    expect(stepFor(1024 * 1024)).toBe(1);
    expect(stepFor(64)).toBeGreaterThan(4);
  });
});
