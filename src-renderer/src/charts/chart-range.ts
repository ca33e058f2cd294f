import type { AggregateDimension, AggregateQuery, AggregateResult } from '../../../src-shared/api';
import type { CountSeries } from './bucket-bars';

/**
 * The time axes of the Audit page's charts: the range (the page's filter, else the span of the
 * matching events), cut into stretches where the events lie months apart — drill runs on the
 * embedded KMS are stamped with the drill's own clock (from 2026-01-01), imported and wall-clock
 * events with the real one — so neither squeezes the other; and a round bucket size that keeps a
 * chart at or below MAX_BUCKETS bars.
 */
export const MINUTE_MS = 60_000;
export const MAX_BUCKETS = 150;
/** Bucket sizes a reader recognises; the contract allows up to 30 days. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080, 43_200];
const LONGEST = 43_200;
const EARLIEST = '1970-01-01T00:00:00Z';
const LATEST = '2200-01-01T00:00:00Z';
/** The finer look at a stretch may return this many buckets per value: still a small answer. */
const PROBE_BUCKETS = 2_000;
/** At most this many stretches get their own charts (the busiest). */
export const MAX_STRETCHES = 3;

export type Aggregate = (query: AggregateQuery) => Promise<AggregateResult>;

/** The filters a chart follows, as the table applies them (time, run, attribute, errors, region). */
export type ChartFilter = Omit<AggregateQuery, 'by' | 'startTime' | 'endTime' | 'bucketMinutes'> & { startTime?: string | undefined; endTime?: string | undefined };

export interface ChartRange {
  start: number;
  /** Exclusive. */
  end: number;
  bucketMinutes: number;
}

/** The smallest recognisable bucket, in minutes, that cuts `spanMs` into at most `buckets` pieces. */
export function bucketMinutesFor(spanMs: number, buckets = MAX_BUCKETS): number {
  const minutes = Math.max(1, Math.ceil(spanMs / MINUTE_MS));
  return STEPS.find((step) => minutes / step <= buckets) ?? LONGEST;
}

/** Round bucket lengths in minutes for drill time: minutes, hours, days, weeks. */
const DRILL_STEPS = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 4320, 7200, 10_080, 14_400, 20_160, 43_200];

/**
 * The round bucket, a whole multiple of `baseMs`, that shows `spanMs` in at most `buckets` bars —
 * one that divides the span exactly when there is one (a year: 5 days), so the last bar is as wide
 * as the others. A run's series, counted per minute over 6 hours, is drawn per 5 minutes: sums, so
 * nothing is lost.
 */
export function coarserBucket(baseMs: number, spanMs: number, buckets = MAX_BUCKETS): number {
  const base = baseMs / MINUTE_MS;
  const fits = DRILL_STEPS.filter((m) => m >= base && m % base === 0 && spanMs / (m * MINUTE_MS) <= buckets);
  const step = fits.find((m) => spanMs % (m * MINUTE_MS) === 0) ?? fits[0];
  return step === undefined ? baseMs * Math.ceil(spanMs / baseMs / buckets) : step * MINUTE_MS;
}

/** Series summed into buckets of `size` (a multiple of theirs), starting at 0. */
export function rebucket(series: readonly CountSeries[], size: number): CountSeries[] {
  return series.map((s) => {
    const sums = new Map<number, number>();
    for (const [t, c] of s.points) sums.set(Math.floor(t / size) * size, (sums.get(Math.floor(t / size) * size) ?? 0) + c);
    return { label: s.label, points: [...sums] };
  });
}

const rangeOf = (start: number, end: number): ChartRange => {
  const e = end <= start ? start + MINUTE_MS : end;
  return { start, end: e, bucketMinutes: bucketMinutesFor(e - start) };
};

/**
 * The ranges to chart, oldest first: the filter's own time range when it has both ends, else each
 * stretch of matching events (at most MAX_STRETCHES, the busiest), or none when nothing matches.
 */
export async function chartRanges(aggregate: Aggregate, filter: ChartFilter): Promise<{ ranges: ChartRange[]; leftOut: number }> {
  const { startTime, endTime, ...rest } = filter;
  const from = startTime ? Date.parse(startTime) : undefined;
  // The page's end time is inclusive (hh:mm:59Z); a range's end is not.
  const to = endTime ? Date.parse(endTime) + 1 : undefined;
  if (from !== undefined && to !== undefined) return { ranges: [rangeOf(from, to)], leftOut: 0 };
  const coarse = await aggregate({ ...rest, by: 'region', startTime: from === undefined ? EARLIEST : iso(from), endTime: to === undefined ? LATEST : iso(to - 1), bucketMinutes: LONGEST });
  const stretches = stretchesOf(coarse, LONGEST * MINUTE_MS, from, to);
  const busiest = [...stretches].sort((a, b) => b.calls - a.calls).slice(0, MAX_STRETCHES);
  const kept = stretches.filter((s) => busiest.includes(s));
  const ranges: ChartRange[] = [];
  for (const s of kept) {
    // A finer look finds the first and last minute of the stretch.
    const bucket = bucketMinutesFor(s.end - s.start, PROBE_BUCKETS);
    const fine = await aggregate({ ...rest, by: 'region', startTime: iso(s.start), endTime: iso(s.end - 1), bucketMinutes: bucket });
    const a = fine.rows[0];
    const b = fine.rows[fine.rows.length - 1];
    if (!a || !b) continue;
    ranges.push(rangeOf(from ?? Math.max(Date.parse(a.time), s.start), to ?? Math.min(Date.parse(b.time) + bucket * MINUTE_MS, s.end)));
  }
  return { ranges, leftOut: stretches.length - kept.length };
}

/** Runs of non-empty buckets, split where at least one whole bucket is empty; clipped to [from, to). */
function stretchesOf(result: AggregateResult, size: number, from: number | undefined, to: number | undefined): { start: number; end: number; calls: number }[] {
  const calls = new Map<number, number>();
  for (const r of result.rows) calls.set(Date.parse(r.time), (calls.get(Date.parse(r.time)) ?? 0) + r.calls);
  const out: { start: number; end: number; calls: number }[] = [];
  for (const t of [...calls.keys()].sort((a, b) => a - b)) {
    const last = out.at(-1);
    if (last && t <= last.end) {
      last.end = t + size;
      last.calls += calls.get(t) ?? 0;
    } else out.push({ start: t, end: t + size, calls: calls.get(t) ?? 0 });
  }
  return out.map((s) => ({ ...s, start: Math.max(s.start, from ?? -Infinity), end: Math.min(s.end, to ?? Infinity) }));
}

/** An aggregate's rows as one series per key: [bucket start (epoch ms), calls]. Successful calls have no error-code key. */
export function toCountSeries(result: AggregateResult): CountSeries[] {
  const byKey = new Map<string, [number, number][]>();
  for (const r of result.rows) {
    if (r.key === '') continue;
    let points = byKey.get(r.key);
    if (!points) byKey.set(r.key, (points = []));
    points.push([Date.parse(r.time), r.calls]);
  }
  return [...byKey].map(([label, points]) => ({ label, points }));
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const DIMENSIONS: readonly AggregateDimension[] = ['eventName', 'region', 'errorCode'];
