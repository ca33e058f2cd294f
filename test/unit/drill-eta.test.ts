import { describe, expect, it } from 'vitest';
import { timeLeftText } from '../../src-shared/drill-eta';

/** The time left that the CLI's progress line and the Drills page say while a drill plays. */
describe('timeLeftText', () => {
  it('says nothing until the pace tells: under 2% of the drill or 2 s of playing, and nothing once done', () => {
    expect(timeLeftText(0.01, 10_000)).toBeUndefined();
    expect(timeLeftText(0.5, 1_999)).toBeUndefined();
    expect(timeLeftText(1, 60_000)).toBeUndefined();
    expect(timeLeftText(Number.NaN, 60_000)).toBeUndefined();
  });

  it('extrapolates the pace so far, rounded to 5 s, 10 s or a minute as the rest is longer', () => {
    // A 1,000-tenant fleet: 10% in 6 s leaves 54 s.
    expect(timeLeftText(0.1, 6_000)).toBe('about 55s left');
    // 20% in 17 s leaves 68 s: to 10 s.
    expect(timeLeftText(0.2, 17_000)).toBe('about 1m10s left');
    // 5% in 40 s leaves 760 s: to the minute.
    expect(timeLeftText(0.05, 40_000)).toBe('about 13m left');
    // Nearly done: never "0s".
    expect(timeLeftText(0.99, 60_000)).toBe('about 5s left');
  });

  it('counts the pace from where a window found the drill, not from its start', () => {
    // Taken up at 40%, seen to reach 50% in 5 s: 50% more takes 25 s (from the start it would read as 5 s).
    expect(timeLeftText(0.5, 5_000, 0.4)).toBe('about 25s left');
    // Too little seen yet to tell.
    expect(timeLeftText(0.41, 5_000, 0.4)).toBeUndefined();
  });
});
