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

  it('shows the last moment at or before the time the pointer is on, wherever the moment shown was', () => {
    expect(axis.indexAtPosition(500)).toBe(at.indexOf(15 * DAY));
    // Just after the burst: all 3,000 failovers have happened.
    expect(axis.indexAtPosition(340)).toBe(3000);
    expect(axis.indexAtPosition(0)).toBe(0);
    expect(axis.indexAtPosition(1000)).toBe(at.length - 1);
    // A UI trial: a drag through a quiet stretch flickered between the moments either side of it, as
    // each pointer move forced a moment on from the one shown. Now a position always shows one moment.
    for (const position of [1, 100, 200, 332]) expect(axis.indexAtPosition(position)).toBe(0);
  });

  it('pages (and plays) at least one moment, so a quiet stretch never stops them', () => {
    expect(axis.page).toBe(10);
    // From the set-up, a page on (7 hours of a 30-day run) has no moment: the next one is the burst's first.
    expect(axis.indexFrom(0, 10)).toBe(1);
    // From the burst's last failover, a page on passes no moment either: the next day's.
    expect(axis.indexFrom(3000, 10)).toBe(3001);
    // A page back from the burst is before it: the set-up.
    expect(axis.indexFrom(3000, -10)).toBe(0);
    expect(axis.indexFrom(0, -10)).toBe(0);
    expect(axis.indexFrom(at.length - 1, 10)).toBe(at.length - 1);
  });

  it('gives a run whose moments share one time a position per moment', () => {
    const flat = timeAxis(timeline([0, 0, 0, 0]), 4);
    expect(flat.positions).toBe(3);
    expect(flat.positionOf(2)).toBe(2);
    expect(flat.indexAtPosition(1)).toBe(1);
    expect(flat.indexFrom(1, 1)).toBe(2);
  });
});
