import { describe, expect, it } from 'vitest';
import { availabilityText } from '../../src-shared/availability-text';

describe('an availability as the report and the Drills page write it', () => {
  it('rounds as usual', () => {
    expect(availabilityText(99.641)).toBe('99.64%');
    expect(availabilityText(99.645, 3)).toBe('99.645%');
    expect(availabilityText(100)).toBe('100.00%');
    expect(availabilityText(0)).toBe('0.00%');
    expect(availabilityText(50)).toBe('50.00%');
  });

  it('never reads as 100 % for a tenant that was down at all, nor 0 % for one that served at all', () => {
    // 30 days less one minute.
    const oneMinuteDown = 100 * (1 - 1 / (30 * 24 * 60));
    expect(availabilityText(oneMinuteDown)).toBe('99.99%');
    expect(availabilityText(oneMinuteDown, 3)).toBe('99.998%');
    expect(availabilityText(99.9999, 3)).toBe('99.999%');
    expect(availabilityText(0.001)).toBe('0.01%');
    expect(availabilityText(0.0004, 3)).toBe('0.001%');
  });
});
