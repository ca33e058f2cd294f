import { z } from 'zod';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { page, seconds } from '../key-metadata';
import type { AliasRecord } from '../model';
import { keyId, limit, marker } from '../wire-fields';
import { operation } from './operation';

const aliasName = z.string()
  .min(1, 'Member must have length greater than or equal to 1')
  .max(256, 'Member must have length less than or equal to 256')
  .regex(/^[a-zA-Z0-9:/_-]+$/, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$');

const aliasArn = (call: CallContext, name: string): string => `arn:aws:kms:${call.region}:${call.caller.account}:${name}`;

function checkNewName(name: string): void {
  if (!name.startsWith('alias/') || name.length <= 'alias/'.length) {
    throw new KmsError('ValidationException', 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html');
  }
  if (name.startsWith('alias/aws/')) throw new KmsError('InvalidAliasNameException', 'Alias must not begin with alias/aws/: that prefix is reserved for AWS managed keys.');
}

function existing(core: KmsCore, call: CallContext, name: string): AliasRecord {
  const alias = core.store.getAlias(call.region, name);
  if (!alias) throw new KmsError('NotFoundException', `Alias ${aliasArn(call, name)} is not found.`);
  return alias;
}

const createAlias = operation(z.object({ AliasName: aliasName, TargetKeyId: keyId }), true, (core, call, req) => {
  checkNewName(req.AliasName);
  const key = core.resolveKey(call, req.TargetKeyId, { allowAlias: false });
  core.authorize(call, 'kms:CreateAlias', key);
  core.requireNotPendingDeletion(key);
  if (core.store.getAlias(call.region, req.AliasName)) throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasArn(call, req.AliasName)} already exists`);
  const now = core.now();
  core.store.putAlias({ region: call.region, name: req.AliasName, targetKeyId: key.keyId, createdAt: now, updatedAt: now });
  return {};
});

const updateAlias = operation(z.object({ AliasName: aliasName, TargetKeyId: keyId }), true, (core, call, req) => {
  const alias = existing(core, call, req.AliasName);
  const current = core.resolveKey(call, alias.targetKeyId, { allowAlias: false });
  const next = core.resolveKey(call, req.TargetKeyId, { allowAlias: false });
  core.authorize(call, 'kms:UpdateAlias', current);
  core.authorize(call, 'kms:UpdateAlias', next);
  core.requireNotPendingDeletion(next);
  core.store.putAlias({ ...alias, targetKeyId: next.keyId, updatedAt: core.now() });
  return {};
});

const deleteAlias = operation(z.object({ AliasName: aliasName }), true, (core, call, req) => {
  const alias = existing(core, call, req.AliasName);
  const key = core.resolveKey(call, alias.targetKeyId, { allowAlias: false });
  core.authorize(call, 'kms:DeleteAlias', key);
  core.store.deleteAlias(call.region, alias.name);
  return {};
});

const listAliases = operation(z.object({ KeyId: keyId.optional(), Limit: limit, Marker: marker }), false, (core, call, req) => {
  core.authorize(call, 'kms:ListAliases', undefined);
  const target = req.KeyId === undefined ? undefined : core.resolveKey(call, req.KeyId, { allowAlias: false }).keyId;
  // Aliases belong to the account of the key they name.
  const ownAccount = (a: AliasRecord): boolean => core.store.getKey(call.region, a.targetKeyId)?.account === call.caller.account;
  const aliases = core.store.aliasesIn(call.region).filter((a) => ownAccount(a) && (target === undefined || a.targetKeyId === target));
  const p = page(aliases, req.Limit, req.Marker, (a) => a.name);
  return {
    Aliases: p.items.map((a) => ({
      AliasName: a.name,
      AliasArn: aliasArn(call, a.name),
      TargetKeyId: a.targetKeyId,
      CreationDate: seconds(a.createdAt),
      LastUpdatedDate: seconds(a.updatedAt),
    })),
    Truncated: p.truncated,
    ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
  };
});

export const aliasOperations = { CreateAlias: createAlias, UpdateAlias: updateAlias, DeleteAlias: deleteAlias, ListAliases: listAliases };
