import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { openBlob, readBlobHeader, sealBlob } from '../ciphertext-blob';
import { pooledRandomBytes } from '../random-pool';
import type { EncryptionContext } from '../encryption-context';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import type { KeyRecord, MaterialVersion } from '../model';
import { currentMaterial } from '../model';
import { blob, dryRun, encryptionAlgorithm, encryptionContext, grantTokens, int, keyId, oneOf } from '../wire-fields';
import { b64, operation } from './operation';

/**
 * AWS answers a ciphertext it cannot open (altered, from another key or region, or a different
 * encryption context) with InvalidCiphertextException and no message at all: saying which of these
 * it was would help an attacker probe.
 */
const invalidCiphertext = (): KmsError => new KmsError('InvalidCiphertextException', '');

function requireSymmetricAlgorithm(algorithm: string | undefined, key: KeyRecord): void {
  if (algorithm !== undefined && algorithm !== 'SYMMETRIC_DEFAULT') {
    throw new KmsError('InvalidKeyUsageException', `You cannot use the encryption algorithm ${algorithm} with ${key.arn}: it is a symmetric encryption key (SYMMETRIC_DEFAULT).`);
  }
}

export function dryRunStop(dry: boolean | undefined): void {
  if (dry) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

/** Encrypts under the key's current material; the caller checks access and key state first. */
export function seal(core: KmsCore, key: KeyRecord, plaintext: Buffer, context: EncryptionContext | undefined): { blob: Buffer; material: MaterialVersion } {
  const material = currentMaterial(core.family(key));
  return { blob: sealBlob({ keyId: key.keyId, materialId: material.id }, material.bytes, plaintext, context), material };
}

/** The shared first half of Decrypt and ReEncrypt: find the key a ciphertext names, check, open. */
function unseal(
  core: KmsCore,
  call: CallContext,
  action: 'kms:Decrypt' | 'kms:ReEncryptFrom',
  ciphertext: Buffer,
  context: EncryptionContext | undefined,
  keyIdParam: string | undefined,
  dry: boolean | undefined,
): { key: KeyRecord; plaintext: Buffer; material: MaterialVersion } {
  const header = readBlobHeader(ciphertext);
  if (!header) throw invalidCiphertext();
  if (keyIdParam !== undefined) {
    const named = core.resolveKey(call, keyIdParam, { allowAlias: true });
    if (named.keyId !== header.keyId) {
      throw new KmsError('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
  }
  // A blob naming no key of this region (altered, from another region, or its key deleted) is an
  // invalid ciphertext, as in AWS: not a NotFoundException about a key id the caller never gave.
  const key = core.store.getKey(call.region, header.keyId);
  if (!key) throw invalidCiphertext();
  core.authorize(call, action, key, context);
  core.requireUsable(key);
  dryRunStop(dry);
  const material = core.family(key).materials.find((m) => m.id === header.materialId);
  const plaintext = material ? openBlob(ciphertext, material.bytes, context) : undefined;
  if (!material || !plaintext) throw invalidCiphertext();
  return { key, plaintext, material };
}

/** Base64 for the response, then the plaintext buffer is zeroed: it should not linger in memory. */
export function takePlaintext(plaintext: Buffer): string {
  const text = b64(plaintext);
  plaintext.fill(0);
  return text;
}

const encrypt = operation(
  z.object({ KeyId: keyId, Plaintext: blob(1, 4096), EncryptionContext: encryptionContext, GrantTokens: grantTokens, EncryptionAlgorithm: encryptionAlgorithm, DryRun: dryRun }),
  false,
  (core, call, req) => {
    const key = core.resolveKey(call, req.KeyId, { allowAlias: true });
    core.authorize(call, 'kms:Encrypt', key, req.EncryptionContext);
    core.requireUsable(key);
    requireSymmetricAlgorithm(req.EncryptionAlgorithm, key);
    dryRunStop(req.DryRun);
    const { blob: sealed } = seal(core, key, req.Plaintext, req.EncryptionContext);
    req.Plaintext.fill(0);
    return { CiphertextBlob: b64(sealed), KeyId: key.arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
);

const decrypt = operation(
  z.object({
    CiphertextBlob: blob(1, 6144),
    EncryptionContext: encryptionContext,
    GrantTokens: grantTokens,
    KeyId: keyId.optional(),
    EncryptionAlgorithm: encryptionAlgorithm,
    Recipient: z.unknown().optional(),
    DryRun: dryRun,
  }),
  false,
  (core, call, req) => {
    if (req.Recipient !== undefined) throw new KmsError('UnsupportedOperationException', 'Recipient (Nitro Enclaves attestation) is not supported by the embedded KMS.');
    const { key, plaintext, material } = unseal(core, call, 'kms:Decrypt', req.CiphertextBlob, req.EncryptionContext, req.KeyId, req.DryRun);
    requireSymmetricAlgorithm(req.EncryptionAlgorithm, key);
    return { KeyId: key.arn, Plaintext: takePlaintext(plaintext), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: material.id };
  },
);

const reEncrypt = operation(
  z.object({
    CiphertextBlob: blob(1, 6144),
    SourceEncryptionContext: encryptionContext,
    SourceKeyId: keyId.optional(),
    DestinationKeyId: keyId,
    DestinationEncryptionContext: encryptionContext,
    SourceEncryptionAlgorithm: encryptionAlgorithm,
    DestinationEncryptionAlgorithm: encryptionAlgorithm,
    GrantTokens: grantTokens,
    DryRun: dryRun,
  }),
  false,
  (core, call, req) => {
    const destination = core.resolveKey(call, req.DestinationKeyId, { allowAlias: true });
    const source = unseal(core, call, 'kms:ReEncryptFrom', req.CiphertextBlob, req.SourceEncryptionContext, req.SourceKeyId, undefined);
    try {
      requireSymmetricAlgorithm(req.SourceEncryptionAlgorithm, source.key);
      core.authorize(call, 'kms:ReEncryptTo', destination, req.DestinationEncryptionContext);
      core.requireUsable(destination);
      requireSymmetricAlgorithm(req.DestinationEncryptionAlgorithm, destination);
      dryRunStop(req.DryRun);
      const sealed = seal(core, destination, source.plaintext, req.DestinationEncryptionContext);
      return {
        CiphertextBlob: b64(sealed.blob),
        SourceKeyId: source.key.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        SourceKeyMaterialId: source.material.id,
        DestinationKeyMaterialId: sealed.material.id,
      };
    } finally {
      source.plaintext.fill(0);
    }
  },
);

const dataKeyRequest = z.object({
  KeyId: keyId,
  EncryptionContext: encryptionContext,
  NumberOfBytes: int(1, 1024).optional(),
  KeySpec: oneOf(['AES_256', 'AES_128'] as const).optional(),
  GrantTokens: grantTokens,
  Recipient: z.unknown().optional(),
  DryRun: dryRun,
});

function generateDataKey(core: KmsCore, call: CallContext, req: z.output<typeof dataKeyRequest>, action: string): { key: KeyRecord; plaintext: Buffer; blob: Buffer; material: MaterialVersion } {
  if (req.Recipient !== undefined) throw new KmsError('UnsupportedOperationException', 'Recipient (Nitro Enclaves attestation) is not supported by the embedded KMS.');
  if ((req.KeySpec === undefined) === (req.NumberOfBytes === undefined)) {
    throw new KmsError('ValidationException', 'Please specify either number of bytes or key spec.');
  }
  const key = core.resolveKey(call, req.KeyId, { allowAlias: true });
  core.authorize(call, action, key, req.EncryptionContext);
  core.requireUsable(key);
  dryRunStop(req.DryRun);
  const plaintext = pooledRandomBytes(req.NumberOfBytes ?? (req.KeySpec === 'AES_128' ? 16 : 32));
  const sealed = seal(core, key, plaintext, req.EncryptionContext);
  return { key, plaintext, blob: sealed.blob, material: sealed.material };
}

const generateDataKeyOp = operation(dataKeyRequest, false, (core, call, req) => {
  const dk = generateDataKey(core, call, req, 'kms:GenerateDataKey');
  return { CiphertextBlob: b64(dk.blob), Plaintext: takePlaintext(dk.plaintext), KeyId: dk.key.arn, KeyMaterialId: dk.material.id };
});

const generateDataKeyWithoutPlaintext = operation(dataKeyRequest.omit({ Recipient: true }), false, (core, call, req) => {
  const dk = generateDataKey(core, call, req, 'kms:GenerateDataKeyWithoutPlaintext');
  dk.plaintext.fill(0);
  return { CiphertextBlob: b64(dk.blob), KeyId: dk.key.arn, KeyMaterialId: dk.material.id };
});

const generateRandom = operation(
  z.object({ NumberOfBytes: int(1, 1024).optional(), CustomKeyStoreId: str64().optional(), Recipient: z.unknown().optional() }),
  false,
  (core, call, req) => {
    core.authorize(call, 'kms:GenerateRandom', undefined);
    if (req.CustomKeyStoreId !== undefined || req.Recipient !== undefined) {
      throw new KmsError('UnsupportedOperationException', 'Custom key stores and Recipient are not supported by the embedded KMS.');
    }
    if (req.NumberOfBytes === undefined) throw new KmsError('ValidationException', 'NumberOfBytes is required.');
    return { Plaintext: takePlaintext(randomBytes(req.NumberOfBytes)) };
  },
);

function str64() {
  return z.string().min(1).max(64);
}

export const cryptoOperations = {
  Encrypt: encrypt,
  Decrypt: decrypt,
  ReEncrypt: reEncrypt,
  GenerateDataKey: generateDataKeyOp,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateRandom: generateRandom,
};
