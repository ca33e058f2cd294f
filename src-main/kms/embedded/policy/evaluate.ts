/**
 * Matches a parsed policy against one request and reports what matched. The verdict is not a
 * final allow/deny: the caller combines the key policy verdict, IAM policy verdicts and grants
 * the way AWS does (explicit deny wins; an account-principal statement defers to IAM policies).
 */
import { conditionsMatch } from './conditions';
import type { PolicyDocument, PolicyStatement, PrincipalSpec } from './policy-document';
import { wildcardMatch } from './wildcard';

export interface RequestContext {
  /** IAM ARN of the caller: a user/role ARN, or an sts assumed-role session ARN. */
  principalArn: string;
  /** 12 digits. */
  callerAccount: string;
  /** e.g. "kms:Decrypt"; compared case-insensitively with policy actions. */
  action: string;
  /** The key ARN, or "*" for operations without a key. */
  resource: string;
  /** undefined when the operation takes none. */
  encryptionContext?: Record<string, string>;
  viaService?: string;
  sourceVpce?: string;
  /** The address the request came from, as the caller's session presents it (see identity-registry.ts). */
  sourceIp?: string;
}

export interface PolicyVerdict {
  /** Some matching Deny statement. */
  explicitDeny: boolean;
  /** Some matching Allow names this principal directly (its ARN or "*"), or has no Principal (identity policy). */
  allowsPrincipal: boolean;
  /** Some matching Allow matched only through the caller's account principal: "IAM policies decide". */
  allowsAccountDelegation: boolean;
  /** Sid, or "Statement[i]" when there is none, of every matching statement. */
  matchedSids: string[];
}

const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;
const ACCOUNT_ROOT_ARN = /^arn:[^:]+:iam::(\d{12}):root$/;

/**
 * Maps an STS assumed-role session ARN to the IAM role ARN a policy names:
 * arn:aws:sts::111122223333:assumed-role/app/session -> arn:aws:iam::111122223333:role/app.
 * Session ARNs carry no role path, so a role with a path (role/team/app) cannot be recovered.
 * Any other ARN is returned unchanged.
 */
export function normalisePrincipalArn(arn: string): string {
  const m = ASSUMED_ROLE_ARN.exec(arn);
  if (m === null) return arn;
  const [, partition, account, role] = m;
  return `arn:${partition ?? 'aws'}:iam::${account ?? ''}:role/${role ?? ''}`;
}

/** An account principal: "arn:<partition>:iam::<acct>:root" or the bare 12-digit id. */
function isAccountPrincipalOf(principal: string, account: string): boolean {
  if (principal === account) return true;
  const m = ACCOUNT_ROOT_ARN.exec(principal);
  return m !== null && m[1] === account;
}

/** The ARNs a Principal element may name the caller by: the session ARN and its role ARN. */
function callerArns(ctx: RequestContext): string[] {
  const role = normalisePrincipalArn(ctx.principalArn);
  return role === ctx.principalArn ? [ctx.principalArn] : [ctx.principalArn, role];
}

type Via = 'direct' | 'account' | 'none';

function matchPrincipal(spec: PrincipalSpec, ctx: RequestContext): Via {
  if (spec.any) return 'direct';
  // AWS forbids wildcards in principal ARNs, so compare exactly (and case-sensitively).
  if (callerArns(ctx).some((arn) => spec.aws.includes(arn))) return 'direct';
  if (spec.aws.some((p) => isAccountPrincipalOf(p, ctx.callerAccount))) return 'account';
  return 'none';
}

/**
 * NotPrincipal. AWS evaluates every identity in the caller's chain (session, role, account) and
 * tells you to list them all, warning that otherwise "the policy might deny access to the entire
 * account containing the principal". We resolve that "might" towards denial: a Deny applies
 * unless every identity is listed; an Allow applies only if none is.
 */
function notPrincipalApplies(spec: PrincipalSpec, ctx: RequestContext, effect: 'Allow' | 'Deny'): boolean {
  if (spec.any) return false;
  const listed = [
    ...callerArns(ctx).map((arn) => spec.aws.includes(arn)),
    spec.aws.some((p) => isAccountPrincipalOf(p, ctx.callerAccount)),
  ];
  return effect === 'Deny' ? !listed.every(Boolean) : !listed.some(Boolean);
}

