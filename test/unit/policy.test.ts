import { describe, it, expect } from 'vitest';
import { MalformedPolicyError, parsePolicy, type PolicyDocument } from '../../src-main/kms/embedded/policy/policy-document';
import { evaluateClause } from '../../src-main/kms/embedded/policy/conditions';
import { conditionKeyValues, evaluatePolicy, normalisePrincipalArn, type RequestContext } from '../../src-main/kms/embedded/policy/evaluate';
import { arnMatch, wildcardCacheSize, wildcardMatch } from '../../src-main/kms/embedded/policy/wildcard';

const ACCT = '111122223333';
const ROOT = `arn:aws:iam::${ACCT}:root`;
const ADMIN = `arn:aws:iam::${ACCT}:user/admin`;
const ROLE = `arn:aws:iam::${ACCT}:role/keydrill-service`;
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/keydrill-service/keydrill-session`;
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** The statement of AWS's default key policy. */
const S = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };

function keyPolicy(...statements: object[]): PolicyDocument {
  return parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), { requirePrincipal: true });
}

function ctx(overrides: Partial<RequestContext> = {}): RequestContext {
  return { principalArn: SESSION, callerAccount: ACCT, action: 'kms:Decrypt', resource: KEY_ARN, ...overrides };
}

/** One statement for the service role with the given Condition; returns "does it allow the call?". */
function roleAllows(condition: object, context: Partial<RequestContext>): boolean {
  const doc = keyPolicy({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*', Condition: condition });
  return evaluatePolicy(doc, ctx(context)).allowsPrincipal;
}

const withStatements = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const without = (key: keyof typeof S): object => Object.fromEntries(Object.entries(S).filter(([k]) => k !== key));
const cond = (condition: unknown): string => withStatements({ ...S, Condition: condition });

describe('parsing policies', () => {
  it('the AWS default key policy parses into one account-principal statement', () => {
    const doc = keyPolicy(S);
    expect(doc.version).toBe('2012-10-17');
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0]).toMatchObject({ sid: 'Enable IAM User Permissions', effect: 'Allow', principals: { any: false, aws: [ROOT] }, actions: ['kms:*'], resources: ['*'], conditions: [] });
  });

  it('a single Statement object is accepted, and "*" and {"AWS": "*"} both mean any principal', () => {
    const doc = parsePolicy(JSON.stringify({ Statement: { ...S, Principal: '*' } }), { requirePrincipal: true });
    expect(doc).toMatchObject({ version: undefined, statements: [{ principals: { any: true } }] });
    expect(keyPolicy({ ...S, Principal: { AWS: ['*'] } }).statements[0]?.principals).toEqual({ any: true });
  });

  it('a Service principal is kept but never matches an IAM caller', () => {
    const doc = keyPolicy({ ...S, Principal: { Service: 'logs.amazonaws.com' } });
    expect(doc.statements[0]?.principals).toEqual({ any: false, aws: [], other: { Service: ['logs.amazonaws.com'] } });
    expect(evaluatePolicy(doc, ctx()).matchedSids).toEqual([]);
  });

  it('condition operators are split into set qualifier, base operator and IfExists, and values become strings', () => {
    const doc = keyPolicy({ ...S, Condition: { 'ForAnyValue:StringLikeIfExists': { 'kms:EncryptionContextKeys': ['a*', 'b'] }, Bool: { 'kms:GrantIsForAWSResource': true }, StringEquals: { 'kms:CallerAccount': 111122223333 } } });
    expect(doc.statements[0]?.conditions).toEqual([
      { operator: 'StringLike', ifExists: true, setQualifier: 'ForAnyValue', key: 'kms:EncryptionContextKeys', values: ['a*', 'b'] },
      { operator: 'Bool', ifExists: false, setQualifier: undefined, key: 'kms:GrantIsForAWSResource', values: ['true'] },
      { operator: 'StringEquals', ifExists: false, setQualifier: undefined, key: 'kms:CallerAccount', values: ['111122223333'] },
    ]);
  });
});

describe('malformed policies are rejected with what and where', () => {
  it.each<[string, string, RegExp | string, boolean?]>([
    ['text that is not JSON is rejected', '{"Statement": [', /not valid JSON/],
    ['a policy over 32768 bytes is rejected', JSON.stringify({ Id: 'x'.repeat(33000), Statement: [S] }), /limit is 32768/],
    // 20,000 "é" are 40,000 UTF-8 bytes: over the limit though under 32,768 characters.
    ['the size limit counts UTF-8 bytes, not characters', JSON.stringify({ Id: 'é'.repeat(20000), Statement: [S] }), /40\d+ bytes; the limit is 32768/, false],
    ['a key policy with a character outside Latin-1 is rejected', JSON.stringify({ Id: 'cost in €', Statement: [S] }), /U\+20AC at offset 15/],
    ['JSON that is an array is rejected', '[]', /must be a JSON object/],
    ['JSON that is a string is rejected', '"policy"', /must be a JSON object/],
    ['a policy with no Statement is rejected', '{"Version": "2012-10-17"}', /no Statement/],
    ['a Statement that is a string is rejected', '{"Statement": "allow everything"}', /Statement must be an object or an array/],
    ['an empty Statement array is rejected', '{"Statement": []}', /at least one statement/],
    ['a policy with a Statement Effect of Permit is rejected with where it is wrong', withStatements(S, { ...S, Effect: 'Permit' }), 'Statement[1].Effect must be "Allow" or "Deny"'],
    ['a statement with both Action and NotAction is rejected', withStatements({ ...S, NotAction: 'kms:Decrypt' }), /Statement\[0\] may have Action or NotAction, not both/],
    ['a statement with neither Action nor NotAction is rejected', withStatements(without('Action')), /Statement\[0\] must have an Action or NotAction/],
    ['a key policy statement without Principal is rejected', withStatements(without('Principal')), /Statement\[0\] must have a Principal/],
    ['a Principal that is a bare name is rejected', withStatements({ ...S, Principal: 'admin' }), /Statement\[0\]\.Principal must be "\*" or an object/],
    ['a Principal whose AWS is a number is rejected', withStatements({ ...S, Principal: { AWS: 42 } }), /Principal\.AWS must be a string or an array/],
    ['a Principal of an unknown type is rejected', withStatements({ ...S, Principal: { Group: 'admins' } }), /unknown principal type "Group"/],
    ['a Principal ARN with a wildcard is rejected', withStatements({ ...S, Principal: { AWS: 'arn:aws:iam::*:root' } }), /Principal\.AWS\[0\].*may not contain wildcards/],
    ['an Action without a service prefix is rejected', withStatements({ ...S, Action: ['kms:Encrypt', 'Decrypt'] }), /Statement\[0\]\.Action\[1\] "Decrypt" must be "\*" or "service:action"/],
    ['an unknown condition operator is rejected', cond({ StringEqualz: { 'kms:CallerAccount': ACCT } }), /Statement\[0\]\.Condition uses unsupported condition operator "StringEqualz"/],
    ['NullIfExists is rejected because Null already tests existence', cond({ NullIfExists: { 'kms:ViaService': 'true' } }), /NullIfExists/],
    ['a condition value that is an object is rejected', cond({ StringEquals: { 'kms:CallerAccount': { id: ACCT } } }), /\["kms:CallerAccount"\] must be a string, boolean or number/],
    ['a Condition that is a string is rejected', cond('StringEquals'), /Condition must be an object/],
    ['a Null value other than true or false is rejected', cond({ Null: { 'kms:ViaService': 'maybe' } }), /true or false/],
    ['an unsupported Version is rejected', JSON.stringify({ Version: '2020-01-01', Statement: [S] }), /Version must be/],
    ['a misspelt statement element is rejected', withStatements({ ...without('Principal'), Principals: S.Principal }), /Statement\[0\] has unknown element "Principals"/],
    ['a key policy using ForAllValues with kms:EncryptionContext:<key> is rejected as overly permissive, as KMS does', cond({ 'ForAllValues:StringEquals': { 'kms:EncryptionContext:tenant': 'acme' } }), /OverlyPermissiveCondition/],
  ])('%s', (_title, json, expected, requirePrincipal = true) => {
    expect(() => parsePolicy(json, { requirePrincipal })).toThrow(MalformedPolicyError);
    expect(() => parsePolicy(json, { requirePrincipal })).toThrow(expected);
  });
});

/** One word per verdict, so table rows stay readable. */
function outcome(doc: PolicyDocument, c: Partial<RequestContext> = {}): string {
  const v = evaluatePolicy(doc, ctx(c));
  return v.explicitDeny ? 'deny' : v.allowsPrincipal ? 'allow' : v.allowsAccountDelegation ? 'iam-decides' : 'no match';
}
const OTHER = '444455556666';

describe('principals', () => {
  it('the AWS default key policy only delegates to IAM for a user in the account', () => {
    const verdict = evaluatePolicy(keyPolicy(S), ctx({ principalArn: ADMIN }));
    expect(verdict).toEqual({ explicitDeny: false, allowsPrincipal: false, allowsAccountDelegation: true, matchedSids: ['Enable IAM User Permissions'] });
  });

  it.each<[string, unknown, Partial<RequestContext>, string]>([
    ['a bare 12-digit account id is an account principal too', { AWS: ACCT }, {}, 'iam-decides'],
    ["another account's root principal does not match this account's callers", { AWS: `arn:aws:iam::${OTHER}:root` }, {}, 'no match'],
    ['naming the role next to the account root allows the role directly', { AWS: [ROOT, ROLE] }, {}, 'allow'],
    ['an assumed-role session matches a statement naming its role', { AWS: ROLE }, {}, 'allow'],
    ['an assumed-role session matches a statement naming the session itself', { AWS: SESSION }, {}, 'allow'],
    ['a statement naming a different role does not match', { AWS: `arn:aws:iam::${ACCT}:role/other` }, {}, 'no match'],
    ['the same role name in another account does not match', { AWS: `arn:aws:iam::${OTHER}:role/keydrill-service` }, {}, 'no match'],
    ['principal ARNs are compared case-sensitively', { AWS: `arn:aws:iam::${ACCT}:role/KeyDrill-Service` }, {}, 'no match'],
    ['a user is matched by its own ARN', { AWS: ADMIN }, { principalArn: ADMIN }, 'allow'],
    ['Principal "*" allows a caller from any account', '*', { principalArn: `arn:aws:iam::${OTHER}:user/x`, callerAccount: OTHER }, 'allow'],
  ])('%s', (_title, principal, context, expected) => {
    expect(outcome(keyPolicy({ ...S, Principal: principal }), context)).toBe(expected);
  });

  it('assumed-role session ARNs normalise to their role ARN', () => {
    expect(normalisePrincipalArn(SESSION)).toBe(ROLE);
    expect(normalisePrincipalArn(ADMIN)).toBe(ADMIN);
    expect(normalisePrincipalArn(`arn:aws-cn:sts::${ACCT}:assumed-role/app/s1`)).toBe(`arn:aws-cn:iam::${ACCT}:role/app`);
  });

  it('Principal "*" limited by kms:CallerAccount allows callers of that account only', () => {
    const doc = keyPolicy({ ...S, Principal: { AWS: '*' }, Condition: { StringEquals: { 'kms:CallerAccount': ACCT } } });
    expect(outcome(doc)).toBe('allow');
    expect(outcome(doc, { principalArn: `arn:aws:iam::${OTHER}:user/x`, callerAccount: OTHER })).toBe('no match');
  });

  it('a NotPrincipal Deny spares a session only when its session, role and account are all listed', () => {
    const deny = (listed: string[]): string => outcome(keyPolicy({ ...S, Effect: 'Deny', Principal: undefined, NotPrincipal: { AWS: listed } }));
    expect(deny([SESSION, ROLE, ROOT])).toBe('no match');
    expect(deny([ROLE])).toBe('deny');
    expect(deny([ADMIN, ROOT])).toBe('deny');
  });

  it('an identity policy needs no Principal and allows its own principal', () => {
    const doc = parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }), { requirePrincipal: false });
    expect(evaluatePolicy(doc, ctx({ principalArn: ADMIN }))).toEqual({ explicitDeny: false, allowsPrincipal: true, allowsAccountDelegation: false, matchedSids: ['Statement[0]'] });
  });
});

describe('actions and resources', () => {
  const notDelete = { Action: undefined, NotAction: ['kms:ScheduleKeyDeletion', 'kms:Delete*'] };
  it.each<[string, object, Partial<RequestContext>, string]>([
    ['action names match case-insensitively', { Action: 'KMS:decrypt' }, {}, 'allow'],
    ['kms:Generate* covers GenerateDataKeyWithoutPlaintext', { Action: 'kms:Generate*' }, { action: 'kms:GenerateDataKeyWithoutPlaintext' }, 'allow'],
    ['kms:ReEncrypt* covers ReEncryptFrom', { Action: 'kms:ReEncrypt*' }, { action: 'kms:ReEncryptFrom' }, 'allow'],
    ['kms:ReEncrypt* does not cover Encrypt', { Action: 'kms:ReEncrypt*' }, { action: 'kms:Encrypt' }, 'no match'],
    ['"*" covers every action', { Action: '*' }, { action: 'kms:ScheduleKeyDeletion' }, 'allow'],
    ['NotAction allows an action it does not list', notDelete, {}, 'allow'],
    ['NotAction does not allow an action it lists', notDelete, { action: 'kms:ScheduleKeyDeletion' }, 'no match'],
    ['NotAction wildcards exclude matching actions', notDelete, { action: 'kms:DeleteAlias' }, 'no match'],
    ['a Resource pattern matches key ARNs', { Resource: `arn:aws:kms:*:${ACCT}:key/*` }, {}, 'allow'],
    ['a Resource pattern does not match keyless operations', { Resource: `arn:aws:kms:*:${ACCT}:key/*` }, { resource: '*', action: 'kms:ListKeys' }, 'no match'],
    ['NotResource excludes the listed key', { Resource: undefined, NotResource: KEY_ARN }, {}, 'no match'],
    ['NotResource matches other keys', { Resource: undefined, NotResource: KEY_ARN }, { resource: `${KEY_ARN}-other` }, 'allow'],
    ['a key policy statement without a Resource element has no effect, as KMS documents', { Resource: undefined }, {}, 'no match'],
  ])('%s', (_title, overrides, context, expected) => {
    const statement = { ...S, Principal: { AWS: ROLE }, ...overrides };
    expect(outcome(keyPolicy(statement), context)).toBe(expected);
  });

  it('a Deny statement overrides an Allow for the same action', () => {
    const doc = keyPolicy(
      { Sid: 'AllowRole', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' },
      { Sid: 'NoDecrypt', Effect: 'Deny', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' },
    );
    expect(evaluatePolicy(doc, ctx())).toEqual({ explicitDeny: true, allowsPrincipal: true, allowsAccountDelegation: false, matchedSids: ['AllowRole', 'NoDecrypt'] });
    expect(outcome(doc, { action: 'kms:Encrypt' })).toBe('allow');
  });

  it('a Deny naming the account root denies every principal in the account', () => {
    const doc = keyPolicy(S, { Effect: 'Deny', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*' });
    expect(outcome(doc)).toBe('deny');
    expect(outcome(doc, { principalArn: ADMIN })).toBe('deny');
  });
});

const tenantAcme = { StringEquals: { 'kms:EncryptionContext:tenant': 'acme' } };
const viaEc2 = { StringEquals: { 'kms:ViaService': 'ec2.us-east-1.amazonaws.com', 'kms:CallerAccount': ACCT } };
const vpceIfExists = { StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } };
const pathLike = { StringLike: { 'kms:EncryptionContext:path': ['tenants/acme/*', 'shared/v?'] } };
const contextPresent = { Null: { 'kms:EncryptionContextKeys': false } };
const onlyTenantKey = { 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant'] } };
const exactTenant = { ...tenantAcme, 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } };
const anyTenantKey = { 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } };
const noSecretKey = { 'ForAllValues:StringNotEquals': { 'kms:EncryptionContextKeys': 'secret' } };
const ec = (encryptionContext: Record<string, string>): Partial<RequestContext> => ({ encryptionContext });

describe('conditions', () => {
  it.each<[string, object, Partial<RequestContext>, boolean]>([
    ['the service role may decrypt with its tenant in the encryption context', tenantAcme, ec({ tenant: 'acme', purpose: 'backup' }), true],
    ["the service role may not decrypt with another tenant's context", tenantAcme, ec({ tenant: 'globex' }), false],
    ['the service role may not decrypt with an empty context', tenantAcme, ec({}), false],
    ['the service role may not decrypt with no context at all', tenantAcme, {}, false],
    ['the context key in kms:EncryptionContext:<key> is case-insensitive', { StringEquals: { 'KMS:EncryptionContext:Tenant': 'acme' } }, ec({ tenant: 'acme' }), true],
    ['the context value is compared case-sensitively by StringEquals', tenantAcme, ec({ tenant: 'ACME' }), false],
    ['StringEqualsIgnoreCase ignores the case of the context value', { StringEqualsIgnoreCase: { 'kms:EncryptionContext:tenant': 'acme' } }, ec({ tenant: 'ACME' }), true],
    ['{"ab":"c"} context does not satisfy a condition on key a', { StringEquals: { 'kms:EncryptionContext:a': 'bc' } }, ec({ ab: 'c' }), false],
    ['{"ab":"c"} context does not satisfy a StringLike "*" on key a', { StringLike: { 'kms:EncryptionContext:a': '*' } }, ec({ ab: 'c' }), false],
    ['StringLike * matches the rest of a path', pathLike, ec({ path: 'tenants/acme/db/1' }), true],
    ['StringLike ? matches exactly one character', pathLike, ec({ path: 'shared/v2' }), true],
    ['StringLike ? does not match two characters', pathLike, ec({ path: 'shared/v10' }), false],
    ['StringLike is case-sensitive', pathLike, ec({ path: 'Tenants/acme/db' }), false],
    ['Null false on kms:EncryptionContextKeys allows a call with context', contextPresent, ec({ tenant: 'acme' }), true],
    ['Null false on kms:EncryptionContextKeys refuses an empty context', contextPresent, ec({}), false],
    ['Null false on kms:EncryptionContextKeys refuses a call without context', contextPresent, {}, false],
    ['Null true on kms:ViaService allows a direct call', { Null: { 'kms:ViaService': 'true' } }, {}, true],
    ['Null true on kms:ViaService refuses a call through a service', { Null: { 'kms:ViaService': 'true' } }, { viaService: 'ec2.us-east-1.amazonaws.com' }, false],
    ['Bool on an absent key does not match', { Bool: { 'kms:GrantIsForAWSResource': true } }, {}, false],
    ['BoolIfExists on an absent key matches', { BoolIfExists: { 'kms:GrantIsForAWSResource': true } }, {}, true],
    ['kms:ViaService is absent for direct calls, so a ViaService statement does not match them', viaEc2, {}, false],
    ['a ViaService statement matches a call through that service', viaEc2, { viaService: 'ec2.us-east-1.amazonaws.com' }, true],
    ['a ViaService statement does not match a call through another service', viaEc2, { viaService: 'rds.us-east-1.amazonaws.com' }, false],
    ['IfExists lets an absent aws:SourceVpce match', vpceIfExists, {}, true],
    ['IfExists still checks a present aws:SourceVpce (match)', vpceIfExists, { sourceVpce: 'vpce-1a2b3c4d' }, true],
    ['IfExists still checks a present aws:SourceVpce (mismatch)', vpceIfExists, { sourceVpce: 'vpce-ffffffff' }, false],
    ['ForAllValues with an empty encryption context matches', onlyTenantKey, ec({}), true],
    ['ForAllValues with no encryption context matches', onlyTenantKey, {}, true],
    ['ForAllValues matches when every context key is listed', onlyTenantKey, ec({ tenant: 'acme' }), true],
    ['ForAllValues refuses an unlisted context key', onlyTenantKey, ec({ tenant: 'acme', extra: 'x' }), false],
    ['ForAllValues plus kms:EncryptionContext:<key> refuses an empty context', exactTenant, ec({}), false],
    ['ForAllValues plus kms:EncryptionContext:<key> allows exactly that pair', exactTenant, ec({ tenant: 'acme' }), true],
    ['ForAllValues plus kms:EncryptionContext:<key> refuses an extra pair', exactTenant, ec({ tenant: 'acme', extra: 'x' }), false],
    ['ForAnyValue matches when one context key is listed', anyTenantKey, ec({ tenant: 'acme', extra: 'x' }), true],
    ['ForAnyValue compares context keys case-sensitively', anyTenantKey, ec({ Tenant: 'acme' }), false],
    ['ForAnyValue with an empty encryption context does not match', anyTenantKey, ec({}), false],
    ['ForAnyValue with no encryption context does not match', anyTenantKey, {}, false],
    ['a multi-valued key without a set qualifier behaves like ForAnyValue', { StringEquals: { 'kms:EncryptionContextKeys': 'tenant' } }, ec({ tenant: 'a', extra: 'x' }), true],
    ['ForAllValues:StringNotEquals allows context without the forbidden key', noSecretKey, ec({ tenant: 'a' }), true],
    ['ForAllValues:StringNotEquals refuses context with the forbidden key', noSecretKey, ec({ tenant: 'a', secret: 'x' }), false],
    ['ArnNotLike on aws:PrincipalArn matches a role when users are excluded', { ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:user/*` } }, {}, true],
  ])('%s', (_title, condition, context, expected) => {
    expect(roleAllows(condition, context)).toBe(expected);
  });

  it('a StringNotEquals Deny applies when the context key is missing', () => {
    const doc = keyPolicy(
      { Sid: 'Allow', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*' },
      { Sid: 'OnlyAcme', Effect: 'Deny', Principal: { AWS: ROLE }, Action: 'kms:*', Resource: '*', Condition: { StringNotEquals: { 'kms:EncryptionContext:tenant': 'acme' } } },
    );
    expect(evaluatePolicy(doc, ctx(ec({ tenant: 'acme' }))).explicitDeny).toBe(false);
    expect(evaluatePolicy(doc, ctx(ec({ tenant: 'globex' }))).explicitDeny).toBe(true);
    expect(evaluatePolicy(doc, ctx(ec({ other: 'x' }))).explicitDeny).toBe(true);
  });

  it('Bool compares "true"/"false" ignoring case', () => {
    const clause = { operator: 'Bool', ifExists: false, setQualifier: undefined, key: 'kms:GrantIsForAWSResource', values: ['true'] };
    expect(evaluateClause(clause, ['TRUE'])).toBe(true);
    expect(evaluateClause(clause, ['false'])).toBe(false);
  });

  it('aws:PrincipalArn with ArnLike sees an assumed-role session as its role', () => {
    const doc = keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCT}:role/keydrill-*` } } });
    expect(evaluatePolicy(doc, ctx()).allowsPrincipal).toBe(true);
    expect(evaluatePolicy(doc, ctx({ principalArn: ADMIN })).allowsPrincipal).toBe(false);
  });

  it('ArnLike matches each ARN component separately', () => {
    expect(arnMatch('arn:aws:iam::*:role/keydrill-service', ROLE)).toBe(true);
    expect(arnMatch('arn:aws:iam:*:role/keydrill-service', ROLE)).toBe(false);
    expect(arnMatch('arn:aws:kms:*:111122223333:*', 'arn:aws:kms:us-east-1:999999999999:key/111122223333:x')).toBe(false);
  });
});

describe('condition keys and wildcards', () => {
  it('condition keys are looked up case-insensitively and unknown keys are absent', () => {
    const c = ctx({ encryptionContext: { tenant: 'acme', Region: 'eu' } });
    expect(conditionKeyValues(c, 'KMS:CALLERACCOUNT')).toEqual([ACCT]);
    expect(conditionKeyValues(c, 'aws:PrincipalAccount')).toEqual([ACCT]);
    expect(conditionKeyValues(c, 'aws:PrincipalArn')).toEqual([ROLE]);
    expect(conditionKeyValues(c, 'kms:EncryptionContextKeys')).toEqual(['tenant', 'Region']);
    expect(conditionKeyValues(c, 'kms:EncryptionContext:region')).toEqual(['eu']);
    expect(conditionKeyValues(c, 'kms:ViaService')).toBeUndefined();
    expect(conditionKeyValues(c, 'aws:SourceIp')).toBeUndefined();
    expect(conditionKeyValues(ctx({ encryptionContext: {} }), 'kms:EncryptionContextKeys')).toBeUndefined();
  });

  it('wildcards treat regular-expression characters literally and are compiled once', () => {
    expect(wildcardMatch('a.b*', 'a.bcd')).toBe(true);
    expect(wildcardMatch('a.b*', 'axbcd')).toBe(false);
    expect(wildcardMatch('x(1)+?', 'x(1)+z')).toBe(true);
    expect(wildcardMatch('kms:*', 'kms:')).toBe(true);
    wildcardMatch('cache-probe-*', 'cache-probe-1');
    const size = wildcardCacheSize();
    wildcardMatch('cache-probe-*', 'cache-probe-2');
    expect(wildcardCacheSize()).toBe(size);
  });
});
