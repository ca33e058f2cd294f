import { MINUTE_MS, type AggregateQuery, type AggregateRow } from '../audit/event-store';

/**
 * A per-bucket count over a long stretch, counted a slice of whole buckets at a time with a pause
 * between slices, so the main process answers other calls meanwhile. SQLite runs each query to the
 * end on the main thread: a chart's filtered count over 10,000,000 events took seconds per query,
 * and every other call of the window (the event a user clicked, the Explorer's frames) waited
 * behind it. Each bucket lies in exactly one slice, so the rows are those of one query, in order.
 */

/** About how long one slice may hold the main thread. */
const SLICE_MS = 40;
/**
 * A slice is at most this fraction of the stretch: events are seldom spread evenly (a drill's clock, a
 * busy day), so a slice that was cheap says little about the next; smaller when one takes too long.
 */
const MAX_SLICE_OF = 32;

export async function slicedAggregate(
  count: (query: AggregateQuery) => AggregateRow[],
  query: AggregateQuery,
  { pause = nextTurn, signal }: { pause?: () => Promise<void>; signal?: AbortSignal | undefined } = {},
): Promise<AggregateRow[]> {
  const { startTime: start, endTime: end } = query;
  const bucketMs = query.bucketMs ?? MINUTE_MS;
  // What the store refuses (an impossible range or bucket), it refuses whole, with its own message.
  if (!(Number.isFinite(start) && Number.isFinite(end) && start <= end && Number.isInteger(bucketMs) && bucketMs > 0)) return count(query);
  // Buckets start at multiples of their size since the epoch, as the store counts them.
  const firstBucket = Math.floor(start / bucketMs);
  const buckets = Math.floor(end / bucketMs) - firstBucket + 1;
  const largest = Math.max(1, Math.ceil(buckets / MAX_SLICE_OF));
  let size = largest;
  const rows: AggregateRow[] = [];
  for (let done = 0; done < buckets;) {
    const next = Math.min(buckets, done + size);
    const from = done === 0 ? start : (firstBucket + done) * bucketMs;
    const to = next === buckets ? end : (firstBucket + next) * bucketMs - 1;
    const began = performance.now();
    for (const row of count({ ...query, startTime: from, endTime: to })) rows.push(row);
    const took = performance.now() - began;
    done = next;
    if (done < buckets) {
      // Aim the next slice at SLICE_MS from what this one cost per bucket: shrinking at most 4×, growing at most 2× a time.
      size = Math.min(largest, Math.max(1, Math.round(size * Math.min(2, Math.max(0.25, SLICE_MS / Math.max(took, 0.5))))));
      await pause();
      // Whoever asked has gone (a new filter, a closed page): the rest would be counted for nobody.
      signal?.throwIfAborted();
    }
  }
  return rows;
}

/** Lets the event loop answer what came in meanwhile (I/O callbacks run before setImmediate's). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
