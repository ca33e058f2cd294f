import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { defaultKeyPolicy, keyMetadata, page, seconds } from '../key-metadata';
import type { KeyFamily, KeyRecord } from '../model';
import { applyTags } from './tag-rules';
import { grantTokens, int, keyId, limit, marker, oneOf, policyDocument, str, tagList } from '../wire-fields';
import { operation } from './operation';

const MS_PER_DAY = 86_400_000;
const LOCKOUT = 'The new key policy will not allow you to update the key policy in the future.';
/** AWS's KeySpec enum (the SDK model's): an unknown name is a ValidationException, a known one we do not model is unsupported. */
const KEY_SPECS = [
  'SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521', 'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87',
  'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024',
] as const;

/**
 * Checks a policy for a new or changed key: it must parse, and unless the caller bypasses the
 * lockout safety check it must still let the caller change the policy later.
 */
export function checkNewPolicy(core: KmsCore, call: CallContext, key: KeyRecord, policy: string, bypass: boolean | undefined): void {
  const doc = core.access.policy(policy, true);
  // AWS resolves every principal when the policy is set: a typo in a role's ARN fails here, not at the first refused call.
  const named = doc.statements.flatMap((st) => [st.principals, st.notPrincipals]).flatMap((p) => (p && !p.any ? p.aws : []));
  if (named.some((arn) => !core.principalExists(arn))) throw new KmsError('MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.');
  if (!bypass && !core.access.keepsPolicyAdmin(policy, call.caller, key)) throw new KmsError('MalformedPolicyDocumentException', LOCKOUT);
}

const createKey = operation(
  z.object({
    Policy: policyDocument.optional(),
    Description: str(0, 8192).optional(),
    KeyUsage: oneOf(['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const).optional(),
    CustomerMasterKeySpec: oneOf(KEY_SPECS).optional(),
    KeySpec: oneOf(KEY_SPECS).optional(),
    Origin: oneOf(['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE'] as const).optional(),
    CustomKeyStoreId: str(1, 64).optional(),
    BypassPolicyLockoutSafetyCheck: z.boolean().optional(),
    Tags: tagList,
    MultiRegion: z.boolean().optional(),
    XksKeyId: str(1, 128).optional(),
  }),
  true,
  (core, call, req) => {
    core.authorize(call, 'kms:CreateKey', undefined);
    const spec = req.KeySpec ?? req.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
    if (spec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', `KeySpec ${spec} is not supported by KeyDrill's embedded KMS, which models symmetric encryption keys (SYMMETRIC_DEFAULT) only.`);
    if (req.KeyUsage && req.KeyUsage !== 'ENCRYPT_DECRYPT') throw new KmsError('ValidationException', `KeyUsage ${req.KeyUsage} is not compatible with KeySpec SYMMETRIC_DEFAULT`);
    if ((req.Origin && req.Origin !== 'AWS_KMS') || req.CustomKeyStoreId || req.XksKeyId) {
      throw new KmsError('UnsupportedOperationException', "KeyDrill's embedded KMS supports only Origin AWS_KMS keys (no imported material or custom key stores).");
    }
    const now = core.now();
    const id = req.MultiRegion ? `mrk-${core.ids.bytes(16).toString('hex')}` : core.ids.uuid();
    const key: KeyRecord = {
      keyId: id,
      region: call.region,
      account: call.caller.account,
      arn: core.arn(call.region, call.caller.account, id),
      createdAt: now,
      description: req.Description ?? '',
      state: 'Enabled',
      deletionDate: undefined,
      pendingWindowDays: undefined,
      multiRegion: req.MultiRegion ?? false,
      policy: req.Policy ?? defaultKeyPolicy(call.caller.account),
      tags: applyTags({}, req.Tags),
    };
    if (req.Policy !== undefined) checkNewPolicy(core, call, key, req.Policy, req.BypassPolicyLockoutSafetyCheck);
    const family: KeyFamily = {
      keyId: id,
      primaryRegion: call.region,
      materials: [core.newMaterial(id, undefined)],
      rotationEnabled: false,
      rotationPeriodDays: undefined,
      rotationAnchor: undefined,
      onDemandRotations: 0,
    };
    core.store.putFamily(family);
    core.store.putKey(key);
    return { KeyMetadata: keyMetadata(core, key) };
  },
);

const describeKey = operation(z.object({ KeyId: keyId, GrantTokens: grantTokens }), false, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: true });
  core.authorize(call, 'kms:DescribeKey', key);
  return { KeyMetadata: keyMetadata(core, key) };
});

const listKeys = operation(z.object({ Limit: limit, Marker: marker }), false, (core, call, req) => {
  core.authorize(call, 'kms:ListKeys', undefined);
  const keys = core.store.keysIn(call.region).filter((k) => k.account === call.caller.account);
  const p = page(keys, req.Limit, req.Marker, (k) => k.keyId);
  return { Keys: p.items.map((k) => ({ KeyId: k.keyId, KeyArn: k.arn })), Truncated: p.truncated, ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}) };
});

const keyOnly = z.object({ KeyId: keyId });

const enableKey = operation(keyOnly, true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:EnableKey', key);
  core.requireNotPendingDeletion(key);
  core.store.putKey({ ...key, state: 'Enabled' });
  if (!core.isReplica(key)) core.catchUpRotation(key);
  return {};
});

const disableKey = operation(keyOnly, true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:DisableKey', key);
  core.requireNotPendingDeletion(key);
  core.store.putKey({ ...key, state: 'Disabled' });
  return {};
});

const scheduleKeyDeletion = operation(z.object({ KeyId: keyId, PendingWindowInDays: int(7, 30).optional() }), true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:ScheduleKeyDeletion', key);
  core.requireNotPendingDeletion(key);
  const days = req.PendingWindowInDays ?? 30;
  // A multi-Region primary outlives its replicas: its waiting period starts when the last one is deleted.
  const hasReplicas = key.multiRegion && !core.isReplica(key) && core.store.keysWithId(key.keyId).length > 1;
  const next: KeyRecord = hasReplicas
    ? { ...key, state: 'PendingReplicaDeletion', deletionDate: undefined, pendingWindowDays: days }
    : { ...key, state: 'PendingDeletion', deletionDate: core.now() + days * MS_PER_DAY, pendingWindowDays: days };
  core.store.putKey(next);
  return {
    KeyId: key.arn,
    KeyState: next.state,
    PendingWindowInDays: days,
    ...(next.deletionDate !== undefined ? { DeletionDate: seconds(next.deletionDate) } : {}),
  };
});

const cancelKeyDeletion = operation(keyOnly, true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:CancelKeyDeletion', key);
  if (key.state !== 'PendingDeletion' && key.state !== 'PendingReplicaDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
  }
  // As in AWS, a key whose deletion is cancelled comes back disabled.
  core.store.putKey({ ...key, state: 'Disabled', deletionDate: undefined, pendingWindowDays: undefined });
  return { KeyId: key.arn };
});

const updateKeyDescription = operation(z.object({ KeyId: keyId, Description: str(0, 8192) }), true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:UpdateKeyDescription', key);
  core.requireNotPendingDeletion(key);
  core.store.putKey({ ...key, description: req.Description });
  return {};
});

export const keyOperations = {
  CreateKey: createKey,
  DescribeKey: describeKey,
  ListKeys: listKeys,
  EnableKey: enableKey,
  DisableKey: disableKey,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  CancelKeyDeletion: cancelKeyDeletion,
  UpdateKeyDescription: updateKeyDescription,
};
