import {
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../src-main/kms/embedded/embedded-kms';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

let h: KmsHarness;
let kms: KMSClient;
let keyA: { KeyId: string; Arn: string };
let keyB: { KeyId: string; Arn: string };

/** Every error message and request-log record this file provokes, and every data key it is given. */
const messages: string[] = [];
const requestLog: string[] = [];
const secrets: Buffer[] = [];

async function refused(promise: Promise<unknown>): Promise<Error> {
  const err = await failure(promise);
  messages.push(err.message);
  return err;
}

async function newKey(): Promise<{ KeyId: string; Arn: string }> {
  const meta = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  return { KeyId: meta.KeyId!, Arn: meta.Arn! };
}

async function dataKey(input: { KeySpec?: 'AES_256' | 'AES_128'; NumberOfBytes?: number; EncryptionContext?: Record<string, string> }) {
  const out = await kms.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, ...input }));
  // Keys too short to be recognised by chance (a 1-byte key's hex is two characters) are not scanned for.
  if (out.Plaintext!.length >= 16) secrets.push(Buffer.from(out.Plaintext!));
  return out;
}

const plain = (bytes: Uint8Array | undefined): Buffer => Buffer.from(bytes!);
const text = Buffer.from('card 4111-1111-1111-1111');

beforeAll(async () => {
  h = await startKms();
  h.kms.onRequest = (record: RequestRecord) => requestLog.push(JSON.stringify(record));
  kms = h.client('admin');
  keyA = await newKey();
  keyB = await newKey();
});
afterAll(async () => {
  await h?.close();
});

describe('Encrypt and Decrypt', () => {
  it('Decrypt returns what Encrypt was given, with or without a KeyId', async () => {
    const sealed = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    expect(sealed).toMatchObject({ KeyId: keyA.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(plain(sealed.CiphertextBlob).includes(text)).toBe(false);
    const withoutKeyId = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob }));
    expect(plain(withoutKeyId.Plaintext)).toEqual(text);
    expect(withoutKeyId.KeyId).toBe(keyA.Arn);
    const withKeyId = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: keyA.Arn }));
    expect(plain(withKeyId.Plaintext)).toEqual(text);
  });

  it('the same plaintext encrypts to a different blob each time', async () => {
    const one = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    const two = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    expect(plain(one.CiphertextBlob)).not.toEqual(plain(two.CiphertextBlob));
  });

  it('the encryption context is bound: a wrong, missing, extra or re-split context is InvalidCiphertextException', async () => {
    const context = { purpose: 'orders', tenant: 't-1' };
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text, EncryptionContext: context }));
    const reordered = await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { tenant: 't-1', purpose: 'orders' } }));
    expect(plain(reordered.Plaintext)).toEqual(text);
    for (const wrong of [{ purpose: 'orders', tenant: 't-2' }, undefined, { purpose: 'orders' }, { ...context, extra: 'x' }] as (Record<string, string> | undefined)[]) {
      const err = await refused(kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: wrong })));
      expect(err.name).toBe('InvalidCiphertextException');
      // AWS sends this error with no message (which of the causes it was is not told); the SDK then says UnknownError.
      expect(err.message).toBe('UnknownError');
    }
    const split = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text, EncryptionContext: { ab: 'c' } }));
    const err = await refused(kms.send(new DecryptCommand({ CiphertextBlob: split.CiphertextBlob, EncryptionContext: { a: 'bc' } })));
    expect(err.name).toBe('InvalidCiphertextException');
    const none = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    expect((await refused(kms.send(new DecryptCommand({ CiphertextBlob: none.CiphertextBlob, EncryptionContext: { a: 'b' } })))).name).toBe('InvalidCiphertextException');
  });

  it('flipping any one bit of the blob (header, nonce, tag or body) is InvalidCiphertextException', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    const blob = plain(CiphertextBlob);
    const outcomes = new Map<string, number[]>();
    for (let i = 0; i < blob.length; i++) {
      const tampered = Buffer.from(blob);
      tampered[i]! ^= 0x01;
      const err = await refused(kms.send(new DecryptCommand({ CiphertextBlob: tampered })));
      outcomes.set(err.name, [...(outcomes.get(err.name) ?? []), i]);
    }
    expect([...outcomes.keys()]).toEqual(['InvalidCiphertextException']);
    const truncated = await refused(kms.send(new DecryptCommand({ CiphertextBlob: blob.subarray(0, blob.length - 1) })));
    expect(truncated.name).toBe('InvalidCiphertextException');
    const garbage = await refused(kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from('not a kms ciphertext') })));
    expect(garbage.name).toBe('InvalidCiphertextException');
  });

  it('Decrypt with the KeyId of another key is IncorrectKeyException', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    const err = await refused(kms.send(new DecryptCommand({ CiphertextBlob, KeyId: keyB.KeyId })));
    expect(err.name).toBe('IncorrectKeyException');
    expect(err.message).toContain('key ID in the request');
  });

  it('Plaintext up to 4096 bytes is accepted; 4097 bytes is ValidationException', async () => {
    await expect(kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: Buffer.alloc(4096, 7) }))).resolves.toBeDefined();
    const err = await refused(kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: Buffer.alloc(4097, 7) })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain("'plaintext'");
    expect(err.message).toContain('less than or equal to 4096');
  });
});

