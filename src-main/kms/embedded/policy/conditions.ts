/**
 * The Condition element: parsing operator names and values, and evaluating clauses against the
 * request's condition-key values. Key lookup lives in evaluate.ts; this module only sees the
 * values a lookup returns (undefined = the key is absent from the request context).
 */
import type { ConditionBlock, ConditionClause } from './policy-document';
import { BlockList, isIP } from 'node:net';
import { arnMatch, wildcardMatch } from './wildcard';

type Fail = (message: string) => never;
type Matcher = (policyValue: string, requestValue: string) => boolean;

const POSITIVE: Record<string, Matcher> = {
  StringEquals: (p, v) => p === v,
  StringEqualsIgnoreCase: (p, v) => p.toLowerCase() === v.toLowerCase(),
  StringLike: (p, v) => wildcardMatch(p, v),
  // AWS: "The ArnEquals and ArnLike condition operators behave identically" (both take wildcards).
  ArnEquals: arnMatch,
  ArnLike: arnMatch,
  Bool: (p, v) => p.toLowerCase() === v.toLowerCase(),
  // aws:SourceIp: the policy value is an address or a CIDR block, IPv4 or IPv6.
  IpAddress: (p, v) => ipInBlock(p, v),
};

const blocks = new Map<string, BlockList | undefined>();

/** A policy's address or CIDR block ("203.0.113.0/24", "2001:db8::/32", "203.0.113.7"), parsed once. */
function ipBlock(cidr: string): BlockList | undefined {
  if (blocks.has(cidr)) return blocks.get(cidr);
  const [address = '', prefixText] = cidr.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  let list: BlockList | undefined;
  if (family !== 0 && Number.isInteger(prefix) && prefix >= 0 && prefix <= max) {
    list = new BlockList();
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  if (blocks.size > 2000) blocks.clear();
  blocks.set(cidr, list);
  return list;
}

function ipInBlock(cidr: string, address: string): boolean {
  const family = isIP(address);
  const block = ipBlock(cidr);
  return family !== 0 && block !== undefined && block.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** A policy value an IP operator can use, for the parser's check. */
export function isCidrOrAddress(value: string): boolean {
  return ipBlock(value) !== undefined;
}

/** Negated operator -> the positive operator it negates. */
const NEGATED: Record<string, string> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
  NotIpAddress: 'IpAddress',
};

export const SUPPORTED_OPERATORS: readonly string[] = [...Object.keys(POSITIVE), ...Object.keys(NEGATED), 'Null'];

export function isNegatedOperator(operator: string): boolean {
  return operator in NEGATED;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits e.g. "ForAnyValue:StringLikeIfExists" into its qualifier, base operator and IfExists flag. */
function parseOperatorName(name: string, where: string, fail: Fail): Omit<ConditionClause, 'key' | 'values'> {
  let rest = name;
  let setQualifier: ConditionClause['setQualifier'];
  const q = (['ForAllValues', 'ForAnyValue'] as const).find((prefix) => rest.startsWith(`${prefix}:`));
  if (q !== undefined) {
    setQualifier = q;
    rest = rest.slice(q.length + 1);
  }
  const ifExists = rest.endsWith('IfExists');
  const operator = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  if (!SUPPORTED_OPERATORS.includes(operator)) {
    fail(`${where} uses unsupported condition operator "${name}" (supported: ${SUPPORTED_OPERATORS.join(', ')}, with optional IfExists and ForAllValues:/ForAnyValue:)`);
  }
  // AWS: "You can add IfExists to the end of any condition operator name except the Null condition".
  if (operator === 'Null' && ifExists) fail(`${where} "NullIfExists" is not an operator; Null already tests existence`);
  return { operator, ifExists, setQualifier };
}

function normaliseValues(raw: unknown, where: string, fail: Fail): string[] {
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) fail(`${where} must not be an empty array`);
  return list.map((v, i) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
    return fail(`${where}${Array.isArray(raw) ? `[${i}]` : ''} must be a string, boolean or number`);
  });
}

