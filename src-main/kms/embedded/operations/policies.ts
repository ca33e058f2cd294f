import { z } from 'zod';
import { KmsError } from '../errors';
import { keyId, limit, marker, policyDocument, policyName } from '../wire-fields';
import { checkNewPolicy } from './keys';
import { operation } from './operation';

/** A KMS key has exactly one key policy, named "default". */
function requireDefault(name: string | undefined): void {
  if (name !== undefined && name !== 'default') throw new KmsError('NotFoundException', `No such policy exists: ${name}. A KMS key's only key policy is named "default".`);
}

const getKeyPolicy = operation(z.object({ KeyId: keyId, PolicyName: policyName }), false, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:GetKeyPolicy', key);
  requireDefault(req.PolicyName);
  return { Policy: key.policy, PolicyName: 'default' };
});

const putKeyPolicy = operation(
  z.object({ KeyId: keyId, PolicyName: policyName, Policy: policyDocument, BypassPolicyLockoutSafetyCheck: z.boolean().optional() }),
  true,
  (core, call, req) => {
    const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
    core.authorize(call, 'kms:PutKeyPolicy', key);
    requireDefault(req.PolicyName);
    checkNewPolicy(core, call, key, req.Policy, req.BypassPolicyLockoutSafetyCheck);
    core.store.putKey({ ...key, policy: req.Policy });
    return {};
  },
);

const listKeyPolicies = operation(z.object({ KeyId: keyId, Limit: limit, Marker: marker }), false, (core, call, req) => {
  const key = core.resolveKey(call, req.KeyId, { allowAlias: false });
  core.authorize(call, 'kms:ListKeyPolicies', key);
  return { PolicyNames: ['default'], Truncated: false };
});

export const policyOperations = { GetKeyPolicy: getKeyPolicy, PutKeyPolicy: putKeyPolicy, ListKeyPolicies: listKeyPolicies };
