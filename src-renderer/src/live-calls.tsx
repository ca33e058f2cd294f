import { useEffect, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AggregateDimension } from '../../src-shared/api';
import { call } from './api-client';
import type { DrillJob } from './app-state';
import { formatDuration } from './format';

const COLOURS = ['var(--series-1, #2563eb)', 'var(--series-2, #16a34a)', 'var(--series-3, #d97706)', 'var(--series-4, #9333ea)', 'var(--series-5, #dc2626)'];
const POLL_MS = 1000;
/** At most this many bars: longer drills get wider buckets. */
const MAX_BUCKETS = 120;

type Row = Record<string, number>;

/**
 * While a drill runs: its KMS calls per bucket by region and its failed calls by error code, read
 * from the event store (the drill's events land there as it plays) once a second.
 */
export function LiveCalls({ job, durationMs }: { job: DrillJob; durationMs: number }) {
  const run = job.run;
  const elapsed = job.frames.at(-1)?.at ?? 0;
  const [data, setData] = useState<{ region: Row[]; errorCode: Row[]; keys: Record<AggregateDimension, string[]> } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const bucketMinutes = Math.max(1, Math.ceil(durationMs / 60_000 / MAX_BUCKETS));

  useEffect(() => {
    if (!run) return;
    let live = true;
    const start = Date.parse(run.startTime);
    const load = async () => {
      const range = { startTime: run.startTime, endTime: new Date(start + durationMs).toISOString(), bucketMinutes, runId: run.runId };
      const [region, errorCode] = await Promise.all([call('audit:aggregate', { ...range, by: 'region' }), call('audit:aggregate', { ...range, by: 'errorCode' })]);
      const pivot = (rows: { time: string; key: string; calls: number }[]) => {
        const byTime = new Map<number, Row>();
        for (const r of rows) {
          const at = Date.parse(r.time) - start;
          const row = byTime.get(at) ?? { at };
          row[r.key] = (row[r.key] ?? 0) + r.calls;
          byTime.set(at, row);
        }
        return { rows: [...byTime.values()].sort((a, b) => (a.at ?? 0) - (b.at ?? 0)), keys: [...new Set(rows.map((r) => r.key))].sort() };
      };
      const a = pivot(region.rows);
      const b = pivot(errorCode.rows.filter((r) => r.key !== ''));
      if (live) setData({ region: a.rows, errorCode: b.rows, keys: { region: a.keys, errorCode: b.keys, eventName: [] } });
    };
    const tick = () => load().then(() => setError(undefined), (err: Error) => live && setError(err.message));
    void tick();
    const timer = setInterval(() => void tick(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [run, durationMs, bucketMinutes]);

  if (!run) return null;
  return (
    <div className="live-calls" data-testid="live-calls">
      {error ? <p className="error" role="alert">Could not read the drill's calls: {error}</p> : null}
      <CallsBars title={`KMS calls per ${bucketMinutes} min by region, live (+${formatDuration(elapsed)})`} rows={data?.region ?? []} keys={data?.keys.region ?? []} durationMs={durationMs} />
      <CallsBars title="Failed KMS calls by error code, live" rows={data?.errorCode ?? []} keys={data?.keys.errorCode ?? []} durationMs={durationMs} empty="No failed calls yet." />
    </div>
  );
}

function CallsBars({ title, rows, keys, durationMs, empty = 'No calls yet.' }: { title: string; rows: Row[]; keys: string[]; durationMs: number; empty?: string }) {
  return (
    <figure className="live-chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {rows.length === 0 ? <p className="muted">{empty}</p> : (
        <ResponsiveContainer width="100%" height={160}>
          <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border, #d1d5db)" />
            <XAxis dataKey="at" type="number" domain={[0, durationMs]} tickFormatter={(v: number) => formatDuration(v)} stroke="var(--muted, #6b7280)" />
            <YAxis allowDecimals={false} stroke="var(--muted, #6b7280)" width={40} />
            <Tooltip labelFormatter={(v) => `+${formatDuration(Number(v))}`} />
            <Legend />
            {keys.map((k, i) => <Bar key={k} dataKey={k} stackId="calls" fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />)}
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
