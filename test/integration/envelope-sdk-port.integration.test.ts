import { KMSClient } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KmsCallError } from '../../src-main/envelope/kms-port';
import { SdkKmsPort } from '../../src-main/envelope/sdk-kms-port';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

/** The KmsPort over @aws-sdk/client-kms, against the embedded KMS over HTTP. */
let f: EnvelopeFixture;
const context = { tenant: 'acme', cluster: 'c1', node: 'n1' };

beforeEach(async () => {
  f = await startEnvelope();
});

afterEach(async () => {
  await f.close();
});

/** A service client whose responses pass through `edit` before the port sees them. */
function clientWith(edit: (output: Record<string, unknown>) => void): KMSClient {
  const client = f.h.client('service', 'us-east-1');
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      edit(result.output as unknown as Record<string, unknown>);
      return result;
    },
    { step: 'initialize', name: 'editResponse' },
  );
  return client;
}

describe('the SDK KMS port', () => {
  it('returns the data key in a buffer of its own and zeroes the one the SDK decoded', async () => {
    const cmk = await f.createCmk();
    let sdkBuffer: Uint8Array | undefined;
    const port = new SdkKmsPort(() => clientWith((o) => (sdkBuffer = o.Plaintext as Uint8Array)));
    const dk = await port.generateDataKey({ region: 'us-east-1', keyId: cmk.keyId, encryptionContext: context });
    expect(dk.plaintext).toHaveLength(32);
    expect(dk.plaintext.some((b) => b !== 0)).toBe(true);
    expect(sdkBuffer?.every((b) => b === 0)).toBe(true);
    expect(dk).toMatchObject({ keyArn: cmk.arn, keyMaterialId: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const back = await port.decrypt({ region: 'us-east-1', ciphertextBlob: dk.ciphertextBlob, encryptionContext: context, keyId: cmk.arn });
    expect(Buffer.from(back.plaintext).equals(Buffer.from(dk.plaintext))).toBe(true);
    expect(sdkBuffer?.every((b) => b === 0)).toBe(true);
  });

  it('refuses a response of the wrong shape as MalformedResponse, zeroing the plaintext it carried and quoting none of it', async () => {
    const cmk = await f.createCmk();
    let sdkBuffer: Uint8Array | undefined;
    const short = new SdkKmsPort(() =>
      clientWith((o) => {
        o.Plaintext = (o.Plaintext as Uint8Array).subarray(0, 16);
        sdkBuffer = o.Plaintext as Uint8Array;
      }),
    );
    const err = await short.generateDataKey({ region: 'us-east-1', keyId: cmk.keyId, encryptionContext: context }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KmsCallError);
    expect(err).toMatchObject({ code: 'MalformedResponse', operation: 'GenerateDataKey', message: 'GenerateDataKey in us-east-1 failed: MalformedResponse: the KMS response does not have the expected shape (Plaintext is 16 bytes; 32 were asked for)' });
    expect(sdkBuffer?.every((b) => b === 0)).toBe(true);

    const noArn = new SdkKmsPort(() => clientWith((o) => delete o.KeyId));
    await expect(noArn.generateDataKey({ region: 'us-east-1', keyId: cmk.keyId, encryptionContext: context })).rejects.toMatchObject({ code: 'MalformedResponse', message: expect.stringContaining('KeyId: expected a KMS key ARN') });
  });

  it('maps a KMS refusal to KmsCallError with the KMS error name', async () => {
    const cmk = await f.createCmk();
    await f.revoke(cmk.keyId);
    const err = await f.port.generateDataKey({ region: 'us-east-1', keyId: cmk.keyId, encryptionContext: context }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'KmsCallError', operation: 'GenerateDataKey', region: 'us-east-1', code: 'AccessDeniedException', unreachable: false });
  });

  it('maps a Region nobody answers in to NetworkingError, and an injected timeout to TimeoutError', async () => {
    const closed = new KMSClient({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });
    const refused = await new SdkKmsPort(() => closed).describeKey({ region: 'us-east-1', keyId: 'alias/any' }).then(() => undefined, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'NetworkingError', unreachable: true });
    closed.destroy();

    f.faults.outage('eu-west-1', 'timeout');
    await expect(f.port.describeKey({ region: 'eu-west-1', keyId: 'alias/any' })).rejects.toMatchObject({ code: 'TimeoutError', region: 'eu-west-1', unreachable: true });
  });

  it('describes a multi-Region key with its primary and replica Regions and its current key material', async () => {
    const cmk = await f.createCmk({ multiRegion: true, replicas: ['eu-west-1'] });
    const d = await f.port.describeKey({ region: 'eu-west-1', keyId: cmk.keyId });
    expect(d).toMatchObject({ keyId: cmk.keyId, keyArn: cmk.arn.replace('us-east-1', 'eu-west-1'), keyState: 'Enabled', multiRegion: true, primaryRegion: 'us-east-1', replicaRegions: ['eu-west-1'] });
    expect(d.currentKeyMaterialId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('re-encrypts under another key inside KMS and reports the destination key material', async () => {
    const a = await f.createCmk();
    const b = await f.createCmk();
    const dk = await f.port.generateDataKey({ region: 'us-east-1', keyId: a.keyId, encryptionContext: context });
    const moved = await f.port.reEncrypt({ region: 'us-east-1', ciphertextBlob: dk.ciphertextBlob, sourceEncryptionContext: context, sourceKeyId: a.arn, destinationKeyId: b.arn, destinationEncryptionContext: context });
    expect(moved).toMatchObject({ keyArn: b.arn, sourceKeyArn: a.arn, keyMaterialId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const back = await f.port.decrypt({ region: 'us-east-1', ciphertextBlob: moved.ciphertextBlob, encryptionContext: context });
    expect(Buffer.from(back.plaintext).equals(Buffer.from(dk.plaintext))).toBe(true);
  });

  it('encrypts a small secret directly under the CMK', async () => {
    const cmk = await f.createCmk();
    const out = await f.port.encrypt({ region: 'us-east-1', keyId: cmk.keyId, plaintext: Buffer.from('config secret'), encryptionContext: context });
    const back = await f.port.decrypt({ region: 'us-east-1', ciphertextBlob: out.ciphertextBlob, encryptionContext: context });
    expect(Buffer.from(back.plaintext).toString()).toBe('config secret');
  });
});
