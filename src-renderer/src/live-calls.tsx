import { useEffect, useMemo, useState } from 'react';
import { call } from './api-client';
import { liveElapsed, type DrillJob } from './app-state';
import { BucketBars, type BucketAxis, type CountSeries } from './charts/bucket-bars';

/** Series on the drill's clock: offsets from its start. */
const fromStart = (series: CountSeries[], start: number): CountSeries[] => series.map((s) => ({ label: s.label, points: s.points.map(([t, c]) => [t - start, c] as const) }));
import { bucketMinutesFor, toCountSeries } from './charts/chart-range';
import { formatDuration } from './format';

const POLL_MS = 1000;
/** At most this many bars across the drill. */
const MAX_BUCKETS = 120;
const MINUTE = 60_000;
const NONE: CountSeries[] = [];


/**
 * While a drill runs: its KMS calls per bucket by region and its failed calls by error code, read
 * from the event store (the drill's events land there as it plays) once a second, on an axis that
 * spans the whole drill.
 */
export function LiveCalls({ job, durationMs }: { job: DrillJob; durationMs: number }) {
  // By value: a new frame brings a new `run` object with the same id, which must not restart the polling.
  const runId = job.run?.runId;
  const startTime = job.run?.startTime;
  const [data, setData] = useState<{ region: CountSeries[]; errorCode: CountSeries[] } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const bucketMinutes = bucketMinutesFor(durationMs, MAX_BUCKETS);
  const start = startTime ? Date.parse(startTime) : 0;

  useEffect(() => {
    if (!runId || !startTime) return;
    let live = true;
    const load = async () => {
      // Calls only, as the finished run's totals count them: not the records of what KMS did on its own (a scheduled rotation or deletion), nor key owners' copies of cross-account calls.
      const range = { startTime, endTime: new Date(start + durationMs).toISOString(), bucketMinutes, runId, callsOnly: true };
      const [region, errorCode] = await Promise.all([call('audit:aggregate', { ...range, by: 'region' }), call('audit:aggregate', { ...range, by: 'errorCode' })]);
      if (live) setData({ region: fromStart(toCountSeries(region), start), errorCode: fromStart(toCountSeries(errorCode), start) });
    };
    const tick = () => load().then(() => setError(undefined), (err: Error) => live && setError(err.message));
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [runId, startTime, start, durationMs, bucketMinutes]);

  const size = bucketMinutes * MINUTE;
  // The store's buckets start at multiples of their size since the epoch: the grid may begin before the drill.
  const axis = useMemo((): BucketAxis => ({ kind: 'drill', from: 0, to: durationMs, bucketMs: size, origin: Math.floor(start / size) * size - start }), [durationMs, size, start]);
  if (!runId) return null;
  const now = `live, +${formatDuration(liveElapsed(job))}`;
  return (
    <div className="live-calls" data-testid="live-calls">
      {error ? <p className="error" role="alert">Could not read the drill&apos;s calls: {error}</p> : null}
      <BucketBars title="KMS calls by region" note={now} series={data?.region ?? NONE} axis={axis} empty="No calls yet." height={160} />
      <BucketBars title="Failed KMS calls by error code" note={now} series={data?.errorCode ?? NONE} axis={axis} noun="failed calls" empty="No failed calls yet." height={160} />
    </div>
  );
}
