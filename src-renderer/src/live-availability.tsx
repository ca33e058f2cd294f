import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DrillJob } from './app-state';
import { formatDuration } from './format';

const COLOURS = ['var(--series-1, #2563eb)', 'var(--series-2, #16a34a)', 'var(--series-3, #d97706)', 'var(--series-4, #9333ea)', 'var(--series-5, #dc2626)'];

/**
 * While a drill runs: how many nodes of each cluster serve (their master key cached), frame by
 * frame as main pushes them — the live view of availability before the run record exists.
 */
export function LiveAvailability({ job }: { job: DrillJob }) {
  const { rows, clusters } = useMemo(() => {
    const names = [...new Set(job.frames.flatMap((f) => f.nodes.map((n) => n.cluster)))];
    const points = job.frames.map((f) => {
      const row: Record<string, number> = { at: f.at };
      for (const c of names) row[c] = f.nodes.filter((n) => n.cluster === c && n.cache === 'cached').length;
      return row;
    });
    return { rows: points, clusters: names };
  }, [job.frames]);
  const latest = job.frames[job.frames.length - 1];
  return (
    <figure className="live-chart" data-testid="live-availability" aria-label={`Nodes serving in ${job.title}, live`}>
      <figcaption>Nodes serving, live · +{formatDuration(latest?.at ?? 0)}: {latest?.cause}</figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border, #d1d5db)" />
          <XAxis dataKey="at" type="number" domain={[0, 'dataMax']} tickFormatter={(v: number) => formatDuration(v)} stroke="var(--muted, #6b7280)" />
          <YAxis allowDecimals={false} stroke="var(--muted, #6b7280)" width={32} />
          <Tooltip labelFormatter={(v) => `+${formatDuration(Number(v))}`} />
          <Legend />
          {clusters.map((c, i) => <Line key={c} type="stepAfter" dataKey={c} stroke={COLOURS[i % COLOURS.length]} dot={false} isAnimationActive={false} />)}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
