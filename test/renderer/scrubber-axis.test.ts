import { describe, expect, it } from 'vitest';
import { timeAxis, type Timeline } from '../../src-renderer/src/scrubber-axis';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Moments at these times (ms), as a run's history lists them (ascending). */
function timeline(at: number[]): Timeline {
  return {
    timeOf: (i) => at[i] ?? 0,
    indexAtOrBefore: (t) => {
      let found = 0;
      at.forEach((a, i) => {
        if (a <= t) found = i;
      });
      return found;
    },
  };
}

/**
 * A 1,000-tenant trial: the slider stepped one recorded moment at a time, so 3,000 failovers in the
 * outage's first minute took nearly the whole slider and the other 30 days a few pixels.
 */
describe('the scrubber moves through time', () => {
  // Set-up at 0, then 3,000 failovers within a minute at day 10, then one moment a day to day 30.
  const at = [0, ...Array.from({ length: 3000 }, (_, i) => 10 * DAY + i * 10), ...Array.from({ length: 20 }, (_, d) => (11 + d) * DAY)];
  const axis = timeAxis(timeline(at), at.length);

  it('gives each stretch of the run the width of its time, not of its number of moments', () => {
    expect(axis.positions).toBe(1000);
    // The failover burst sits a third of the way along, in one position; day 20 two thirds along.
    expect(axis.positionOf(1)).toBe(333);
    expect(axis.positionOf(3000)).toBe(333);
    expect(axis.positionOf(at.indexOf(20 * DAY))).toBe(667);
    expect(axis.positionOf(at.length - 1)).toBe(1000);
  });

  it('shows the last moment at or before the time the slider is moved to', () => {
    expect(axis.indexAtPosition(500, 0)).toBe(at.indexOf(15 * DAY));
    // Just after the burst: all 3,000 failovers have happened.
    expect(axis.indexAtPosition(340, 0)).toBe(3000);
    expect(axis.indexAtPosition(0, 500)).toBe(0);
    expect(axis.indexAtPosition(1000, 0)).toBe(at.length - 1);
  });

  it('moves at least one moment when a move passes none, so the thumb never sticks', () => {
    // From the set-up (position 0), one position on (7 hours in) has no moment: the next one is the burst's first.
    expect(axis.indexAtPosition(1, 0)).toBe(1);
    // A position back from the burst's end is before the burst: the set-up.
    expect(axis.indexAtPosition(332, 3000)).toBe(0);
  });

  it('pages a hundredth of the run', () => {
    expect(axis.page).toBe(10);
  });

  it('gives a run whose moments share one time a position per moment', () => {
    const flat = timeAxis(timeline([0, 0, 0, 0]), 4);
    expect(flat.positions).toBe(3);
    expect(flat.positionOf(2)).toBe(2);
    expect(flat.indexAtPosition(1, 3)).toBe(1);
  });
});
