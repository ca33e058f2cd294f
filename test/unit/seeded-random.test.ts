import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src-main/common/seeded-random';

const first = (seed: number, n = 5): number[] => {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => next());
};

describe('seededRandom', () => {
  it('keeps the choices of every seed below 2^32, so recorded drills repeat', () => {
    expect(first(1, 1)).toEqual([0.6270739405881613]);
    expect(first(42, 1)).toEqual([0.6011037519201636]);
  });

  it('gives seeds 2^32 apart choices of their own (a scenario seed may be any safe integer)', () => {
    expect(first(1 + 2 ** 32)).not.toEqual(first(1));
    expect(first(Number.MAX_SAFE_INTEGER)).not.toEqual(first(Number.MAX_SAFE_INTEGER - 2 ** 32));
    expect(first(2 ** 40 + 7)).toEqual(first(2 ** 40 + 7));
  });
});
