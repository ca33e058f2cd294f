import type { RunRecord } from '../../src-shared/run-record';
import type { UptimeTrack } from './availability';
import type { TrailEntry } from './run-trail';

type SeriesList = RunRecord['series']['availability'];

const MINUTE = 60_000;
const NICE_BUCKETS = [1, 5, 15, 30, 60, 180, 360, 720, 1440].map((m) => m * MINUTE);

/** Buckets no finer than a minute and few enough (≤ ~600) that a year-long drill still charts. */
export function bucketFor(duration: number): number {
  return NICE_BUCKETS.find((b) => duration / b <= 600) ?? 1440 * MINUTE * Math.ceil(duration / (600 * 1440 * MINUTE));
}

/** Percent of each bucket each track was up. */
export function availabilitySeries(tracks: Map<string, UptimeTrack>, duration: number, bucket: number): SeriesList {
  return [...tracks].map(([label, track]) => ({
    label,
    points: bucketStarts(duration, bucket).map((t) => [t, round(track.percentUp(t, Math.min(t + bucket, duration)))] as [number, number]),
  }));
}

/**
 * KMS calls per minute in each bucket, grouped by `key` (region, operation or error code). A bucket
 * longer than a minute shows the average rate over it.
 */
export function rateSeries(entries: readonly TrailEntry[], duration: number, bucket: number, key: (e: TrailEntry) => string | undefined): SeriesList {
  const counts = new Map<string, number[]>();
  const n = Math.max(1, Math.ceil(duration / bucket));
  for (const e of entries) {
    const label = key(e);
    if (label === undefined) continue;
    let row = counts.get(label);
    if (!row) counts.set(label, (row = new Array<number>(n).fill(0)));
    const i = Math.min(n - 1, Math.floor(e.at / bucket));
    row[i] = (row[i] as number) + 1;
  }
  const perMinute = MINUTE / bucket;
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([label, row]) => ({
    label,
    points: row.map((c, i) => [i * bucket, round(c * perMinute)] as [number, number]),
  }));
}

function bucketStarts(duration: number, bucket: number): number[] {
  const starts: number[] = [];
  for (let t = 0; t < duration; t += bucket) starts.push(t);
  return starts.length ? starts : [0];
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
