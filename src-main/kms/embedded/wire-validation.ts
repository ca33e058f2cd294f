import type { z } from 'zod';
import { KmsError } from './errors';

/**
 * Turns zod's verdict on a wire request into AWS's error: wrong JSON types are a
 * SerializationException; missing or out-of-range members a ValidationException listing every
 * violation as AWS does ("2 validation errors detected: Value null at 'keyId' failed to satisfy
 * constraint: Member must not be null; ...").
 */
export function parseWireRequest<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new KmsError('SerializationException', 'Start of structure or map found where not expected: the request body must be a JSON object.');
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;

  const violations: string[] = [];
  for (const issue of result.error.issues) {
    const where = wirePath(issue.path);
    // Blob members may hold key material or secrets: their values are never echoed.
    const raw = valueAt(body, issue.path);
    const given = raw !== undefined && SECRET_MEMBERS.has(String(issue.path[0])) ? SECRET : raw;
    if (issue.code === 'invalid_type' && raw !== undefined) {
      throw new KmsError('SerializationException', `Value ${describe(given)} at '${where}' cannot be read as ${issue.expected}.`);
    }
    if (issue.code === 'custom' && (issue as { params?: { serialization?: boolean } }).params?.serialization) {
      throw new KmsError('SerializationException', `${issue.message} at '${where}'.`);
    }
    if (issue.code === 'invalid_type') violations.push(`Value null at '${where}' failed to satisfy constraint: Member must not be null`);
    else violations.push(`Value ${given === undefined ? 'null' : describe(given)} at '${where}' failed to satisfy constraint: ${issue.message}`);
  }
  const n = violations.length;
  throw new KmsError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`);
}

const SECRET_MEMBERS = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens']);
const SECRET = Symbol('secret');

/** AWS names members camelCase in validation messages: `Plaintext` -> `plaintext`, `Tags.1.tagKey`. */
function wirePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? String(p + 1) : String(p).charAt(0).toLowerCase() + String(p).slice(1))).join('.');
}

function valueAt(body: object, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/** Never echoes a long value (it might be a secret or a whole blob): type and a short prefix only. */
function describe(v: unknown): string {
  if (v === SECRET) return '(not shown)';
  if (typeof v === 'string') return v.length > 64 ? `'${v.slice(0, 16)}…' (${v.length} characters)` : `'${v}'`;
  if (Array.isArray(v)) return `[array of ${v.length}]`;
  if (v !== null && typeof v === 'object') return '{object}';
  return String(v);
}
