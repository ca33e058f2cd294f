import { createHash } from 'node:crypto';
import { z } from 'zod';
import { granteeMatches } from '../access';
import { KmsError } from '../errors';
import type { CallContext, KmsCore } from '../kms-core';
import { page, seconds } from '../key-metadata';
import type { GrantRecord, KeyRecord } from '../model';
import { dryRun, grantTokens, keyId, limit, marker, oneOf, str } from '../wire-fields';
import { operation } from './operation';

const GRANT_OPERATIONS = [
  'Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo',
  'Sign', 'Verify', 'GetPublicKey', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext', 'GenerateMac', 'VerifyMac', 'DeriveSharedSecret',
] as const;
/** Operations a symmetric encryption key supports, and of those the ones that take an encryption context. */
const SYMMETRIC_OPERATIONS = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'CreateGrant', 'RetireGrant', 'DescribeKey', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext']);
// AWS: "Grants with grant constraints can include the DescribeKey and RetireGrant operations, but the constraint doesn't apply to these operations."
const CONTEXT_OPERATIONS = new Set(['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'CreateGrant', 'RetireGrant', 'DescribeKey']);
const PRINCIPAL = /^(arn:aws:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)|arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+|\d{12}|[a-z0-9.-]+\.amazonaws\.com)$/;

const principal = str(1, 256).refine((p) => PRINCIPAL.test(p), 'Member must be a valid principal: an account, IAM user or role ARN, assumed-role ARN or service principal');
const context = z.record(z.string(), z.string()).optional();

function grantOf(core: KmsCore, key: KeyRecord, grantId: string): GrantRecord {
  if (!/^[0-9a-f]{64}$/.test(grantId)) throw new KmsError('InvalidGrantIdException', `Invalid grant id ${grantId}`);
  const grant = core.store.getGrant(grantId);
  if (!grant || grant.keyId !== key.keyId || grant.region !== key.region) throw new KmsError('NotFoundException', `Grant ID ${grantId} not found`);
  return grant;
}

const createGrant = operation(
  z.object({
    KeyId: keyId,
    GranteePrincipal: principal,
    RetiringPrincipal: principal.optional(),
    Operations: z.array(oneOf(GRANT_OPERATIONS)).min(1, 'Member must have length greater than or equal to 1'),
    Constraints: z.object({ EncryptionContextSubset: context, EncryptionContextEquals: context }).optional(),
    GrantTokens: grantTokens,
    Name: z.string().min(1).max(256).regex(/^[a-zA-Z0-9:/_-]+$/, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$').optional(),
    DryRun: dryRun,
  }),
  true,
  (core, call, req) => {
    const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
    core.authorize(call, 'kms:CreateGrant', key);
    core.requireUsable(key);
    const unsupported = req.Operations.filter((op) => !SYMMETRIC_OPERATIONS.has(op));
    if (unsupported.length) throw new KmsError('ValidationException', `${unsupported.join(', ')} ${unsupported.length === 1 ? 'is' : 'are'} not valid for a symmetric encryption KMS key.`);
    if (req.Constraints && req.Operations.some((op) => !CONTEXT_OPERATIONS.has(op))) {
      throw new KmsError('ValidationException', `Grant constraints apply only to operations that take an encryption context; ${req.Operations.filter((op) => !CONTEXT_OPERATIONS.has(op)).join(', ')} do not.`);
    }
    if (req.DryRun) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
    const operations = [...new Set(req.Operations)];
    const constraints = req.Constraints && (req.Constraints.EncryptionContextEquals || req.Constraints.EncryptionContextSubset) ? req.Constraints : undefined;
    // A retried CreateGrant with the same name and terms returns the existing grant, as in AWS.
    if (req.Name) {
      const same = core.store.grantsFor(key.region, key.keyId).find((g) => g.name === req.Name && g.granteePrincipal === req.GranteePrincipal && JSON.stringify(g.operations) === JSON.stringify(operations) && JSON.stringify(g.constraints) === JSON.stringify(constraints));
      if (same) return { GrantId: same.grantId, GrantToken: same.token };
    }
    const grantId = createHash('sha256').update(core.ids.bytes(32)).digest('hex');
    const grant: GrantRecord = {
      grantId,
      token: core.ids.bytes(48).toString('base64url'),
      region: key.region,
      keyId: key.keyId,
      name: req.Name,
      createdAt: core.now(),
      granteePrincipal: req.GranteePrincipal,
      retiringPrincipal: req.RetiringPrincipal,
      issuingAccount: `arn:aws:iam::${call.caller.account}:root`,
      operations,
      constraints,
    };
    core.store.putGrant(grant);
    return { GrantId: grant.grantId, GrantToken: grant.token };
  },
);

const listGrants = operation(
  z.object({ KeyId: keyId, Limit: limit, Marker: marker, GrantId: str(1, 128).optional(), GranteePrincipal: str(1, 256).optional() }),
  false,
  (core, call, req) => {
    const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
    core.authorize(call, 'kms:ListGrants', key);
    const grants = core.store.grantsFor(key.region, key.keyId)
      .filter((g) => (req.GrantId === undefined || g.grantId === req.GrantId) && (req.GranteePrincipal === undefined || g.granteePrincipal === req.GranteePrincipal));
    const p = page(grants, req.Limit, req.Marker, (g) => g.grantId);
    return {
      Grants: p.items.map((g) => ({
        KeyId: key.arn,
        GrantId: g.grantId,
        ...(g.name ? { Name: g.name } : {}),
        CreationDate: seconds(g.createdAt),
        GranteePrincipal: g.granteePrincipal,
        ...(g.retiringPrincipal ? { RetiringPrincipal: g.retiringPrincipal } : {}),
        IssuingAccount: g.issuingAccount,
        Operations: g.operations,
        ...(g.constraints ? { Constraints: g.constraints } : {}),
      })),
      Truncated: p.truncated,
      ...(p.nextMarker ? { NextMarker: p.nextMarker } : {}),
    };
  },
);

/**
 * Who may retire a grant: its retiring principal, its grantee when the grant includes RetireGrant,
 * or a principal the key policy (or IAM, through it) allows kms:RetireGrant.
 */
function mayRetire(core: KmsCore, call: CallContext, key: KeyRecord, grant: GrantRecord): boolean {
  if (grant.retiringPrincipal && granteeMatches(grant.retiringPrincipal, call.caller)) return true;
  if (granteeMatches(grant.granteePrincipal, call.caller) && grant.operations.includes('RetireGrant')) return true;
  try {
    core.access.authorize({ caller: call.caller, action: 'kms:RetireGrant', key });
    return true;
  } catch {
    return false;
  }
}

const retireGrant = operation(
  z.object({ GrantToken: str(1, 8192).optional(), KeyId: keyId.optional(), GrantId: str(1, 128).optional(), DryRun: dryRun }),
  true,
  (core, call, req) => {
    let grant: GrantRecord | undefined;
    if (req.GrantToken !== undefined) {
      grant = core.store.grantByToken(req.GrantToken);
      if (!grant) throw new KmsError('InvalidGrantTokenException', 'The grant token is not valid or the grant was already retired or revoked.');
    } else if (req.KeyId !== undefined && req.GrantId !== undefined) {
      grant = grantOf(core, core.resolveKey(call, req.KeyId, { allowAlias: false }), req.GrantId);
    } else {
      throw new KmsError('ValidationException', 'RetireGrant needs either GrantToken, or both KeyId and GrantId.');
    }
    const key = core.store.getKey(grant.region, grant.keyId);
    if (!key) throw new KmsError('NotFoundException', `Grant ID ${grant.grantId} not found`);
    if (!mayRetire(core, call, key, grant)) {
      throw new KmsError('AccessDeniedException', `User: ${call.caller.callerArn} is not authorized to perform: kms:RetireGrant on resource: ${key.arn} because it is neither the grant's retiring principal nor an allowed grantee`);
    }
    if (req.DryRun) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
    core.store.deleteGrant(grant.grantId);
    return {};
  },
);

const revokeGrant = operation(z.object({ KeyId: keyId, GrantId: str(1, 128), DryRun: dryRun }), true, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:RevokeGrant', key);
  const grant = grantOf(core, key, req.GrantId);
  if (req.DryRun) throw new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  core.store.deleteGrant(grant.grantId);
  return {};
});

export const grantOperations = { CreateGrant: createGrant, ListGrants: listGrants, RetireGrant: retireGrant, RevokeGrant: revokeGrant };
