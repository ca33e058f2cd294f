import type { AggregateDimension, AggregateQuery, AggregateResult } from '../../../src-shared/api';

/**
 * The time axis of the Audit page's charts: the range (the page's filter, else the span of the
 * matching events, found from the per-minute counts), a bucket size that keeps a chart at or below
 * MAX_BUCKETS points, and dense rows with every empty bucket at zero.
 */
export const MINUTE_MS = 60_000;
export const MAX_BUCKETS = 300;
/** Bucket sizes a reader recognises; the contract allows up to 30 days. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10_080, 43_200];
const LONGEST = 43_200;
const EARLIEST = '1970-01-01T00:00:00Z';
const LATEST = '2200-01-01T00:00:00Z';
/** The finer look at the span may return this many buckets per value: still a small answer. */
const PROBE_BUCKETS = 2_000;

export type Aggregate = (query: AggregateQuery) => Promise<AggregateResult>;

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

/** The range to chart, or undefined when no event matches the run (and the range, if any). */
export async function chartRange(aggregate: Aggregate, filter: { startTime?: string | undefined; endTime?: string | undefined; runId?: string | undefined }): Promise<ChartRange | undefined> {
  let start = filter.startTime ? Date.parse(filter.startTime) : undefined;
  // The page's end time is inclusive (hh:mm:59Z); the range's end is not.
  let end = filter.endTime ? Date.parse(filter.endTime) + 1 : undefined;
  if (start === undefined || end === undefined) {
    const span = await eventSpan(aggregate, filter.runId, start, end);
    if (!span) return undefined;
    start ??= span.start;
    end ??= span.end;
  }
  if (end <= start) end = start + MINUTE_MS;
  return { start, end, bucketMinutes: bucketMinutesFor(end - start) };
}

/** First and last minute with events, from two cheap looks at the per-minute counts: 30-day buckets, then finer ones. */
async function eventSpan(aggregate: Aggregate, runId: string | undefined, from: number | undefined, to: number | undefined): Promise<{ start: number; end: number } | undefined> {
  const run = runId ? { runId } : {};
  const coarse = await aggregate({ by: 'region', startTime: from === undefined ? EARLIEST : iso(from), endTime: to === undefined ? LATEST : iso(to - 1), bucketMinutes: LONGEST, ...run });
  const first = coarse.rows[0];
  const last = coarse.rows[coarse.rows.length - 1];
  if (!first || !last) return undefined;
  const lo = Math.max(Date.parse(first.time), from ?? -Infinity);
  const hi = Math.min(Date.parse(last.time) + LONGEST * MINUTE_MS, to ?? Infinity);
  const bucket = bucketMinutesFor(hi - lo, PROBE_BUCKETS);
  const fine = await aggregate({ by: 'region', startTime: iso(lo), endTime: iso(hi - 1), bucketMinutes: bucket, ...run });
  const a = fine.rows[0];
  const b = fine.rows[fine.rows.length - 1];
  if (!a || !b) return undefined;
  return { start: Math.max(Date.parse(a.time), lo), end: Math.min(Date.parse(b.time) + bucket * MINUTE_MS, hi) };
}

export interface ChartData {
  /** One row per bucket: `t` (ms) and `s0`, `s1`, … calls per minute of each key. */
  rows: Record<string, number>[];
  /** The series, most calls first; the tail folded into "all others". */
  keys: string[];
  total: number;
}

/** Dense rows over the range, calls per minute (a bucket's calls over its minutes), the top `maxKeys` keys apart. */
export function toChartData(result: AggregateResult, range: ChartRange, maxKeys = 7): ChartData {
  const totals = new Map<string, number>();
  for (const r of result.rows) totals.set(r.key, (totals.get(r.key) ?? 0) + r.calls);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  const kept = ranked.length > maxKeys ? ranked.slice(0, maxKeys - 1) : ranked;
  const keys = ranked.length > kept.length ? [...kept, 'all others'] : kept;
  const index = new Map(kept.map((k, i) => [k, i]));
  const size = range.bucketMinutes * MINUTE_MS;
  const first = Math.floor(range.start / size) * size;
  const rows: Record<string, number>[] = [];
  const byTime = new Map<number, Record<string, number>>();
  // `end` is exclusive: a bucket starting at it would hold nothing of the range.
  for (let t = first; t < range.end; t += size) {
    const row: Record<string, number> = { t };
    keys.forEach((_, i) => (row[`s${i}`] = 0));
    rows.push(row);
    byTime.set(t, row);
  }
  for (const r of result.rows) {
    const row = byTime.get(Date.parse(r.time));
    if (!row) continue;
    const i = index.get(r.key) ?? keys.length - 1;
    row[`s${i}`] = (row[`s${i}`] ?? 0) + r.calls / range.bucketMinutes;
  }
  return { rows, keys, total: [...totals.values()].reduce((n, c) => n + c, 0) };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export const DIMENSIONS: readonly AggregateDimension[] = ['eventName', 'region', 'errorCode'];
