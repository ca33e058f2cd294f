/**
 * The encryption context is bound to a ciphertext as additional authenticated data. Its encoding
 * must be unambiguous: `{"ab":"c"}` and `{"a":"bc"}` are different contexts and must give different
 * bytes (a plain concatenation would not). Pairs are sorted by key (UTF-8 byte order) so the order
 * a caller lists them in does not matter, and every string is length-prefixed.
 *
 * Layout: u16 pair count, then for each pair: u16 key length, key bytes, u16 value length, value bytes.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export function encodeEncryptionContext(context: EncryptionContext | undefined): Buffer {
  const entries = Object.entries(context ?? {}).map(([k, v]) => [Buffer.from(k, 'utf8'), Buffer.from(v, 'utf8')] as const);
  entries.sort(([a], [b]) => Buffer.compare(a, b));
  let size = 2;
  for (const [k, v] of entries) size += 4 + k.length + v.length;
  const out = Buffer.allocUnsafe(size);
  let at = out.writeUInt16BE(entries.length, 0);
  for (const [k, v] of entries) {
    at = out.writeUInt16BE(k.length, at);
    at += k.copy(out, at);
    at = out.writeUInt16BE(v.length, at);
    at += v.copy(out, at);
  }
  return out;
}

/** True when every pair of `required` is present with the same value in `actual`. */
export function contextContains(actual: EncryptionContext | undefined, required: EncryptionContext): boolean {
  return Object.entries(required).every(([k, v]) => actual !== undefined && Object.hasOwn(actual, k) && actual[k] === v);
}

export function contextEquals(a: EncryptionContext | undefined, b: EncryptionContext): boolean {
  return Object.keys(a ?? {}).length === Object.keys(b).length && contextContains(a, b);
}
