import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { page, seconds } from '../key-metadata';
import { nextRotationAt, type KeyRecord } from '../model';
import { int, keyId, limit, marker, oneOf } from '../wire-fields';
import { operation } from './operation';

const ON_DEMAND_LIMIT = 25;

/** Rotation is a property of the multi-Region key set, managed on its primary only. */
function requirePrimary(core: KmsCore, key: KeyRecord): void {
  if (core.isReplica(key)) {
    throw new KmsError('UnsupportedOperationException', `${key.arn} is a multi-Region replica key. Manage key rotation on its primary key in ${core.family(key).primaryRegion}.`);
  }
}

function rotationTarget(core: KmsCore, call: CallContext, ref: string, action: string): KeyRecord {
  const key = core.resolveKey(call, ref, { allowAlias: false });
  core.authorize(call, action, key);
  core.requireUsable(key);
  requirePrimary(core, key);
  return key;
}

const enableKeyRotation = operation(z.object({ KeyId: keyId, RotationPeriodInDays: int(90, 2560).optional() }), true, (core, call, req) => {
  const key = rotationTarget(core, call, req.KeyId, 'kms:EnableKeyRotation');
  const family = core.family(key);
  // Changing the period of an enabled rotation keeps its anchor (the last rotation), as AWS does.
  core.store.putFamily({
    ...family,
    rotationEnabled: true,
    rotationPeriodDays: req.RotationPeriodInDays ?? 365,
    rotationAnchor: family.rotationEnabled ? family.rotationAnchor : core.now(),
  });
  return {};
});

const disableKeyRotation = operation(z.object({ KeyId: keyId }), true, (core, call, req) => {
  const key = rotationTarget(core, call, req.KeyId, 'kms:DisableKeyRotation');
  core.store.putFamily({ ...core.family(key), rotationEnabled: false, rotationPeriodDays: undefined, rotationAnchor: undefined });
  return {};
});

const getKeyRotationStatus = operation(z.object({ KeyId: keyId }), false, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:GetKeyRotationStatus', key);
  const family = core.family(key);
  const next = nextRotationAt(family);
  return {
    KeyRotationEnabled: family.rotationEnabled,
    KeyId: key.arn,
    ...(family.rotationEnabled ? { RotationPeriodInDays: family.rotationPeriodDays } : {}),
    ...(next !== undefined ? { NextRotationDate: seconds(next) } : {}),
  };
});

const rotateKeyOnDemand = operation(z.object({ KeyId: keyId }), true, (core, call, req) => {
  const key = rotationTarget(core, call, req.KeyId, 'kms:RotateKeyOnDemand');
  const family = core.family(key);
  if (family.onDemandRotations >= ON_DEMAND_LIMIT) {
    throw new KmsError('LimitExceededException', `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`);
  }
  core.store.putFamily(core.rotate(family, 'ON_DEMAND', core.now()));
  return { KeyId: key.arn };
});

const listKeyRotations = operation(
  z.object({ KeyId: keyId, IncludeKeyMaterial: oneOf(['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const).optional(), Limit: limit, Marker: marker }),
  false,
  (core, call, req) => {
    const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
    core.authorize(call, 'kms:ListKeyRotations', key);
    const family = core.family(key);
    const currentId = family.materials[family.materials.length - 1]?.id;
    const materials = req.IncludeKeyMaterial === 'ALL_KEY_MATERIAL' ? family.materials : family.materials.filter((m) => m.rotationType !== undefined);
    const p = page(materials, req.Limit, req.Marker, (m) => m.id);
    return {
      Rotations: p.items.map((m) => ({
        KeyId: key.keyId,
        KeyMaterialId: m.id,
        KeyMaterialState: m.id === currentId ? 'CURRENT' : 'NON_CURRENT',
        ...(m.rotationType ? { RotationDate: seconds(m.createdAt), RotationType: m.rotationType } : {}),
      })),
      Truncated: p.truncated,
      ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    };
  },
);

export const rotationOperations = {
  EnableKeyRotation: enableKeyRotation,
  DisableKeyRotation: disableKeyRotation,
  GetKeyRotationStatus: getKeyRotationStatus,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ListKeyRotations: listKeyRotations,
};
