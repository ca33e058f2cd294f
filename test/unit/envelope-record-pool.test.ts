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
    const altered = sealed.map((s, i) => ({ recordId: `rec-${i}`, sealed: i === 37 ? Buffer.from(s).fill(1, 100, 101) : s }));
    await expect(pool.open(key, altered)).rejects.toEqual(new RecordIntegrityError('rec-37'));
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
