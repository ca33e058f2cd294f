import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { defaultKeyPolicy, keyMetadata } from '../key-metadata';
import type { KeyRecord } from '../model';
import { isKnownRegion } from '../regions';
import { keyId, policyDocument, str, tagList } from '../wire-fields';
import { checkNewPolicy } from './keys';
import { operation } from './operation';
import { applyTags, tagList as toTagList } from './tag-rules';

function requireMultiRegionPrimary(core: KmsCore, key: KeyRecord): void {
  if (!key.multiRegion) throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-Region key. Only multi-Region keys (key ids beginning mrk-) can be replicated or change their primary Region.`);
  if (core.isReplica(key)) throw new KmsError('UnsupportedOperationException', `${key.arn} is not a multi-region primary key.`);
}

function requireRegion(region: string, member: string): void {
  if (!isKnownRegion(region)) throw new KmsError('ValidationException', `1 validation error detected: Value '${region}' at '${member}' failed to satisfy constraint: Member must be a valid AWS Region name`);
}

const replicateKey = operation(
  z.object({
    KeyId: keyId,
    ReplicaRegion: str(1, 32),
    Policy: policyDocument.optional(),
    BypassPolicyLockoutSafetyCheck: z.boolean().optional(),
    Description: str(0, 8192).optional(),
    Tags: tagList,
  }),
  true,
  (core, call, req) => {
    requireRegion(req.ReplicaRegion, 'replicaRegion');
    const primary = core.resolveKey(call, req.KeyId, { allowAlias: false });
    core.authorize(call, 'kms:ReplicateKey', primary);
    // Creating the replica is a CreateKey in the replica's region, decided by the caller's IAM policy.
    const replicaCall: CallContext = { caller: call.caller, region: req.ReplicaRegion };
    core.authorize(replicaCall, 'kms:CreateKey', undefined);
    requireMultiRegionPrimary(core, primary);
    core.requireNotPendingDeletion(primary);
    if (req.ReplicaRegion === primary.region) throw new KmsError('ValidationException', `The replica Region ${req.ReplicaRegion} is the primary key's own Region.`);
    const existing = core.store.getKey(req.ReplicaRegion, primary.keyId);
    if (existing) throw new KmsError('AlreadyExistsException', `Multi-Region key ${primary.keyId} already has a replica in ${req.ReplicaRegion}: ${existing.arn}`);
    const replica: KeyRecord = {
      ...primary,
      region: req.ReplicaRegion,
      arn: core.arn(req.ReplicaRegion, primary.account, primary.keyId),
      createdAt: core.now(),
      description: req.Description ?? '',
      state: primary.state === 'Disabled' ? 'Disabled' : 'Enabled',
      deletionDate: undefined,
      pendingWindowDays: undefined,
      policy: req.Policy ?? defaultKeyPolicy(primary.account),
      tags: applyTags({}, req.Tags),
    };
    if (req.Policy !== undefined) checkNewPolicy(core, replicaCall, replica, req.Policy, req.BypassPolicyLockoutSafetyCheck);
    core.store.putKey(replica);
    // AWS answers while the replica is still being made: Creating, not yet enabled, no key material id
    // shown. The embedded KMS finishes at once, so the next request already sees it Enabled (or
    // Disabled, as its primary); AWS takes a few seconds (docs/backends.md).
    const { CurrentKeyMaterialId: _notYet, ...metadata } = keyMetadata(core, replica);
    return {
      ReplicaKeyMetadata: { ...metadata, KeyState: 'Creating', Enabled: false },
      ReplicaPolicy: replica.policy,
      ...(req.Tags?.length ? { ReplicaTags: toTagList(replica.tags) } : {}),
    };
  },
);

const updatePrimaryRegion = operation(z.object({ KeyId: keyId, PrimaryRegion: str(1, 32) }), true, (core, call, req) => {
  requireRegion(req.PrimaryRegion, 'primaryRegion');
  const primary = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:UpdatePrimaryRegion', primary);
  requireMultiRegionPrimary(core, primary);
  // AWS: "Both the primary key and the replica key must be in the Enabled key state when the operation starts."
  core.requireUsable(primary);
  const replica = core.store.getKey(req.PrimaryRegion, primary.keyId);
  if (!replica) throw new KmsError('NotFoundException', `Multi-Region key ${primary.keyId} has no replica in ${req.PrimaryRegion}; create one with ReplicateKey first.`);
  core.authorize({ caller: call.caller, region: req.PrimaryRegion }, 'kms:UpdatePrimaryRegion', replica);
  core.requireUsable(replica);
  core.store.putFamily({ ...core.family(primary), primaryRegion: req.PrimaryRegion });
  return {};
});

export const multiRegionOperations = {
  ReplicateKey: replicateKey,
  UpdatePrimaryRegion: updatePrimaryRegion,
};
