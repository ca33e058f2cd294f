/**
 * Parses and validates a key policy or an IAM identity policy. Errors name the element and where
 * it is (e.g. `Statement[1].Effect`), because AWS's own MalformedPolicyDocumentException messages
 * are famously unhelpful and the drill shows these to a person fixing a policy.
 */
import { parseConditionBlock } from './conditions';

export class MalformedPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPolicyError';
  }
}

/** `other` keeps non-AWS principal types (Service, Federated, ...), which never match an IAM caller. */
export type PrincipalSpec =
  | { any: true }
  | { any: false; aws: string[]; other?: Record<string, string[]> };

export interface ConditionClause {
  operator: string; // base operator, e.g. StringEquals (no IfExists / set qualifier)
  ifExists: boolean;
  setQualifier: 'ForAllValues' | 'ForAnyValue' | undefined;
  key: string;
  values: string[];
}
export type ConditionBlock = ConditionClause[];

export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  principals: PrincipalSpec | undefined;
  notPrincipals: PrincipalSpec | undefined;
  actions: string[] | undefined;
  notActions: string[] | undefined;
  resources: string[] | undefined;
  notResources: string[] | undefined;
  conditions: ConditionBlock;
}

export interface PolicyDocument {
  version: string | undefined;
  id: string | undefined;
  statements: PolicyStatement[];
}

