import { contextContains, contextEquals, type EncryptionContext } from './encryption-context';
import { KmsError } from './errors';
import type { Identity } from './identities';
import type { GrantRecord, KeyRecord } from './model';
import { parsePolicy, type PolicyDocument } from './policy/policy-document';
import { evaluatePolicy, type PolicyVerdict, type RequestContext } from './policy/evaluate';

/**
 * The KMS authorization decision, as AWS documents it. An explicit Deny in the key policy or the
 * caller's IAM policy always refuses. Then:
 * - a caller in the key's own account is allowed when the key policy allows it directly, or the key
 *   policy trusts the account (delegating to IAM) and the caller's IAM policy allows it, or a grant
 *   for the caller covers the operation and its encryption-context constraints;
 * - a caller from another account (the SaaS vendor's role using the customer's key) needs both
 *   sides: the key's permission (the key policy naming the caller or its account, or a grant) AND an
 *   IAM policy in its own account allowing the action on the key.
 * Operations on no particular key (CreateKey, ListKeys, GenerateRandom...) are decided by IAM alone.
 * Conditions see the caller's network path (aws:SourceIp, aws:SourceVpce) as its session declares it.
 */
export interface AccessRequest {
  caller: Identity;
  action: string; // "kms:Decrypt"
  key: KeyRecord | undefined;
  encryptionContext?: EncryptionContext | undefined;
  grants?: readonly GrantRecord[];
}

export class AccessControl {
  private readonly parsed = new Map<string, PolicyDocument>();
  /**
   * Verdicts of policies without conditions, which depend only on caller, action and resource: the
   * same few repeat on every data-key call, and evaluating a policy is a tenth of such a call's CPU.
   */
  private readonly verdicts = new WeakMap<PolicyDocument, Map<string, PolicyVerdict>>();

  authorize(req: AccessRequest): void {
    const { caller, action, key } = req;
    const ctx: RequestContext = {
      principalArn: caller.principalArn,
      callerAccount: caller.account,
      action,
      resource: key?.arn ?? '*',
      encryptionContext: req.encryptionContext,
      viaService: caller.viaService,
      sourceVpce: caller.sourceVpce,
      sourceIp: caller.sourceIp,
    };
    const iam = caller.iamPolicy ? this.evaluate(this.policy(caller.iamPolicy, false), ctx) : undefined;
    const iamAllows = iam !== undefined && !iam.explicitDeny && iam.allowsPrincipal;
    if (!key) {
      if (iamAllows) return;
      throw denied(caller, action, '*', iam?.explicitDeny ? 'with an explicit deny in an identity-based policy' : 'because no identity-based policy allows the ' + action + ' action');
    }
    const kp = this.evaluate(this.policy(key.policy, true), ctx);
    if (kp.explicitDeny) throw denied(caller, action, key.arn, 'with an explicit deny in a resource-based policy');
    if (iam?.explicitDeny) throw denied(caller, action, key.arn, 'with an explicit deny in an identity-based policy');
    const granted = req.grants !== undefined && grantAllows(req.grants, caller, action, req.encryptionContext);
    if (caller.account !== key.account) {
      if (!kp.allowsPrincipal && !kp.allowsAccountDelegation && !granted) throw denied(caller, action, key.arn, `because no resource-based policy allows the ${action} action`);
      if (!iamAllows) throw denied(caller, action, key.arn, `because no identity-based policy allows the ${action} action`);
      return;
    }
    if (kp.allowsPrincipal) return;
    if (kp.allowsAccountDelegation && iamAllows) return;
    if (granted) return;
    throw denied(caller, action, key.arn, `because no resource-based policy allows the ${action} action`);
  }

  /** Would `policyJson` still let `caller` change the key policy? (the policy lockout safety check) */
  keepsPolicyAdmin(policyJson: string, caller: Identity, key: KeyRecord): boolean {
    try {
      this.authorize({ caller, action: 'kms:PutKeyPolicy', key: { ...key, policy: policyJson } });
      return true;
    } catch {
      return false;
    }
  }

  private evaluate(doc: PolicyDocument, ctx: RequestContext): PolicyVerdict {
    if (doc.statements.some((st) => st.conditions.length > 0)) return evaluatePolicy(doc, ctx);
    let byRequest = this.verdicts.get(doc);
    if (!byRequest) this.verdicts.set(doc, (byRequest = new Map()));
    const key = `${ctx.principalArn}\n${ctx.callerAccount}\n${ctx.action}\n${ctx.resource}`; // no conditions: the network path cannot matter
    let verdict = byRequest.get(key);
    if (!verdict) {
      verdict = evaluatePolicy(doc, ctx);
      if (byRequest.size > 10_000) byRequest.clear();
      byRequest.set(key, verdict);
    }
    return verdict;
  }

  /** Parses (and caches) a policy; a malformed one is the caller's MalformedPolicyDocumentException. */
  policy(json: string, isKeyPolicy: boolean): PolicyDocument {
    let doc = this.parsed.get(json);
    if (!doc) {
      try {
        doc = parsePolicy(json, { requirePrincipal: isKeyPolicy });
      } catch (err) {
        throw new KmsError('MalformedPolicyDocumentException', (err as Error).message);
      }
      if (this.parsed.size > 10_000) this.parsed.clear();
      this.parsed.set(json, doc);
    }
    return doc;
  }
}

/** Grant operations are KMS operation names; ReEncrypt is split into its two halves. */
function grantAllows(grants: readonly GrantRecord[], caller: Identity, action: string, context: EncryptionContext | undefined): boolean {
  const operation = action.replace(/^kms:/, '');
  return grants.some((g) =>
    granteeMatches(g.granteePrincipal, caller) &&
    g.operations.includes(operation) &&
    (UNCONSTRAINED_OPERATIONS.has(operation) || constraintsHold(g, context)));
}

/** AWS: grant constraints do not apply to DescribeKey and RetireGrant, which take no encryption context. */
const UNCONSTRAINED_OPERATIONS = new Set(['DescribeKey', 'RetireGrant']);

/** AWS: "in a grant constraint, the key in each key-value pair is not case sensitive, but the value is case sensitive". */
function constraintsHold(g: GrantRecord, context: EncryptionContext | undefined): boolean {
  const folded = (c: EncryptionContext | undefined): EncryptionContext => Object.fromEntries(Object.entries(c ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const equals = g.constraints?.EncryptionContextEquals;
  const subset = g.constraints?.EncryptionContextSubset;
  return (!equals || (Object.keys(context ?? {}).length === Object.keys(equals).length && contextEquals(folded(context), folded(equals)))) &&
    (!subset || contextContains(folded(context), folded(subset)));
}

export function granteeMatches(principal: string, caller: Identity): boolean {
  return principal === caller.principalArn || principal === caller.callerArn;
}

function denied(caller: Identity, action: string, resource: string, why: string): KmsError {
  return new KmsError('AccessDeniedException', `User: ${caller.callerArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`);
}
