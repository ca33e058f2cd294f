import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import type { KeyRecord } from '../model';
import { blob, dryRun, grantTokens, keyId, oneOf } from '../wire-fields';
import { operation, type Operation } from './operation';

/**
 * Operations of the key types the embedded KMS does not make: signing and key-agreement keys,
 * HMAC keys, keys for imported material. Every key it holds is a symmetric encryption key
 * (ENCRYPT_DECRYPT, origin AWS_KMS), so each of these answers what AWS answers for such a key —
 * after finding the key, authorizing the caller and checking the key's state, as AWS does first —
 * rather than "Unknown operation", which an SDK user reads as a broken endpoint. The messages are
 * AWS's as LocalStack's AWS-validated suite recorded them (test_error_messaging_for_invalid_keys,
 * test_get_parameters_for_import_raises_for_non_external_kms_keys).
 */

const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256', 'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384', 'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256',
] as const;
const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;
const messageType = oneOf(['RAW', 'DIGEST', 'EXTERNAL_MU'] as const).optional();

/** The key, once the caller may use it for `action` and it is usable: what AWS checks before the key's usage or origin. */
function usableKey(core: KmsCore, call: CallContext, keyRef: string, action: string): KeyRecord {
  const key = core.resolveKey(call, keyRef, { allowAlias: true });
  core.authorize(call, action, key);
  core.requireUsable(key);
  return key;
}

/** An operation for keys of another usage: refused with InvalidKeyUsageException naming the key's usage. */
function otherUsage<S extends z.ZodObject<{ KeyId: typeof keyId }>>(name: string, schema: S): Operation {
  return operation(schema, false, (core, call, req) => {
    const key = usableKey(core, call, req.KeyId, `kms:${name}`);
    throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for ${name}.`);
  });
}

/** An operation for keys with imported material: refused with UnsupportedOperationException naming the key's origin. */
function otherOrigin<S extends z.ZodObject<{ KeyId: typeof keyId }>>(name: string, schema: S, mutates: boolean): Operation {
  return operation(schema, mutates, (core, call, req) => {
    const key = usableKey(core, call, req.KeyId, `kms:${name}`);
    throw new KmsError('UnsupportedOperationException', `${key.arn} origin is AWS_KMS which is not valid for this operation.`);
  });
}

export const otherKeyTypeOperations: Readonly<Record<string, Operation>> = {
  Sign: otherUsage('Sign', z.object({
    KeyId: keyId, Message: blob(1, 4096), MessageType: messageType, SigningAlgorithm: oneOf(SIGNING_ALGORITHMS), GrantTokens: grantTokens, DryRun: dryRun,
  })),
  Verify: otherUsage('Verify', z.object({
    KeyId: keyId, Message: blob(1, 4096), MessageType: messageType, Signature: blob(1, 6144), SigningAlgorithm: oneOf(SIGNING_ALGORITHMS), GrantTokens: grantTokens, DryRun: dryRun,
  })),
  GenerateMac: otherUsage('GenerateMac', z.object({ KeyId: keyId, Message: blob(1, 4096), MacAlgorithm: oneOf(MAC_ALGORITHMS), GrantTokens: grantTokens, DryRun: dryRun })),
  VerifyMac: otherUsage('VerifyMac', z.object({
    KeyId: keyId, Message: blob(1, 4096), MacAlgorithm: oneOf(MAC_ALGORITHMS), Mac: blob(1, 6144), GrantTokens: grantTokens, DryRun: dryRun,
  })),
  DeriveSharedSecret: otherUsage('DeriveSharedSecret', z.object({
    KeyId: keyId, KeyAgreementAlgorithm: oneOf(['ECDH'] as const), PublicKey: blob(1, 8192), GrantTokens: grantTokens, DryRun: dryRun, Recipient: z.unknown().optional(),
  })),
  // A symmetric key has no public key: AWS answers UnsupportedOperationException (its wording is not recorded; this names the usage as its other refusals do).
  GetPublicKey: operation(z.object({ KeyId: keyId, GrantTokens: grantTokens }), false, (core, call, req) => {
    const key = usableKey(core, call, req.KeyId, 'kms:GetPublicKey');
    throw new KmsError('UnsupportedOperationException', `${key.arn} key usage is ENCRYPT_DECRYPT which is not valid for GetPublicKey.`);
  }),
  GetParametersForImport: otherOrigin('GetParametersForImport', z.object({
    KeyId: keyId,
    WrappingAlgorithm: oneOf(['RSAES_PKCS1_V1_5', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256', 'SM2PKE'] as const),
    WrappingKeySpec: oneOf(['RSA_2048', 'RSA_3072', 'RSA_4096', 'SM2'] as const),
  }), false),
  ImportKeyMaterial: otherOrigin('ImportKeyMaterial', z.object({
    KeyId: keyId, ImportToken: blob(1, 6144), EncryptedKeyMaterial: blob(1, 6144), ValidTo: z.number().optional(),
    ExpirationModel: oneOf(['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE'] as const).optional(),
    ImportType: oneOf(['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL'] as const).optional(), KeyMaterialDescription: z.string().max(256).optional(), KeyMaterialId: z.string().optional(),
  }), true),
  DeleteImportedKeyMaterial: otherOrigin('DeleteImportedKeyMaterial', z.object({ KeyId: keyId, KeyMaterialId: z.string().optional() }), true),
};