describe('ReEncrypt', () => {
  it('moves a ciphertext to another key and context; the result decrypts only under the new ones', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text, EncryptionContext: { v: '1' } }));
    const moved = await kms.send(new ReEncryptCommand({
      CiphertextBlob,
      SourceEncryptionContext: { v: '1' },
      DestinationKeyId: keyB.KeyId,
      DestinationEncryptionContext: { v: '2' },
    }));
    expect(moved).toMatchObject({ SourceKeyId: keyA.Arn, KeyId: keyB.Arn, SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { v: '2' } }));
    expect(opened.KeyId).toBe(keyB.Arn);
    expect(plain(opened.Plaintext)).toEqual(text);
    expect((await refused(kms.send(new DecryptCommand({ CiphertextBlob: moved.CiphertextBlob, EncryptionContext: { v: '1' } })))).name).toBe('InvalidCiphertextException');
    // The source ciphertext is untouched.
    expect(plain((await kms.send(new DecryptCommand({ CiphertextBlob, EncryptionContext: { v: '1' } }))).Plaintext)).toEqual(text);
  });

  it('refuses a wrong source context and a wrong SourceKeyId', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text, EncryptionContext: { v: '1' } }));
    const ctx = await refused(kms.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { v: 'x' }, DestinationKeyId: keyB.KeyId })));
    expect(ctx.name).toBe('InvalidCiphertextException');
    const src = await refused(kms.send(new ReEncryptCommand({ CiphertextBlob, SourceEncryptionContext: { v: '1' }, SourceKeyId: keyB.KeyId, DestinationKeyId: keyB.KeyId })));
    expect(src.name).toBe('IncorrectKeyException');
  });
});

describe('data keys and random bytes', () => {
  it('GenerateDataKey honours KeySpec and NumberOfBytes, and its blob decrypts to the same plaintext', async () => {
    for (const [input, length] of [[{ KeySpec: 'AES_256' as const }, 32], [{ KeySpec: 'AES_128' as const }, 16], [{ NumberOfBytes: 1 }, 1], [{ NumberOfBytes: 64 }, 64], [{ NumberOfBytes: 1024 }, 1024]] as const) {
      const out = await dataKey({ ...input, EncryptionContext: { use: 'dek' } });
      expect(out.Plaintext).toHaveLength(length);
      expect(out.KeyId).toBe(keyA.Arn);
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob, EncryptionContext: { use: 'dek' } }));
      expect(plain(opened.Plaintext)).toEqual(plain(out.Plaintext));
    }
  });

  it('GenerateDataKey needs exactly one of KeySpec and NumberOfBytes, and NumberOfBytes between 1 and 1024', async () => {
    for (const input of [{ KeySpec: 'AES_256' as const, NumberOfBytes: 32 }, {}]) {
      const err = await refused(kms.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, ...input })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toMatch(/number of bytes or key spec/i);
    }
    for (const n of [0, 1025]) {
      const err = await refused(kms.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, NumberOfBytes: n })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain("'numberOfBytes'");
    }
  });

  it('GenerateDataKeyWithoutPlaintext returns no Plaintext, and its blob decrypts to a 32-byte key', async () => {
    const out = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyA.KeyId, KeySpec: 'AES_256' }));
    expect(out).not.toHaveProperty('Plaintext');
    expect(out.KeyId).toBe(keyA.Arn);
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
    expect(opened.Plaintext).toHaveLength(32);
    secrets.push(plain(opened.Plaintext));
  });

  it('GenerateRandom returns exactly NumberOfBytes fresh bytes, 1 to 1024', async () => {
    for (const n of [1, 32, 1024]) {
      const out = await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }));
      expect(out.Plaintext).toHaveLength(n);
    }
    const a = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    const b = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    expect(plain(a.Plaintext)).not.toEqual(plain(b.Plaintext));
    for (const n of [0, 1025]) {
      const err = await refused(kms.send(new GenerateRandomCommand({ NumberOfBytes: n })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain("'numberOfBytes'");
    }
  });
});

