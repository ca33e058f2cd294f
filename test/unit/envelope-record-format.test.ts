import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecordFormatError, RecordIntegrityError } from '../../src-main/envelope/envelope-errors';
import { RecordCipherPool } from '../../src-main/envelope/record-cipher-pool';
import { NONCE_OFFSET, RECORD_HEADER_LENGTH, RECORD_OVERHEAD, readKeyRef, recordPrefix } from '../../src-main/envelope/record-format';
import { SecretKey } from '../../src-main/envelope/secret-key';

const inline = new RecordCipherPool({ threads: 0 });
const ref = { keyId: '0f8fad5b-d9cb-469f-a165-70867728950e', version: 7 };

describe('the sealed record format', () => {
  it('lays out magic, version, key reference and nonce as the table in record-format.ts says', async () => {
    const key = SecretKey.random('k');
    const [sealed] = await inline.seal(key, ref, [{ recordId: 'r1', plaintext: Buffer.from('hello') }]);
    const b = Buffer.from(sealed as Uint8Array);
    expect(b.subarray(0, 3).toString('latin1')).toBe('KDR');
    expect(b[3]).toBe(1);
    expect(b.subarray(4, 20).toString('hex')).toBe(ref.keyId.replaceAll('-', ''));
    expect(b.readUInt32BE(20)).toBe(7);
    expect(b.length).toBe(5 + RECORD_OVERHEAD);
    expect(RECORD_HEADER_LENGTH).toBe(36);
    expect(readKeyRef(b, 'r1')).toEqual(ref);
  });

  it('gives every record its own random nonce, so equal plaintexts seal differently', async () => {
    const key = SecretKey.random('k');
    const sealed = await inline.seal(key, ref, [
      { recordId: 'r1', plaintext: Buffer.from('same') },
      { recordId: 'r1', plaintext: Buffer.from('same') },
    ]);
    const nonce = (s: Uint8Array) => Buffer.from(s.subarray(NONCE_OFFSET, NONCE_OFFSET + 12)).toString('hex');
    expect(nonce(sealed[0] as Uint8Array)).not.toBe(nonce(sealed[1] as Uint8Array));
    expect(Buffer.from(sealed[0] as Uint8Array).equals(Buffer.from(sealed[1] as Uint8Array))).toBe(false);
  });

  it('never gives two records the same nonce, sealed one at a time across refills of the nonce reservoir', async () => {
    const key = SecretKey.random('k');
    const seen = new Set<string>();
    for (let i = 0; i < 2_500; i++) {
      const [sealed] = await inline.seal(key, ref, [{ recordId: `r${i}`, plaintext: Buffer.from('canary') }]);
      seen.add(Buffer.from((sealed as Uint8Array).subarray(NONCE_OFFSET, NONCE_OFFSET + 12)).toString('hex'));
    }
    expect(seen.size).toBe(2_500);
  });

  it('opens what it sealed, from empty records to records larger than one 16 KiB piece', async () => {
    const key = SecretKey.random('k');
    const plaintexts = [0, 1, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 100_000].map((n) => Buffer.alloc(n, n % 251));
    const sealed = await inline.seal(key, ref, plaintexts.map((plaintext, i) => ({ recordId: `r${i}`, plaintext })));
    const opened = await inline.open(key, sealed.map((s, i) => ({ recordId: `r${i}`, sealed: s })));
    opened.forEach((o, i) => expect(Buffer.from(o).equals(plaintexts[i] as Buffer)).toBe(true));
  });

  it('binds the record id: a record opened under another id fails with RecordIntegrityError', async () => {
    const key = SecretKey.random('k');
    const [sealed] = await inline.seal(key, ref, [{ recordId: 'invoice/2026/0001', plaintext: Buffer.from('x') }]);
    await expect(inline.open(key, [{ recordId: 'invoice/2026/0002', sealed: sealed as Uint8Array }])).rejects.toEqual(new RecordIntegrityError('invoice/2026/0002'));
  });

  it('reads key references of any UUID and version 0 to 2^32-1', () => {
    for (const version of [0, 1, 0xffff_ffff]) {
      const r = { keyId: randomUUID(), version };
      const record = Buffer.concat([recordPrefix(r), Buffer.alloc(RECORD_OVERHEAD - 24)]);
      expect(readKeyRef(record, 'x')).toEqual(r);
    }
  });

  it('refuses bytes that are too short, have the wrong magic, or another format version', () => {
    const good = Buffer.concat([recordPrefix(ref), Buffer.alloc(40)]);
    expect(() => readKeyRef(good.subarray(0, 51), 'r')).toThrow(RecordFormatError);
    expect(() => readKeyRef(Buffer.concat([Buffer.from('KDX'), good.subarray(3)]), 'r')).toThrow('does not start with the magic bytes "KDR"');
    const v9 = Buffer.from(good);
    v9[3] = 9;
    expect(() => readKeyRef(v9, 'r')).toThrow('uses record format version 9; this build reads version 1');
  });
});
