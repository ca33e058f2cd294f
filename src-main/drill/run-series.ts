import type { Series } from '../../src-shared/run-record';
import type { UptimeTrack } from './availability';
import type { TrailEntry } from './run-trail';

const MINUTE = 60_000;
const NICE_BUCKETS = [1, 5, 15, 30, 60, 180, 360, 720, 1440].map((m) => m * MINUTE);

/** Clusters up to this many get an availability series each; a fleet gets the fleet series and the per-cluster table. */
export const PER_CLUSTER_SERIES_LIMIT = 24;

/** Buckets no finer than a minute and few enough (≤ ~600) that a year-long drill still charts. */
export function bucketFor(duration: number): number {
  return NICE_BUCKETS.find((b) => duration / b <= 600) ?? 1440 * MINUTE * Math.ceil(duration / (600 * 1440 * MINUTE));
}

/** Percent of each bucket each track was up. */
export function availabilitySeries(tracks: Map<string, UptimeTrack>, duration: number, bucket: number): Series[] {
  return [...tracks].map(([label, track]) => {
    const down = bucketSums(track.downIntervals(duration), duration, bucket);
    return { label, points: down.map((d, i) => [i * bucket, round(100 - (100 * d) / bucketWidth(i, bucket, duration))] as [number, number]) };
  });
}

/** Percent of the tracks up, averaged over each bucket: the fleet's availability. */
export function fleetSeries(tracks: Iterable<UptimeTrack>, duration: number, bucket: number): Series {
  const n = bucketCount(duration, bucket);
  const down = new Array<number>(n).fill(0);
  let count = 0;
  for (const track of tracks) {
    count++;
    bucketSums(track.downIntervals(duration), duration, bucket).forEach((d, i) => {
      down[i] = (down[i] as number) + d;
    });
  }
  return {
    label: 'fleet',
    points: down.map((d, i) => [i * bucket, count === 0 ? 100 : round(100 - (100 * d) / (count * bucketWidth(i, bucket, duration)))] as [number, number]),
  };
}

/** Calls in each bucket, grouped by `key` (region, operation or error code): sums, not rates. */
export function countSeries(entries: readonly TrailEntry[], duration: number, bucket: number, key: (e: TrailEntry) => string | undefined): Series[] {
  const counts = new Map<string, number[]>();
  const n = bucketCount(duration, bucket);
  for (const e of entries) {
    const label = key(e);
    if (label === undefined) continue;
    let row = counts.get(label);
    if (!row) counts.set(label, (row = new Array<number>(n).fill(0)));
    const i = Math.min(n - 1, Math.floor(e.at / bucket));
    row[i] = (row[i] as number) + 1;
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([label, row]) => ({ label, points: row.map((c, i) => [i * bucket, c] as [number, number]) }));
}

/** Milliseconds of [from, to) intervals falling in each bucket. */
function bucketSums(intervals: readonly [number, number][], duration: number, bucket: number): number[] {
  const out = new Array<number>(bucketCount(duration, bucket)).fill(0);
  for (const [from, to] of intervals) {
    for (let i = Math.floor(from / bucket); i < out.length && i * bucket < to; i++) {
      const overlap = Math.min(to, (i + 1) * bucket, duration) - Math.max(from, i * bucket);
      if (overlap > 0) out[i] = (out[i] as number) + overlap;
    }
  }
  return out;
}

function bucketCount(duration: number, bucket: number): number {
  return Math.max(1, Math.ceil(duration / bucket));
}

/** The last bucket may be cut short by the end of the drill. */
function bucketWidth(i: number, bucket: number, duration: number): number {
  return Math.max(1, Math.min(bucket, duration - i * bucket));
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