describe('DryRun', () => {
  it('DryRun answers DryRunOperationException when the call would succeed, and the real error when not', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text }));
    for (const call of [
      kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: text, DryRun: true })),
      kms.send(new DecryptCommand({ CiphertextBlob, DryRun: true })),
      kms.send(new GenerateDataKeyCommand({ KeyId: keyA.KeyId, KeySpec: 'AES_256', DryRun: true })),
      kms.send(new ReEncryptCommand({ CiphertextBlob, DestinationKeyId: keyB.KeyId, DryRun: true })),
    ]) {
      const err = await refused(call);
      expect(err.name).toBe('DryRunOperationException');
      expect(err.message).toContain('DryRun');
    }
    const disabled = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const err = await refused(kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: text, DryRun: true })));
    expect(err.name).toBe('DisabledException');
  });
});

describe('data keys never leak', () => {
  it('errors provoked with a data key as Plaintext, oversized input or a bad blob do not quote it', async () => {
    const dk = await dataKey({ KeySpec: 'AES_256' });
    const key = plain(dk.Plaintext);
    const disabled = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const provoked = [
      kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: Buffer.concat(Array.from({ length: 130 }, () => key)) })),
      kms.send(new EncryptCommand({ KeyId: disabled.KeyId, Plaintext: key })),
      kms.send(new EncryptCommand({ KeyId: keyA.KeyId, Plaintext: key, DryRun: true })),
      kms.send(new EncryptCommand({ KeyId: 'alias/missing', Plaintext: key })),
      kms.send(new DecryptCommand({ CiphertextBlob: key })),
      kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { wrong: 'context' } })),
      kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, KeyId: keyB.KeyId })),
      kms.send(new ReEncryptCommand({ CiphertextBlob: dk.CiphertextBlob, DestinationKeyId: disabled.KeyId })),
      h.client('service').send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })),
    ];
    const names = [];
    for (const call of provoked) names.push((await refused(call)).name);
    expect(names).toEqual([
      'ValidationException', 'DisabledException', 'DryRunOperationException', 'NotFoundException', 'InvalidCiphertextException',
      'InvalidCiphertextException', 'IncorrectKeyException', 'DisabledException', 'AccessDeniedException',
    ]);
  });

  it('no response field but Plaintext, no error message and no request-log line contains a data key, in base64 or hex', async () => {
    const dk = await dataKey({ KeySpec: 'AES_256' });
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    const { Plaintext: _a, $metadata: _b, ...rest } = dk;
    const { Plaintext: _c, $metadata: _d, ...restDecrypt } = decrypted;
    expect(secrets.length).toBeGreaterThan(0);
    expect(messages.length).toBeGreaterThan(0);
    expect(requestLog.length).toBeGreaterThan(0);
    const haystacks = [
      ...messages,
      ...requestLog,
      JSON.stringify({ ...rest, CiphertextBlob: plain(rest.CiphertextBlob).toString('base64') }),
      JSON.stringify(restDecrypt),
    ];
    for (const secret of secrets) {
      for (const needle of [secret.toString('base64'), secret.toString('hex'), secret.toString('hex').toUpperCase()]) {
        expect(haystacks.filter((s) => s.includes(needle))).toEqual([]);
      }
    }
    // The blob does not carry the data key in clear either.
    expect(plain(dk.CiphertextBlob).includes(plain(dk.Plaintext))).toBe(false);
  });
});
