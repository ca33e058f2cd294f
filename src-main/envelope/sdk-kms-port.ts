import {
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { z } from 'zod';
import { KmsCallError, type KeyDescription, type KmsPort } from './kms-port';

/** Gives the KMS client for a region; KmsClientFactory.clientFor in the app, a harness client in tests. */
export type KmsClientSupplier = (region: string) => KMSClient;

// Shapes of the responses the core relies on (CONVENTIONS 8). Messages are ours and name fields
// only: a validation failure must not echo a received value, which could be key material.
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.length > 0, 'expected non-empty bytes');
const arn = z.string({ error: 'expected a KMS key ARN' }).regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, 'expected a KMS key ARN');
const materialId = z.string().min(1).optional();

const generateDataKeyShape = z.object({ Plaintext: bytes, CiphertextBlob: bytes, KeyId: arn, KeyMaterialId: materialId });
const decryptShape = z.object({ Plaintext: bytes, KeyId: arn, KeyMaterialId: materialId });
const reEncryptShape = z.object({ CiphertextBlob: bytes, KeyId: arn, SourceKeyId: arn, DestinationKeyMaterialId: materialId });
const encryptShape = z.object({ CiphertextBlob: bytes, KeyId: arn });
const regionRef = z.object({ Region: z.string().min(1) });
const describeShape = z.object({
  KeyMetadata: z.object({
    KeyId: z.string().min(1),
    Arn: arn,
    KeyState: z.string().min(1),
    MultiRegion: z.boolean().optional(),
    MultiRegionConfiguration: z.object({ PrimaryKey: regionRef.optional(), ReplicaKeys: z.array(regionRef).optional() }).optional(),
    CurrentKeyMaterialId: materialId,
  }),
});

const UNREACHABLE_CODES: Record<string, 'NetworkingError' | 'TimeoutError'> = {
  ECONNREFUSED: 'NetworkingError',
  ECONNRESET: 'NetworkingError',
  ENOTFOUND: 'NetworkingError',
  EHOSTUNREACH: 'NetworkingError',
  ENETUNREACH: 'NetworkingError',
  EPIPE: 'NetworkingError',
  EAI_AGAIN: 'NetworkingError',
  ETIMEDOUT: 'TimeoutError',
};

