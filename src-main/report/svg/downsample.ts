/** A [time, value] point as the run record stores it. */
export type Point = readonly [number, number];

/** Charts draw at most this many points per series; the report stays small for a year-long run. */
export const MAX_POINTS_PER_SERIES = 600;

/**
 * Thins a series to at most `max` points by keeping, for each run of neighbouring points, the lowest
 * and the highest in time order. Unlike averaging, a five-minute dip to 0% in a year of 100% stays
 * visible, which is exactly what an availability chart is read for.
 */
export function downsample(points: readonly Point[], max = MAX_POINTS_PER_SERIES): Point[] {
  const sorted = isSorted(points) ? points : [...points].sort((a, b) => a[0] - b[0]);
  if (sorted.length <= max) return [...sorted];
  const buckets = Math.max(1, Math.floor(max / 2));
  const size = sorted.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(sorted.length, Math.floor((b + 1) * size));
    let low = from;
    let high = from;
    for (let i = from + 1; i < to; i++) {
      if ((sorted[i] as Point)[1] < (sorted[low] as Point)[1]) low = i;
      if ((sorted[i] as Point)[1] > (sorted[high] as Point)[1]) high = i;
    }
    out.push(sorted[Math.min(low, high)] as Point);
    if (low !== high) out.push(sorted[Math.max(low, high)] as Point);
  }
  return out;
}

/**
 * Sums neighbouring points into at most `max` groups (for bars, where a sum keeps the total count
 * honest). Returns the points and how many source buckets each group holds.
 */
export function groupSum(points: readonly Point[], bucket: number, max: number): { points: Point[]; groupSize: number } {
  if (points.length === 0) return { points: [], groupSize: 1 };
  const last = points.reduce((m, p) => Math.max(m, p[0]), 0);
  const size = Math.max(bucket, 1);
  const buckets = Math.floor(last / size) + 1;
  const groupSize = Math.max(1, Math.ceil(buckets / max));
  const width = size * groupSize;
  const sums = new Map<number, number>();
  for (const [t, v] of points) {
    const start = Math.floor(t / width) * width;
    sums.set(start, (sums.get(start) ?? 0) + v);
  }
  return { points: [...sums.entries()].sort((a, b) => a[0] - b[0]), groupSize };
}

function isSorted(points: readonly Point[]): boolean {
  for (let i = 1; i < points.length; i++) if ((points[i] as Point)[0] < (points[i - 1] as Point)[0]) return false;
  return true;
}
