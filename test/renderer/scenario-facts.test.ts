import { describe, expect, it } from 'vitest';
import { scenarioFacts } from '../../src-renderer/src/format';

/** The Drills page listed built-in scenarios as "6h · 1 steps · 4 expectations" and "7d · 0 steps". */
describe('a built-in scenario’s line in the Drills list', () => {
  it('counts its steps and expectations in words that agree with the number', () => {
    expect(scenarioFacts({ name: 'node-address-change', durationMs: 6 * 3_600_000, steps: 1, expectations: 4 })).toBe('node-address-change · 6h · 1 step · 4 expectations');
    expect(scenarioFacts({ name: 'data-key-usage-limits', durationMs: 7 * 86_400_000, steps: 0, expectations: 1 })).toBe('data-key-usage-limits · 7d · 0 steps · 1 expectation');
    expect(scenarioFacts({ name: 'year-of-operation', durationMs: 365 * 86_400_000, steps: 2, expectations: 9 })).toBe('year-of-operation · 365d · 2 steps · 9 expectations');
  });
});