function actionMatches(st: PolicyStatement, action: string): boolean {
  const hit = (patterns: string[]): boolean => patterns.some((p) => wildcardMatch(p, action, true));
  if (st.actions !== undefined) return hit(st.actions);
  return st.notActions !== undefined && !hit(st.notActions);
}

/**
 * KMS: "If the required Resource element is missing from a key policy statement, the policy
 * statement has no effect" (and IAM rejects identity policies without one), so no Resource and
 * no NotResource means no match.
 */
function resourceMatches(st: PolicyStatement, resource: string): boolean {
  const hit = (patterns: string[]): boolean => patterns.some((p) => wildcardMatch(p, resource));
  if (st.resources !== undefined) return hit(st.resources);
  return st.notResources !== undefined && !hit(st.notResources);
}

function statementMatch(st: PolicyStatement, ctx: RequestContext): Via {
  let via: Via = 'direct'; // no Principal: an identity policy applies to its own principal
  if (st.principals !== undefined) via = matchPrincipal(st.principals, ctx);
  else if (st.notPrincipals !== undefined && !notPrincipalApplies(st.notPrincipals, ctx, st.effect)) via = 'none';
  if (via === 'none') return 'none';
  if (!actionMatches(st, ctx.action) || !resourceMatches(st, ctx.resource)) return 'none';
  return conditionsMatch(st.conditions, (key) => conditionKeyValues(ctx, key)) ? via : 'none';
}

export function evaluatePolicy(doc: PolicyDocument, ctx: RequestContext): PolicyVerdict {
  const verdict: PolicyVerdict = { explicitDeny: false, allowsPrincipal: false, allowsAccountDelegation: false, matchedSids: [] };
  doc.statements.forEach((st, i) => {
    const via = statementMatch(st, ctx);
    if (via === 'none') return;
    verdict.matchedSids.push(st.sid ?? `Statement[${i}]`);
    if (st.effect === 'Deny') verdict.explicitDeny = true;
    else if (via === 'direct') verdict.allowsPrincipal = true;
    else verdict.allowsAccountDelegation = true;
  });
  return verdict;
}

const EC_PREFIX = 'kms:encryptioncontext:';

/**
 * The request's values for a condition key, or undefined when the key is absent. Key names are
 * case-insensitive ("Context key names are not case-sensitive"). Unknown keys are absent.
 */
export function conditionKeyValues(ctx: RequestContext, key: string): string[] | undefined {
  const lower = key.toLowerCase();
  const ec = ctx.encryptionContext;
  if (lower.startsWith(EC_PREFIX)) {
    // AWS KMS docs: "the condition key, which consists of the kms:EncryptionContext: prefix and
    // the context-key replacement, is not case sensitive." So kms:EncryptionContext:AppName also
    // reads an "appname" entry; only kms:EncryptionContextKeys checks key case.
    const wanted = lower.slice(EC_PREFIX.length);
    const values = Object.entries(ec ?? {}).filter(([k]) => k.toLowerCase() === wanted).map(([, v]) => v);
    return values.length > 0 ? values : undefined;
  }
  switch (lower) {
    case 'kms:encryptioncontextkeys': {
      const keys = Object.keys(ec ?? {});
      return keys.length > 0 ? keys : undefined;
    }
    case 'kms:calleraccount':
    case 'aws:principalaccount':
      return [ctx.callerAccount];
    case 'aws:principalarn':
      // For a role session AWS reports the role's ARN, not the session's.
      return [normalisePrincipalArn(ctx.principalArn)];
    case 'kms:viaservice':
      return ctx.viaService === undefined ? undefined : [ctx.viaService];
    case 'aws:sourcevpce':
      return ctx.sourceVpce === undefined ? undefined : [ctx.sourceVpce];
    case 'aws:sourceip':
      return ctx.sourceIp === undefined ? undefined : [ctx.sourceIp];
    default:
      return undefined;
  }
}
