import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src-shared/api';
import { expectationsText } from '../../src-renderer/src/format';

/**
 * The Reports page summed up a fleet drill stopped with Stop as "0/0 expectations met" — as if the
 * scenario had none and all were met — where the Drills page says "cancelled: no expectation judged".
 */
const run = (over: Partial<RunSummary>) => ({ status: 'completed', verdicts: 2, verdictsPassed: 2, ...over }) as RunSummary;

describe('what a run says of its expectations', () => {
  it('counts those met when the run completed', () => {
    expect(expectationsText(run({}))).toBe('2/2 expectations met');
    expect(expectationsText(run({ verdictsPassed: 1 }))).toBe('1/2 expectations met');
  });

  it('says none was judged when the run was stopped, died or is still running', () => {
    for (const status of ['cancelled', 'interrupted', 'started'] as const) {
      expect(expectationsText(run({ status, verdicts: 0, verdictsPassed: 0 }))).toBe('no expectation judged');
    }
  });
});
