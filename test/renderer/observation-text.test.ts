import { describe, expect, it } from 'vitest';
import { callerText, observationCountText, verifiedNumbers } from '../../src-renderer/src/observation-text';

/**
 * A UI trial: a verdict cited "client-side observations #1, #2, #3" and Audit could not show them.
 * The Audit table now numbers a run's observations as its evidence cites them — only where main's
 * id for that number is the row's own.
 */
describe("the Audit table's numbers for a run's calls that never reached KMS", () => {
  const rows = [{ observationId: 'a' }, { observationId: 'b' }, { observationId: 'c' }];

  it('numbers a page read oldest first from its offset, as the evidence cites them', () => {
    expect([...verifiedNumbers(rows, 500, ['a', 'b', 'c'])]).toEqual([['a', 501], ['b', 502], ['c', 503]]);
  });

  it('gives no number to a row whose id is not the one derived for its place, rather than a wrong one', () => {
    expect([...verifiedNumbers(rows, 0, ['a', 'x'])]).toEqual([['a', 1]]);
  });

  it('says where in the hierarchy the call came from, from its encryption context', () => {
    expect(callerText({ encryptionContext: { tenant: 't07', cluster: 't07-prod', node: 'n2' } })).toBe('t07 · t07-prod/n2');
    expect(callerText({ encryptionContext: { cluster: 'acme-prod' } })).toBe('acme-prod');
    expect(callerText({})).toBe('');
  });

  it('counts the calls, and says when more are still to come', () => {
    expect(observationCountText(1, false)).toBe('1 call that never reached KMS');
    expect(observationCountText(1500, true)).toBe('1,500 calls that never reached KMS shown (more as you scroll)');
  });
});
