import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordIntegrityError } from '../../src-main/envelope/envelope-errors';
import { RecordCipherPool } from '../../src-main/envelope/record-cipher-pool';
import { readKeyRef } from '../../src-main/envelope/record-format';
import { SecretKey } from '../../src-main/envelope/secret-key';

/** The worker-thread pool seals and opens exactly what the calling thread would. */
const pool = new RecordCipherPool({ threads: 2, inlineBelowMicros: 0 });
const inline = new RecordCipherPool({ threads: 0 });
const ref = { keyId: randomUUID(), version: 3 };

afterAll(async () => {
  await pool.close();
});

const batch = (count: number, size: (i: number) => number) => Array.from({ length: count }, (_, i) => ({ recordId: `rec-${i}`, plaintext: randomBytes(size(i)) }));

/** A copy with byte `at` flipped: never set to a value it may already hold (a fill() left 1 record in 256 untouched, and the test flaky). */
function flipped(sealed: Uint8Array, at: number): Buffer {
  const copy = Buffer.from(sealed);
  copy[at] = (copy[at] as number) ^ 0xff;
  return copy;
}

describe('bulk record crypto on worker threads', () => {
  it('seals a batch on the workers that the calling thread opens, and the other way round', async () => {
    const key = SecretKey.random('k');
    const records = batch(300, (i) => (i * 977) % 40_000);
    const sealedByWorkers = await pool.seal(key, ref, records);
    expect(sealedByWorkers.every((s) => s.buffer instanceof SharedArrayBuffer)).toBe(true);
    const openedInline = await inline.open(key, sealedByWorkers.map((sealed, i) => ({ recordId: `rec-${i}`, sealed })));
    openedInline.forEach((o, i) => expect(Buffer.from(o).equals(records[i]?.plaintext as Buffer)).toBe(true));

    const sealedInline = await inline.seal(key, ref, records);
    const openedByWorkers = await pool.open(key, sealedInline.map((sealed, i) => ({ recordId: `rec-${i}`, sealed })));
    openedByWorkers.forEach((o, i) => expect(Buffer.from(o).equals(records[i]?.plaintext as Buffer)).toBe(true));
    expect(readKeyRef(sealedByWorkers[5] as Uint8Array, 'rec-5')).toEqual(ref);
  });

  it('opens a sealed batch in place, without copying it, when it already lives in shared memory', async () => {
    const key = SecretKey.random('k');
    const records = batch(64, () => 16 * 1024);
    const sealed = await pool.seal(key, ref, records);
    expect(new Set(sealed.map((s) => s.buffer)).size).toBe(1);
    const opened = await pool.open(key, sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: s })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(records[i]?.plaintext as Buffer)).toBe(true));
    expect(opened[0]?.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('writes into a reused output buffer when given one, and returns views of it', async () => {
    const key = SecretKey.random('k');
    const records = batch(40, () => 10_000);
    const into = new Uint8Array(new SharedArrayBuffer(40 * (10_000 + 52)));
    const sealed = await pool.seal(key, ref, records, { into });
    expect(sealed.every((s) => s.buffer === into.buffer)).toBe(true);
    const opened = await pool.open(key, sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: s })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(records[i]?.plaintext as Buffer)).toBe(true));
  });

  it('fails the whole batch when one record was altered, and names that record', async () => {
    const key = SecretKey.random('k');
    const sealed = await pool.seal(key, ref, batch(50, () => 2000));
    const altered = sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: i === 37 ? flipped(s, 100) : s }));
    await expect(pool.open(key, altered)).rejects.toEqual(new RecordIntegrityError('rec-37'));
  });

  it('runs batches handed in at the same time, each whole, whichever worker takes which record', async () => {
    const key = SecretKey.random('k');
    const batches = [batch(40, () => 16 * 1024), batch(300, (i) => i % 90), batch(7, (i) => 100_000 + i), batch(64, () => 1024)];
    const sealed = await Promise.all(batches.map((b) => pool.seal(key, ref, b)));
    const opened = await Promise.all(sealed.map((s) => pool.open(key, s.map((x, i) => ({ recordId: `rec-${i}`, sealed: x })))));
    opened.forEach((o, b) => o.forEach((x, i) => expect(Buffer.from(x).equals(batches[b]?.[i]?.plaintext as Buffer)).toBe(true)));
  });

  it('binds non-ASCII record ids on the workers exactly as the calling thread does', async () => {
    const key = SecretKey.random('k');
    const records = batch(30, () => 3000).map((r, i) => ({ ...r, recordId: `zählung-${i}-記録${'é'.repeat(i % 4)}` }));
    const sealed = await pool.seal(key, ref, records);
    const opened = await inline.open(key, sealed.map((s, i) => ({ recordId: records[i]?.recordId as string, sealed: s })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(records[i]?.plaintext as Buffer)).toBe(true));
    const back = await pool.open(key, sealed.map((s, i) => ({ recordId: records[i]?.recordId as string, sealed: s })));
    expect(Buffer.from(back[29] as Uint8Array).equals(records[29]?.plaintext as Buffer)).toBe(true);
  });

  it('wipes exactly its own part of a reused output buffer when a record was forged', async () => {
    const key = SecretKey.random('k');
    const records = batch(20, () => 4000);
    const sealed = await pool.seal(key, ref, records);
    const arena = Buffer.from(new SharedArrayBuffer(100 + 20 * 4000 + 100)).fill(7);
    const into = arena.subarray(100, 100 + 20 * 4000);
    const opened = await pool.open(key, sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: s })), { into });
    expect(Buffer.from(opened[3] as Uint8Array).equals(records[3]?.plaintext as Buffer)).toBe(true);
    const forged = sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: i === 11 ? flipped(s, 40) : s }));
    await expect(pool.open(key, forged, { into })).rejects.toEqual(new RecordIntegrityError('rec-11'));
    expect(into.every((x) => x === 0)).toBe(true);
    expect(arena.subarray(0, 100).every((x) => x === 7) && arena.subarray(100 + 20 * 4000).every((x) => x === 7)).toBe(true);
  });

  it('keeps working with a key it was told to forget, by giving it to the workers again', async () => {
    const key = SecretKey.random('k');
    const records = batch(20, () => 5000);
    const sealed = await pool.seal(key, ref, records);
    pool.forget(key);
    const opened = await pool.open(key, sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: s })));
    expect(Buffer.from(opened[19] as Uint8Array).equals(records[19]?.plaintext as Buffer)).toBe(true);
  });

  it('keeps small batches on the calling thread, where a worker round trip would cost more than the crypto', async () => {
    const small = new RecordCipherPool({ threads: 2 });
    const [sealed] = await small.seal(SecretKey.random('k'), ref, [{ recordId: 'one', plaintext: Buffer.from('tiny') }]);
    expect(sealed?.buffer).toBeInstanceOf(ArrayBuffer);
    await small.close();
  });
});
