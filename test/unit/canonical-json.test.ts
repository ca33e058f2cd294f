import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src-main/drill/canonical-json';

/**
 * The canonical form an auditor recomputes the run's digest from (docs/run-record.md: records as
 * canonical JSON lines, keys sorted): keys sorted as strings at every level, no spaces, undefined
 * members left out. Pinned by literal strings, so a faster way of writing it cannot change a digest.
 */
describe('canonicalJson', () => {
  it('sorts keys at every level, inside lists too, and leaves out undefined members', () => {
    const record = { z: 1, a: { y: [{ b: 2, a: 1 }, 'x', null], x: undefined }, m: 'é"\n' };
    expect(canonicalJson(record)).toBe('{"a":{"y":[{"a":1,"b":2},"x",null]},"m":"é\\"\\n","z":1}');
  });

  it('sorts integer-like keys as strings, as every other key ("10" before "9")', () => {
    const context = { encryptionContext: { 9: 'nine', b: 'bee', 10: 'ten', '007': 'bond' } };
    expect(canonicalJson(context)).toBe('{"encryptionContext":{"007":"bond","10":"ten","9":"nine","b":"bee"}}');
  });

  it('writes a key "__proto__" as the member it is', () => {
    const context = JSON.parse('{"requestParameters":{"z":1,"__proto__":{"x":1},"a":2}}') as unknown;
    expect(canonicalJson(context)).toBe('{"requestParameters":{"__proto__":{"x":1},"a":2,"z":1}}');
  });

  it('writes scalars and empty values as JSON does', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('s')).toBe('"s"');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('gives equal records, whatever order their members were added in, the same digest', () => {
    const a = { eventName: 'Decrypt', requestParameters: { keyId: 'k', encryptionContext: { tenant: 't1', cluster: 'c' } }, eventID: 'e' };
    const b = { eventID: 'e', requestParameters: { encryptionContext: { cluster: 'c', tenant: 't1' }, keyId: 'k' }, eventName: 'Decrypt' };
    const digest = (v: unknown): string => createHash('sha256').update(canonicalJson(v)).digest('hex');
    expect(digest(a)).toBe(digest(b));
  });
});