/** Maps whatever the SDK threw to a KmsCallError: the KMS error name, or NetworkingError/TimeoutError. */
export function toKmsCallError(operation: string, region: string, err: unknown): KmsCallError {
  if (err instanceof KmsCallError) return err;
  const e = (err ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const sysCode = typeof e.code === 'string' ? e.code : undefined;
  const code = name === 'NetworkingError' || name === 'TimeoutError' ? name : (sysCode && UNREACHABLE_CODES[sysCode]) ?? (name === 'Error' ? 'UnknownError' : name);
  // KMS messages name keys and principals, never key bytes; bound the length all the same.
  const message = typeof e.message === 'string' && e.message ? e.message.slice(0, 500) : code;
  return new KmsCallError(operation, region, code, message);
}

/** Copies plaintext out of an SDK response and zeroes the SDK's buffer (CONVENTIONS 8). */
function takePlaintext(source: Uint8Array): Uint8Array {
  const copy = new Uint8Array(source.length);
  copy.set(source);
  source.fill(0);
  return copy;
}

/**
 * The KmsPort over @aws-sdk/client-kms, one client per region from `clientFor`. Every response is
 * checked against the shape the core relies on; a malformed one fails as KmsCallError
 * 'MalformedResponse' (after zeroing any plaintext it carried). The SDK also decodes Plaintext
 * from a base64 string that stays in the JS heap until collected; nothing here can zero a string.
 */
export class SdkKmsPort implements KmsPort {
  constructor(private readonly clientFor: KmsClientSupplier) {}

  async generateDataKey(req: Parameters<KmsPort['generateDataKey']>[0]): ReturnType<KmsPort['generateDataKey']> {
    const size = req.numberOfBytes ?? 32;
    const out = await this.call('GenerateDataKey', req.region, generateDataKeyShape, (client) =>
      client.send(new GenerateDataKeyCommand({ KeyId: req.keyId, EncryptionContext: { ...req.encryptionContext }, ...(size === 32 ? { KeySpec: 'AES_256' } : { NumberOfBytes: size }) })),
    );
    if (out.Plaintext.length !== size) {
      out.Plaintext.fill(0);
      throw this.malformed('GenerateDataKey', req.region, `Plaintext is ${out.Plaintext.length} bytes; ${size} were asked for`);
    }
    return { plaintext: takePlaintext(out.Plaintext), ciphertextBlob: Uint8Array.from(out.CiphertextBlob), keyArn: out.KeyId, keyMaterialId: out.KeyMaterialId };
  }

  async decrypt(req: Parameters<KmsPort['decrypt']>[0]): ReturnType<KmsPort['decrypt']> {
    const out = await this.call('Decrypt', req.region, decryptShape, (client) =>
      client.send(new DecryptCommand({ CiphertextBlob: req.ciphertextBlob, EncryptionContext: { ...req.encryptionContext }, ...(req.keyId ? { KeyId: req.keyId } : {}) })),
    );
    return { plaintext: takePlaintext(out.Plaintext), keyArn: out.KeyId, keyMaterialId: out.KeyMaterialId };
  }

  async reEncrypt(req: Parameters<KmsPort['reEncrypt']>[0]): ReturnType<KmsPort['reEncrypt']> {
    const out = await this.call('ReEncrypt', req.region, reEncryptShape, (client) =>
      client.send(
        new ReEncryptCommand({
          CiphertextBlob: req.ciphertextBlob,
          SourceEncryptionContext: { ...req.sourceEncryptionContext },
          ...(req.sourceKeyId ? { SourceKeyId: req.sourceKeyId } : {}),
          DestinationKeyId: req.destinationKeyId,
          DestinationEncryptionContext: { ...req.destinationEncryptionContext },
        }),
      ),
    );
    return { ciphertextBlob: Uint8Array.from(out.CiphertextBlob), keyArn: out.KeyId, sourceKeyArn: out.SourceKeyId, keyMaterialId: out.DestinationKeyMaterialId };
  }

  async encrypt(req: Parameters<KmsPort['encrypt']>[0]): ReturnType<KmsPort['encrypt']> {
    const out = await this.call('Encrypt', req.region, encryptShape, (client) =>
      client.send(new EncryptCommand({ KeyId: req.keyId, Plaintext: req.plaintext, EncryptionContext: { ...req.encryptionContext } })),
    );
    return { ciphertextBlob: Uint8Array.from(out.CiphertextBlob), keyArn: out.KeyId };
  }

  async describeKey(req: { region: string; keyId: string }): Promise<KeyDescription> {
    const { KeyMetadata: m } = await this.call('DescribeKey', req.region, describeShape, (client) => client.send(new DescribeKeyCommand({ KeyId: req.keyId })));
    const config = m.MultiRegionConfiguration;
    return {
      keyId: m.KeyId,
      keyArn: m.Arn,
      keyState: m.KeyState,
      multiRegion: m.MultiRegion === true,
      primaryRegion: config?.PrimaryKey?.Region,
      replicaRegions: (config?.ReplicaKeys ?? []).map((r) => r.Region),
      currentKeyMaterialId: m.CurrentKeyMaterialId,
    };
  }

  private async call<S extends z.ZodType>(operation: string, region: string, shape: S, send: (client: KMSClient) => Promise<unknown>): Promise<z.output<S>> {
    let response: unknown;
    try {
      response = await send(this.clientFor(region));
    } catch (err) {
      throw toKmsCallError(operation, region, err);
    }
    const parsed = shape.safeParse(response);
    if (!parsed.success) {
      const plaintext = (response as { Plaintext?: unknown } | undefined)?.Plaintext;
      if (plaintext instanceof Uint8Array) plaintext.fill(0);
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || 'response'}: ${i.message}`).join('; ');
      throw this.malformed(operation, region, fields);
    }
    return parsed.data;
  }

  private malformed(operation: string, region: string, what: string): KmsCallError {
    return new KmsCallError(operation, region, 'MalformedResponse', `the KMS response does not have the expected shape (${what})`);
  }
}
