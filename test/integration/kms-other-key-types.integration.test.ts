import {
  CreateKeyCommand, DecryptCommand, DeriveSharedSecretCommand, GenerateDataKeyPairCommand, GenerateDataKeyPairWithoutPlaintextCommand, GenerateMacCommand,
  GetParametersForImportCommand, GetPublicKeyCommand, ImportKeyMaterialCommand, SignCommand, VerifyCommand, VerifyMacCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * An application that uses data key pairs under its symmetric KMS key, or calls Sign or GenerateMac
 * by mistake on one, met "Unknown operation TrentService.Sign" from the embedded KMS and no
 * CloudTrail record: a broken endpoint, to an SDK user. Now data key pairs are made as AWS makes
 * them, and the operations of key types the embedded KMS does not make answer what AWS answers for a
 * symmetric key — over loopback HTTP with the real SDK, each call on the record.
 */
class Collecting implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(event);
  }
  observe(): void {}
}

const REGION = 'eu-west-1';
const CONTEXT = { tenant: 'acme' };

describe('the embedded KMS: data key pairs, and operations of key types it does not make', () => {
  let backend: EmbeddedBackend;
  let sink: Collecting;
  let admin: KMSClient;
  let service: KMSClient;
  let key: { id: string; arn: string };

  beforeAll(async () => {
    backend = await startEmbeddedBackend({});
    sink = new Collecting();
    admin = backend.factory('admin', { sink, maxAttempts: 1 }).clientFor(REGION);
    service = backend.factory('service', { sink, maxAttempts: 1 }).clientFor(REGION);
    const created = (await admin.send(new CreateKeyCommand({}))).KeyMetadata!;
    key = { id: created.KeyId!, arn: created.Arn! };
  });
  afterAll(async () => {
    admin.destroy();
    service.destroy();
    await backend.close();
  });

  const refusal = (call: Promise<unknown>): Promise<{ name: string; message: string }> => call.then(() => ({ name: 'none', message: '' }), (e: Error) => ({ name: e.name, message: e.message }));

  it.each(['RSA_2048', 'ECC_NIST_P256', 'ECC_SECG_P256K1'] as const)('GenerateDataKeyPair %s: a working key pair whose private key Decrypt opens under the same encryption context; no key material on the record', async (spec) => {
    const before = sink.records.length;
    const pair = await admin.send(new GenerateDataKeyPairCommand({ KeyId: key.id, KeyPairSpec: spec, EncryptionContext: CONTEXT }));
    expect(pair).toMatchObject({ KeyId: key.arn, KeyPairSpec: spec });
    const privateKey = createPrivateKey({ key: Buffer.from(pair.PrivateKeyPlaintext!), format: 'der', type: 'pkcs8' });
    const publicKey = createPublicKey({ key: Buffer.from(pair.PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe(spec.startsWith('RSA') ? 'rsa' : 'ec');
    const signature = sign('sha256', Buffer.from('release 1.2'), privateKey);
    expect(verify('sha256', Buffer.from('release 1.2'), publicKey, signature)).toBe(true);
    const opened = await admin.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob, EncryptionContext: CONTEXT }));
    expect(Buffer.from(opened.Plaintext!).equals(Buffer.from(pair.PrivateKeyPlaintext!))).toBe(true);

    const record = sink.records[before]!;
    expect(record).toMatchObject({ eventName: 'GenerateDataKeyPair', readOnly: true, requestParameters: { keyId: key.id, keyPairSpec: spec, encryptionContext: CONTEXT }, resources: [{ ARN: key.arn }] });
    const text = JSON.stringify(record);
    for (const secret of [Buffer.from(pair.PrivateKeyPlaintext!).toString('base64'), Buffer.from(pair.PrivateKeyCiphertextBlob!).toString('base64')]) expect(text).not.toContain(secret.slice(0, 40));
  });

  it('GenerateDataKeyPairWithoutPlaintext returns no private key in the clear; SM2 (China Regions only) is refused', async () => {
    const pair = await admin.send(new GenerateDataKeyPairWithoutPlaintextCommand({ KeyId: key.id, KeyPairSpec: 'ECC_NIST_P384' }));
    expect(pair.PrivateKeyCiphertextBlob?.length).toBeGreaterThan(0);
    expect(pair).not.toHaveProperty('PrivateKeyPlaintext');
    const opened = await admin.send(new DecryptCommand({ CiphertextBlob: pair.PrivateKeyCiphertextBlob }));
    expect(createPrivateKey({ key: Buffer.from(opened.Plaintext!), format: 'der', type: 'pkcs8' }).asymmetricKeyDetails?.namedCurve).toBe('secp384r1');
    expect(await refusal(admin.send(new GenerateDataKeyPairCommand({ KeyId: key.id, KeyPairSpec: 'SM2' })))).toMatchObject({ name: 'UnsupportedOperationException' });
  });

  it("Sign, Verify, GenerateMac, VerifyMac, DeriveSharedSecret on a symmetric key: AWS's InvalidKeyUsageException, written to CloudTrail", async () => {
    const message = Buffer.from('m');
    const calls: [string, Promise<unknown>][] = [
      ['Sign', admin.send(new SignCommand({ KeyId: key.id, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }))],
      ['Verify', admin.send(new VerifyCommand({ KeyId: key.id, Message: message, Signature: message, SigningAlgorithm: 'ECDSA_SHA_256' }))],
      ['GenerateMac', admin.send(new GenerateMacCommand({ KeyId: key.id, Message: message, MacAlgorithm: 'HMAC_SHA_256' }))],
      ['VerifyMac', admin.send(new VerifyMacCommand({ KeyId: key.id, Message: message, Mac: message, MacAlgorithm: 'HMAC_SHA_256' }))],
      ['DeriveSharedSecret', admin.send(new DeriveSharedSecretCommand({ KeyId: key.id, KeyAgreementAlgorithm: 'ECDH', PublicKey: message }))],
    ];
    for (const [name, call] of calls) {
      const before = sink.records.length;
      expect(await refusal(call)).toEqual({ name: 'InvalidKeyUsageException', message: `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for ${name}.` });
      expect(sink.records.slice(before).map((r) => [r.eventName, r.errorCode])).toEqual([[name, 'InvalidKeyUsageException']]);
    }
  });

  it('GetParametersForImport and ImportKeyMaterial: origin AWS_KMS is not valid; GetPublicKey: a symmetric key has none', async () => {
    expect(await refusal(admin.send(new GetParametersForImportCommand({ KeyId: key.id, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }))))
      .toEqual({ name: 'UnsupportedOperationException', message: `${key.arn} origin is AWS_KMS which is not valid for this operation.` });
    expect(await refusal(admin.send(new ImportKeyMaterialCommand({ KeyId: key.id, ImportToken: Buffer.from('t'), EncryptedKeyMaterial: Buffer.from('k'), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }))))
      .toMatchObject({ name: 'UnsupportedOperationException' });
    expect(await refusal(admin.send(new GetPublicKeyCommand({ KeyId: key.id })))).toMatchObject({ name: 'UnsupportedOperationException', message: expect.stringContaining(key.arn) });
  });

  it('the caller is authorized before the key usage is judged, and a key that does not exist is not found', async () => {
    expect(await refusal(service.send(new SignCommand({ KeyId: key.id, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' })))).toMatchObject({ name: 'AccessDeniedException', message: expect.stringContaining('kms:Sign') });
    expect(await refusal(service.send(new GenerateDataKeyPairCommand({ KeyId: key.id, KeyPairSpec: 'RSA_2048' })))).toMatchObject({ name: 'AccessDeniedException' });
    expect(await refusal(admin.send(new GenerateMacCommand({ KeyId: '00000000-0000-0000-0000-000000000000', Message: Buffer.from('m'), MacAlgorithm: 'HMAC_SHA_256' })))).toMatchObject({ name: 'NotFoundException' });
  });
});