/** KMS: "Up to 32 kilobytes (32,768 bytes)" — bytes, so measured in UTF-8. */
export const MAX_POLICY_BYTES = 32768;
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const TOP_LEVEL = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_ELEMENTS = new Set([
  'Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
/** KMS: "A key policy document can include only" printable ASCII, Latin-1 Supplement, tab, LF, CR. */
const KEY_POLICY_BAD_CHAR = /[^\t\n\r\u0020-\u007e\u00a0-\u00ff]/u;
const ACTION_RE = /^[a-z0-9-]+:[^\s:]+$/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(message: string): never {
  throw new MalformedPolicyError(message);
}

/** A string or a non-empty array of strings, as IAM allows for Action, Resource and principals. */
function stringList(value: unknown, where: string): string[] {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) fail(`${where} must be a string or an array of strings`);
  if (value.length === 0) fail(`${where} must not be an empty array`);
  return value.map((v: unknown, i) => {
    if (typeof v !== 'string') fail(`${where}[${i}] must be a string`);
    return v;
  });
}

function parseActions(value: unknown, where: string): string[] {
  const actions = stringList(value, where);
  actions.forEach((a, i) => {
    if (a !== '*' && !ACTION_RE.test(a)) fail(`${where}[${i}] "${a}" must be "*" or "service:action", e.g. "kms:Decrypt"`);
  });
  return actions;
}

/** An AWS principal is "*", a 12-digit account id or an ARN; AWS forbids partial wildcards. */
function checkAwsPrincipal(p: string, where: string): void {
  if (p === '*' || /^\d{12}$/.test(p)) return;
  if (!p.startsWith('arn:')) fail(`${where} "${p}" must be "*", a 12-digit account id or an ARN`);
  if (p.includes('*') || p.includes('?')) fail(`${where} "${p}" may not contain wildcards; only "*" on its own is allowed`);
}

function parsePrincipal(value: unknown, where: string): PrincipalSpec {
  if (value === '*') return { any: true };
  if (!isRecord(value)) fail(`${where} must be "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}`);
  const keys = Object.keys(value);
  if (keys.length === 0) fail(`${where} must name at least one principal`);
  let aws: string[] = [];
  const other: Record<string, string[]> = {};
  for (const type of keys) {
    if (!PRINCIPAL_TYPES.has(type)) fail(`${where} has unknown principal type "${type}" (expected AWS, Service, Federated or CanonicalUser)`);
    const list = stringList(value[type], `${where}.${type}`);
    if (type === 'AWS') {
      list.forEach((p, i) => checkAwsPrincipal(p, `${where}.AWS[${i}]`));
      aws = list;
    } else {
      other[type] = list;
    }
  }
  if (aws.includes('*')) return { any: true };
  return Object.keys(other).length > 0 ? { any: false, aws, other } : { any: false, aws };
}

function parseStatement(raw: unknown, where: string, requirePrincipal: boolean): PolicyStatement {
  if (!isRecord(raw)) fail(`${where} must be an object`);
  for (const k of Object.keys(raw)) {
    if (!STATEMENT_ELEMENTS.has(k)) fail(`${where} has unknown element "${k}"`);
  }
  const { Sid, Effect } = raw;
  if (Sid !== undefined && typeof Sid !== 'string') fail(`${where}.Sid must be a string`);
  if (Effect !== 'Allow' && Effect !== 'Deny') fail(`${where}.Effect must be "Allow" or "Deny"`);

  const has = (k: string): boolean => raw[k] !== undefined;
  if (has('Principal') && has('NotPrincipal')) fail(`${where} may have Principal or NotPrincipal, not both`);
  if (requirePrincipal && !has('Principal') && !has('NotPrincipal')) fail(`${where} must have a Principal (key policies name who they apply to)`);
  if (has('Action') && has('NotAction')) fail(`${where} may have Action or NotAction, not both`);
  if (!has('Action') && !has('NotAction')) fail(`${where} must have an Action or NotAction`);
  if (has('Resource') && has('NotResource')) fail(`${where} may have Resource or NotResource, not both`);

  const statement: PolicyStatement = {
    effect: Effect,
    principals: has('Principal') ? parsePrincipal(raw['Principal'], `${where}.Principal`) : undefined,
    notPrincipals: has('NotPrincipal') ? parsePrincipal(raw['NotPrincipal'], `${where}.NotPrincipal`) : undefined,
    actions: has('Action') ? parseActions(raw['Action'], `${where}.Action`) : undefined,
    notActions: has('NotAction') ? parseActions(raw['NotAction'], `${where}.NotAction`) : undefined,
    resources: has('Resource') ? stringList(raw['Resource'], `${where}.Resource`) : undefined,
    notResources: has('NotResource') ? stringList(raw['NotResource'], `${where}.NotResource`) : undefined,
    conditions: has('Condition')
      ? parseConditionBlock(raw['Condition'], `${where}.Condition`, requirePrincipal, fail)
      : [],
  };
  if (Sid !== undefined) statement.sid = Sid;
  return statement;
}

/**
 * Parses `json` as a policy. `requirePrincipal` is true for key policies (every statement needs
 * Principal or NotPrincipal, and KMS's character-set and ForAllValues rules apply) and false for
 * IAM identity policies.
 */
export function parsePolicy(json: string, opts: { requirePrincipal: boolean }): PolicyDocument {
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_POLICY_BYTES) fail(`Policy is ${bytes} bytes; the limit is ${MAX_POLICY_BYTES}`);
  if (opts.requirePrincipal) {
    const bad = KEY_POLICY_BAD_CHAR.exec(json);
    if (bad !== null) {
      const cp = bad[0].codePointAt(0) ?? 0;
      fail(`Policy contains character U+${cp.toString(16).toUpperCase().padStart(4, '0')} at offset ${bad.index}; key policies allow only printable ASCII, Latin-1, tab, LF and CR`);
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (e) {
    fail(`Policy is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(doc)) fail('Policy must be a JSON object');
  for (const k of Object.keys(doc)) {
    if (!TOP_LEVEL.has(k)) fail(`Policy has unknown top-level element "${k}" (expected Version, Id, Statement)`);
  }
  const { Version, Id, Statement } = doc;
  if (Version !== undefined && (typeof Version !== 'string' || !VERSIONS.has(Version))) {
    fail('Version must be "2012-10-17" or "2008-10-17"');
  }
  if (Id !== undefined && typeof Id !== 'string') fail('Id must be a string');
  if (Statement === undefined) fail('Policy has no Statement');
  let statements: PolicyStatement[];
  if (Array.isArray(Statement)) {
    if (Statement.length === 0) fail('Statement must contain at least one statement');
    statements = Statement.map((s: unknown, i) => parseStatement(s, `Statement[${i}]`, opts.requirePrincipal));
  } else if (isRecord(Statement)) {
    statements = [parseStatement(Statement, 'Statement[0]', opts.requirePrincipal)];
  } else {
    fail('Statement must be an object or an array of objects');
  }
  return { version: Version, id: Id, statements };
}
