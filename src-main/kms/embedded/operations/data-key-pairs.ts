import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { dryRun, encryptionContext, grantTokens, keyId, oneOf } from '../wire-fields';
import { dryRunStop, seal, takePlaintext } from './crypto';
import { b64, operation } from './operation';

/**
 * GenerateDataKeyPair(WithoutPlaintext): an RSA or elliptic-curve key pair made here, its private
 * key (PKCS #8, DER) encrypted under a symmetric KMS key as Encrypt would, so Decrypt opens it; the
 * public key as X.509 SubjectPublicKeyInfo (DER), as AWS returns them. SM2 is for AWS's China
 * Regions, which the embedded KMS does not serve.
 */
const KEY_PAIR_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1', 'SM2'] as const;
type KeyPairSpec = (typeof KEY_PAIR_SPECS)[number];

const keyPairRequest = z.object({
  KeyId: keyId,
  KeyPairSpec: oneOf(KEY_PAIR_SPECS),
  EncryptionContext: encryptionContext,
  GrantTokens: grantTokens,
  Recipient: z.unknown().optional(),
  DryRun: dryRun,
});

const CURVES: Partial<Record<KeyPairSpec, string>> = { ECC_NIST_P256: 'P-256', ECC_NIST_P384: 'P-384', ECC_NIST_P521: 'P-521', ECC_SECG_P256K1: 'secp256k1' };

function keyPair(spec: KeyPairSpec): { publicKey: Buffer; privateKey: Buffer } {
  const pair = spec.startsWith('RSA_') ? generateKeyPairSync('rsa', { modulusLength: Number(spec.slice(4)) }) : generateKeyPairSync('ec', { namedCurve: curveOf(spec) });
  return { publicKey: pair.publicKey.export({ type: 'spki', format: 'der' }), privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'der' }) };
}

function curveOf(spec: KeyPairSpec): string {
  const namedCurve = CURVES[spec];
  if (!namedCurve) throw new KmsError('UnsupportedOperationException', `KeyPairSpec ${spec} is available in the AWS China Regions only, which the embedded KMS does not serve.`);
  return namedCurve;
}

function generateDataKeyPair(core: KmsCore, call: CallContext, req: z.output<typeof keyPairRequest>, action: string, withPlaintext: boolean): Record<string, unknown> {
  if (req.Recipient !== undefined) throw new KmsError('UnsupportedOperationException', 'Recipient (Nitro Enclaves attestation) is not supported by the embedded KMS.');
  const key = core.resolveKey(call, req.KeyId, { allowAlias: true });
  core.authorize(call, action, key, req.EncryptionContext);
  core.requireUsable(key);
  dryRunStop(req.DryRun);
  const { publicKey, privateKey } = keyPair(req.KeyPairSpec);
  const sealed = seal(core, key, privateKey, req.EncryptionContext);
  const plaintext = withPlaintext ? { PrivateKeyPlaintext: takePlaintext(privateKey) } : (privateKey.fill(0), {});
  return { PrivateKeyCiphertextBlob: b64(sealed.blob), ...plaintext, PublicKey: b64(publicKey), KeyId: key.arn, KeyPairSpec: req.KeyPairSpec, KeyMaterialId: sealed.material.id };
}

export const dataKeyPairOperations = {
  GenerateDataKeyPair: operation(keyPairRequest, false, (core, call, req) => generateDataKeyPair(core, call, req, 'kms:GenerateDataKeyPair', true)),
  GenerateDataKeyPairWithoutPlaintext: operation(keyPairRequest.omit({ Recipient: true }), false, (core, call, req) =>
    generateDataKeyPair(core, call, { ...req, Recipient: undefined }, 'kms:GenerateDataKeyPairWithoutPlaintext', false)),
};
