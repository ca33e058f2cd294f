/**
 * JSON with object keys sorted at every level, so equal records hash equally (undefined members left
 * out, as JSON does). Written by JSON.stringify itself, handed each object with its keys in order:
 * about a third of the time of building the string key by key, once per record of a drill.
 */
export function canonicalJson(value: unknown): string {
  try {
    return JSON.stringify(value, withSortedKeys) ?? 'null';
  } catch (err) {
    if (err !== UNORDERABLE_KEY) throw err;
    return canonicalJsonKeyByKey(value);
  }
}

/**
 * JavaScript lists an object's integer-like keys ("7", "10") first, in numeric order, whatever order
 * they were added in, so JSON.stringify cannot write them sorted as strings; and a key "__proto__"
 * cannot be added to a plain object. Such an object (an encryption context with a key "10") is
 * written key by key instead.
 */
const UNORDERABLE_KEY = Symbol('key JSON.stringify cannot order');
const INTEGER_LIKE = /^(?:0|[1-9]\d{0,9})$/;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

function withSortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  let ordered = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (isDigit(key.charCodeAt(0)) && INTEGER_LIKE.test(key)) throw UNORDERABLE_KEY;
    if (i > 0 && keys[i - 1]! > key) ordered = false;
  }
  if (ordered) return value;
  const sorted: Record<string, unknown> = {};
  for (const k of keys.sort()) {
    if (k === '__proto__') throw UNORDERABLE_KEY;
    sorted[k] = o[k];
  }
  return sorted;
}

function canonicalJsonKeyByKey(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i ? ',' : ''}${canonicalJsonKeyByKey(value[i])}`;
    return `${out}]`;
  }
  const o = value as Record<string, unknown>;
  let out = '{';
  for (const k of Object.keys(o).sort()) {
    const v = o[k];
    if (v === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonicalJsonKeyByKey(v)}`;
  }
  return `${out}}`;
}
