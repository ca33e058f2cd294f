/**
 * A CloudTrail record reduced to what "field for field" means: every field, at every depth, and the
 * format of each value — a key ARN, a UUID, CloudTrail's time, KMS's response date, 64 hex digits,
 * an account — while the values that name what happened (the operation, algorithms, key states,
 * the identity type, readOnly) are kept as they are. Two records of the same call made by
 * different callers on different keys have the same shape; a record that lacks a field AWS writes,
 * names a key material id in another format, or lists its resources in another order does not.
 */
export type Shape = string | Shape[] | { [field: string]: Shape };

/** Fields whose value is part of the shape, not only its format. */
const EXACT = new Set([
  'eventVersion', 'eventSource', 'eventName', 'eventType', 'eventCategory', 'readOnly', 'managementEvent', 'errorCode',
  'encryptionAlgorithm', 'sourceEncryptionAlgorithm', 'destinationEncryptionAlgorithm', 'keySpec', 'keyUsage', 'origin', 'keyState',
  'keyManager', 'customerMasterKeySpec', 'multiRegion', 'multiRegionKeyType', 'mfaAuthenticated', 'policyName', 'bypassPolicyLockoutSafetyCheck',
  'includeKeyMaterial',
]);
/** Maps of caller-chosen keys: only "a map of strings" is their shape. */
const MAPS = new Set(['encryptionContext', 'sourceEncryptionContext', 'destinationEncryptionContext', 'encryptionContextSubset', 'encryptionContextEquals']);

const FORMATS: [string, RegExp][] = [
  ['<uuid>', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/],
  ['<mrk-id>', /^mrk-[0-9a-f]{32}$/],
  ['<cloudtrail-time>', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/],
  ['<response-date>', /^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/],
  ['<key-arn>', /^arn:aws:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/],
  ['<alias-arn>', /^arn:aws:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:alias\/[\w/-]+$/],
  ['<iam-user-arn>', /^arn:aws:iam::\d{12}:user\/[\w+=,.@-]+$/],
  ['<iam-role-arn>', /^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/],
  ['<assumed-role-arn>', /^arn:aws:sts::\d{12}:assumed-role\/[\w+=,.@-]+\/[\w+=,.@-]+$/],
  ['<account>', /^\d{12}$/],
  ['<hex64>', /^[0-9a-f]{64}$/],
  ['<access-key-id>', /^(AKIA|ASIA)[A-Z0-9]{16}$/],
  ['<user-principal-id>', /^AIDA[A-Z0-9]{17}$/],
  ['<role-principal-id>', /^AROA[A-Z0-9]{17}$/],
  ['<role-session-principal-id>', /^AROA[A-Z0-9]{17}:[\w+=,.@-]+$/],
  ['<region>', /^[a-z]{2}(-[a-z]+)+-\d$/],
  ['<ip>', /^\d{1,3}(\.\d{1,3}){3}$/],
  ['<tls-version>', /^TLSv1\.[23]$/],
  ['<json>', /^\{[\s\S]*\}$/],
];

export function shapeOf(value: unknown, field = ''): Shape {
  if (value === null) return 'null';
  if (MAPS.has(field) && typeof value === 'object' && !Array.isArray(value)) {
    return Object.values(value as object).every((v) => typeof v === 'string') ? '<map of strings>' : '<map of other values>';
  }
  if (EXACT.has(field) && typeof value !== 'object') return `=${String(value)}`;
  if (Array.isArray(value)) return value.map((v) => shapeOf(v));
  if (typeof value === 'object') {
    const out: Record<string, Shape> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = shapeOf(v, key);
    }
    return out;
  }
  if (typeof value === 'string') return field === 'type' ? `=${value}` : formatOf(value);
  return typeof value;
}

function formatOf(text: string): string {
  for (const [name, pattern] of FORMATS) if (pattern.test(text)) return name;
  return '<string>';
}

/** A record's shape without the fields a transport decides: tlsDetails (only over TLS). */
export function shapeWithout(record: Record<string, unknown>, ...fields: string[]): Shape {
  const copy = { ...record };
  for (const f of fields) delete copy[f];
  return shapeOf(copy);
}
