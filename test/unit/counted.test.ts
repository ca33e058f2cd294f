import { describe, expect, it } from 'vitest';
import { counted } from '../../src-shared/count';

/** A UI trial read "1 window(s); 1,812 call(s)" in a verdict. */
describe('a count and its noun', () => {
  it('is singular for one, plural otherwise, with thousands separators', () => {
    expect(counted(1, 'window')).toBe('1 window');
    expect(counted(1812, 'call')).toBe('1,812 calls');
    expect(counted(0, 'KMS call')).toBe('0 KMS calls');
    expect(counted(2, 'canary record')).toBe('2 canary records');
  });
});