/**
 * Parses a Condition element. With `keyPolicy`, applies KMS's OverlyPermissiveCondition rule:
 * ForAllValues on a single-valued key such as kms:EncryptionContext:<key> is rejected because it
 * "matches requests without the specified encryption context or with an unspecified encryption context".
 */
export function parseConditionBlock(raw: unknown, where: string, keyPolicy: boolean, fail: Fail): ConditionBlock {
  if (!isRecord(raw)) fail(`${where} must be an object of operator -> {key: value}`);
  const clauses: ConditionBlock = [];
  for (const [opName, body] of Object.entries(raw)) {
    const opWhere = `${where}.${opName}`;
    const op = parseOperatorName(opName, where, fail);
    if (!isRecord(body)) fail(`${opWhere} must be an object of condition key -> value`);
    const entries = Object.entries(body);
    if (entries.length === 0) fail(`${opWhere} must name at least one condition key`);
    for (const [key, value] of entries) {
      const keyWhere = `${opWhere}["${key}"]`;
      let values = normaliseValues(value, keyWhere, fail);
      const lower = key.toLowerCase();
      if (op.operator === 'Null') values = values.map((v) => v.toLowerCase());
      if (op.operator === 'Null' && values.some((v) => v !== 'true' && v !== 'false')) {
        fail(`${keyWhere} must be true or false for the Null operator`);
      }
      if ((op.operator === 'IpAddress' || op.operator === 'NotIpAddress') && values.some((v) => !isCidrOrAddress(v))) {
        fail(`${keyWhere} must be IP addresses or CIDR blocks such as 203.0.113.0/24 for ${op.operator}`);
      }
      if (keyPolicy && op.setQualifier === 'ForAllValues' && (lower.startsWith('kms:encryptioncontext:') || lower.startsWith('aws:requesttag/'))) {
        fail(`${keyWhere} OverlyPermissiveCondition: using the ForAllValues set operator with a single-valued condition key matches requests without the specified encryption context or tag; remove ForAllValues`);
      }
      clauses.push({ ...op, key, values });
    }
  }
  return clauses;
}

/**
 * Evaluates one clause. `requestValues` is undefined (or empty) when the key is absent.
 * AWS: "If the key that you specify in a policy condition is not present in the request context,
 * the values do not match and the condition is false. If the policy condition requires that the
 * key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the
 * condition is true."
 */
export function evaluateClause(clause: ConditionClause, requestValues: string[] | undefined): boolean {
  const present = requestValues !== undefined && requestValues.length > 0;
  if (clause.operator === 'Null') {
    // "true" means the key must be absent, "false" that it must be present; several values OR.
    return clause.values.some((v) => (v === 'true') === !present);
  }
  if (!present) {
    if (clause.ifExists) return true;
    // AWS: an empty request set makes ForAllValues true and ForAnyValue false.
    if (clause.setQualifier === 'ForAllValues') return true;
    if (clause.setQualifier === 'ForAnyValue') return false;
    return isNegatedOperator(clause.operator);
  }
  const negatedOf = NEGATED[clause.operator];
  const matcher = POSITIVE[negatedOf ?? clause.operator];
  if (matcher === undefined) return false; // unreachable for parsed documents
  // Per request value: does it match any policy value (OR across values)? Negation flips that.
  const test = (v: string): boolean => clause.values.some((p) => matcher(p, v)) !== (negatedOf !== undefined);
  // Without a qualifier a multi-valued key behaves like ForAnyValue; single-valued keys have one value.
  return clause.setQualifier === 'ForAllValues' ? requestValues.every(test) : requestValues.some(test);
}

/** AND across all clauses (operators and keys). */
export function conditionsMatch(block: ConditionBlock, lookup: (key: string) => string[] | undefined): boolean {
  return block.every((clause) => evaluateClause(clause, lookup(clause.key)));
}
