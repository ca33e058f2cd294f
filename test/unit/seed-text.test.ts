import { describe, expect, it } from 'vitest';
import { apiChannels } from '../../src-shared/api';
import { ScenarioShape } from '../../src-shared/scenario';
import { parseSeed, SEED_RANGE } from '../../src-shared/seed-text';

/**
 * The Drills page ran a seed typed as "1e3" as seed 1000 (Number() reads it so), and the drills:run
 * request refused seeds above 2^31 - 1 that a scenario file and `drill run --seed` take.
 */
describe('a seed typed as text', () => {
  it('is taken only as decimal digits within the range of a scenario\'s seed', () => {
    expect(['0', '42', '007', '2147483648', String(SEED_RANGE.max)].map(parseSeed)).toEqual([0, 42, 7, 2_147_483_648, Number.MAX_SAFE_INTEGER]);
  });

  it('is taken exactly when a scenario file would take the number it spells', () => {
    for (const seed of [0, 1, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1]) {
      expect(parseSeed(String(seed)) !== undefined, `seed ${seed}`).toBe(ScenarioShape.shape.seed.safeParse(seed).success);
    }
  });

  it('is refused when Number() would read it as some other number, or it is out of range', () => {
    for (const text of ['1e3', '0x10', '0b1', '1.0', '1.5', '12abc', ' 1', '', '+1', '-1', 'Infinity', '9007199254740992', '99999999999999999999']) {
      expect(parseSeed(text), text).toBeUndefined();
    }
  });
});

describe('the seed of a drills:run request', () => {
  const request = apiChannels['drills:run'].args;
  it('is any seed a scenario file takes, and nothing else', () => {
    for (const seed of [0, 1, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1, 1.5, 1e21]) {
      const inRequest = request.safeParse({ scenario: { name: 'revocation-and-restore' }, seed }).success;
      expect(inRequest, `seed ${seed}`).toBe(ScenarioShape.shape.seed.safeParse(seed).success);
    }
  });
});
