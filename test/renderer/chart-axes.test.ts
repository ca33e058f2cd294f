import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-shared/run-record';
import { denseRows } from '../../src-renderer/src/charts/bucket-bars';
import { coarserBucket, rebucket } from '../../src-renderer/src/charts/chart-range';
import { bucketName, drillTickLabel, drillTicks, wallTickLabel, wallTicks } from '../../src-renderer/src/charts/time-ticks';
import { countTicks } from '../../src-renderer/src/charts/axis-tick';
import { builtIn, runWhole } from '../support/drill-run';

/**
 * What the charts' axes and bars say at every scale: round ticks that reach the drill's end, round
 * buckets, sums that add up to the run's totals, and a handful of errors in a year still drawn.
 */
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let year: RunRecord;

beforeAll(async () => {
  year = (await runWhole(builtIn('year-of-operation'))).record;
}, 120_000);

const sum = (series: { points: readonly (readonly [number, number])[] }[]) => series.reduce((n, s) => n + s.points.reduce((m, [, c]) => m + c, 0), 0);

describe('chart axes', () => {
  it('a year-long drill: round ticks, the last at +365d', () => {
    const ticks = drillTicks(365 * DAY);
    expect(ticks.map(drillTickLabel)).toEqual(['0', '+90d', '+180d', '+270d', '+365d']);
  });

  it('a 6-hour drill: a tick every hour, and an 8-hour one every 2 hours', () => {
    expect(drillTicks(6 * HOUR).map(drillTickLabel)).toEqual(['0', '+1h', '+2h', '+3h', '+4h', '+5h', '+6h']);
    expect(drillTicks(8 * HOUR).map(drillTickLabel)).toEqual(['0', '+2h', '+4h', '+6h', '+8h']);
  });

  it('wall-clock ticks fall on round UTC times, dated when the axis spans days', () => {
    const start = Date.UTC(2026, 2, 9, 14, 0);
    const label = wallTickLabel(start, start + 90 * MIN);
    expect(wallTicks(start, start + 90 * MIN).map(label)).toEqual(['14:00', '14:15', '14:30', '14:45', '15:00', '15:15', '15:30']);
    const week = wallTicks(start, start + 7 * DAY);
    const dayLabel = wallTickLabel(start, start + 7 * DAY);
    expect(week.map(dayLabel)).toEqual(['2026-03-10', '2026-03-12', '2026-03-14', '2026-03-16']);
  });

  it('buckets are round and named as a reader says them', () => {
    expect(coarserBucket(MIN, 6 * HOUR, 100)).toBe(5 * MIN);
    expect(coarserBucket(DAY, 365 * DAY, 100)).toBe(5 * DAY);
    expect(coarserBucket(15 * MIN, 30 * DAY, 100)).toBe(8 * HOUR);
    expect([MIN, 2 * HOUR, DAY, 7 * DAY].map(bucketName)).toEqual(['minute', '2 hours', 'day', '7 days']);
  });
});

describe('the charts of a year-long run', () => {
  it('sum every call and every error of the run, on an axis that spans the whole year', () => {
    const duration = year.scenario.duration;
    const bucket = coarserBucket(year.series.bucket, duration, 100);
    const axis = { kind: 'drill' as const, from: 0, to: duration, bucketMs: bucket };
    const calls = denseRows(rebucket(year.series.kmsCallsByRegion, bucket), axis);
    expect(calls.total).toBe(year.totals.kmsCalls);
    expect(calls.rows.length).toBe(Math.ceil(duration / bucket));
    // The bars' own sums agree with the total.
    expect(calls.rows.reduce((n, r) => n + Object.entries(r).filter(([k]) => k !== 'mid').reduce((m, [, v]) => m + v, 0), 0)).toBe(year.totals.kmsCalls);
    const errors = denseRows(rebucket(year.series.errorsByCode, bucket), axis);
    const failed = Object.values(year.totals.errorsByCode).reduce((n, c) => n + c, 0);
    expect(errors.total).toBe(failed);
    expect(failed).toBeGreaterThan(0);
    // Each failed call sits in some bucket's bar.
    expect(errors.rows.filter((r) => Object.entries(r).some(([k, v]) => k !== 'mid' && v > 0)).length).toBeGreaterThan(0);
    expect(sum(rebucket(year.series.errorsByCode, bucket))).toBe(sum(year.series.errorsByCode));
  });
});

/** The live chart of a 604-node fleet drew its round tick 600 and its top 604 on top of each other. */
describe('a count axis up to the whole fleet', () => {
  it('has round ticks and the fleet size on top, none of them crowding it', () => {
    expect(countTicks(604)).toEqual([0, 200, 400, 604]);
    expect(countTicks(1003)).toEqual([0, 500, 1003]);
    expect(countTicks(3000)).toEqual([0, 1000, 2000, 3000]);
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(1)).toEqual([0, 1]);
    expect(countTicks(0)).toEqual([0]);
    for (const max of [7, 58, 604, 1003, 3006, 12_501]) {
      const ticks = countTicks(max);
      expect(ticks.at(-1)).toBe(max);
      // No label within a tenth of the axis of the one above it.
      for (let i = 1; i < ticks.length; i++) expect((ticks[i]! - ticks[i - 1]!) / max, `${max}: ${ticks.join(', ')}`).toBeGreaterThanOrEqual(0.1);
    }
  });
});
