import type { z } from 'zod';
import { KmsError } from './errors';

/**
 * Turns zod's verdict on a wire request into AWS's error: wrong JSON types are a
 * SerializationException; missing or out-of-range members a ValidationException listing every
 * violation as AWS does ("2 validation errors detected: Value null at 'keyId' failed to satisfy
 * constraint: Member must not be null; ...").
 */
export function parseWireRequest<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new KmsError('SerializationException', 'Start of structure or map found where not expected: the request body must be a JSON object.');
  }
  const body = withoutNulls(raw);
  const result = schema.safeParse(body);
  if (result.success) return result.data;

  const violations: string[] = [];
  for (const issue of result.error.issues) {
    const where = wirePath(issue.path);
    // Blob members may hold key material or secrets: their values are never echoed.
    const raw = valueAt(body, issue.path);
    const given = raw !== undefined && SECRET_MEMBERS.has(String(issue.path[0])) ? SECRET : raw;
    if (issue.code === 'invalid_type' && raw !== undefined) {
      throw new KmsError('SerializationException', `Value ${describe(given)}at '${where}' cannot be read as ${issue.expected}.`);
    }
    if (issue.code === 'custom' && (issue as { params?: { serialization?: boolean } }).params?.serialization) {
      throw new KmsError('SerializationException', `${issue.message} at '${where}'.`);
    }
    if (issue.code === 'invalid_type') violations.push(`Value null at '${where}' failed to satisfy constraint: Member must not be null`);
    else violations.push(`Value ${given === undefined ? 'null ' : describe(given)}at '${where}' failed to satisfy constraint: ${issue.message}`);
  }
  const n = violations.length;
  throw new KmsError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

const SECRET_MEMBERS = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens']);
const SECRET = Symbol('secret');

/**
 * As the JSON protocol reads it, a member set to null is a member not set: AWS answers `{"KeyId": null}`
 * as it answers `{}`. Nulls inside lists stay (they are a list element of the wrong type).
 */
function withoutNulls(value: object): object {
  if (Array.isArray(value)) return value.map((v: unknown) => (v !== null && typeof v === 'object' ? withoutNulls(v) : v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null) continue;
    out[k] = typeof v === 'object' ? withoutNulls(v) : v;
  }
  return out;
}

/**
 * AWS names members camelCase in validation messages and a list element by its 1-based index and
 * `member`: `Plaintext` -> `plaintext`, `Tags[0].TagKey` -> `tags.1.member.tagKey`.
 */
function wirePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `${p + 1}.member` : String(p).charAt(0).toLowerCase() + String(p).slice(1))).join('.');
}

function valueAt(body: object, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/**
 * The value as AWS quotes it, followed by a space: `'0' `, `'alias/x' `. Secret members (blobs,
 * grant tokens) are never echoed, and AWS leaves them out too: "Value at 'plaintext' failed ...".
 * Other values are the caller's own input and are echoed whole, as AWS does, up to a bound that
 * keeps an error readable.
 */
function describe(v: unknown): string {
  if (v === SECRET) return '';
  if (typeof v === 'string') return v.length > MAX_ECHO ? `'${v.slice(0, MAX_ECHO)}…' (${v.length} characters) ` : `'${v}' `;
  if (Array.isArray(v)) {
    const scalars = v.every((e) => typeof e === 'string' || typeof e === 'number' || typeof e === 'boolean');
    const text = scalars ? `[${v.join(', ')}]` : `[${v.length} elements]`;
    return text.length > MAX_ECHO ? `'[${v.length} elements]' ` : `'${text}' `;
  }
  if (v !== null && typeof v === 'object') return "'{…}' ";
  return `'${String(v)}' `;
}

const MAX_ECHO = 8192;
