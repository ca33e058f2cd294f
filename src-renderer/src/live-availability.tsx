import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { liveElapsed, type DrillJob } from './app-state';
import { useChartWidth } from './charts/use-chart-width';
import { AXIS, seriesColour, TOOLTIP_STYLE } from './charts/chart-colours';
import { drillTickLabel, drillTicks } from './charts/time-ticks';
import { countTicks, NO_GRID_LINES, plainTick } from './charts/axis-tick';

const DRILL_TICK = plainTick(drillTickLabel);
const COUNT_TICK = plainTick(String);
import { formatDuration } from './format';

/**
 * While a drill runs: how many nodes of each cluster serve (their master key cached), moment by
 * moment as main pushes them (a fleet: one line for all its clusters), on an axis that spans the
 * whole drill so nothing moves as it grows.
 */
export function LiveAvailability({ job }: { job: DrillJob }) {
  const history = job.history;
  const { ref: box, width } = useChartWidth<HTMLDivElement>();
  const { rows, lines } = useMemo(() => {
    const keys = [...new Set(history.serving.flatMap((p) => Object.keys(p.counts)))];
    const points = history.serving.map((p) => {
      const row: Record<string, number> = { at: p.at };
      keys.forEach((k, i) => (row[`s${i}`] = p.counts[k] ?? 0));
      return row;
    });
    return { rows: points, lines: keys };
    // `history` changes in place; `version` says when.
  }, [history, job.version]);
  const duration = Math.max(job.durationMs ?? 0, history.at.at(-1) ?? 0, 1);
  const lastCause = history.entries.at(-1)?.cause;
  const elapsed = liveElapsed(job);
  // The newest state holds until now: extend it to the present moment of the drill.
  const last = rows.at(-1);
  const data = last && elapsed > (last.at ?? 0) ? [...rows, { ...last, at: elapsed }] : rows;
  // The most nodes seen serving in any one line: the axis's top, labelled, with no round tick crowding it.
  const yMax = useMemo(() => rows.reduce((m, r) => Math.max(m, ...lines.map((_, i) => r[`s${i}`] ?? 0)), 0), [rows, lines]);
  const title = `Nodes serving, live · +${formatDuration(elapsed)} of ${formatDuration(duration)}`;
  return (
    <figure className="chart live-chart" data-testid="live-availability" aria-label={`Nodes serving in ${job.title}, live`}>
      <figcaption>{title}{lastCause ? <span className="muted"> · last change: {lastCause}</span> : null}</figcaption>
      <div ref={box} className="chart-box" style={{ height: 180 }}>{width ? <LineChart width={width} height={180} data={data} margin={{ top: 8, right: 18, bottom: 4, left: 0 }} title={title}>
        <CartesianGrid vertical={false} verticalCoordinatesGenerator={NO_GRID_LINES} stroke={AXIS.stroke} />
        <XAxis dataKey="at" type="number" domain={[0, duration]} ticks={drillTicks(duration)} interval={0} stroke={AXIS.stroke} tick={DRILL_TICK} />
        {/* Up to the most nodes seen serving (the whole fleet at the start), not a round number above it: a full fleet fills the chart. */}
        <YAxis allowDecimals={false} domain={[0, yMax]} ticks={countTicks(yMax)} interval={0} stroke={AXIS.stroke} tick={COUNT_TICK} width={40} />
        <Tooltip {...TOOLTIP_STYLE} labelFormatter={(v) => `+${formatDuration(Number(v))}`} />
        {lines.map((c, i) => <Line key={c} name={c} type="stepAfter" dataKey={`s${i}`} stroke={seriesColour(i)} dot={false} isAnimationActive={false} />)}
      </LineChart> : null}</div>
      <ul className="legend">
        {lines.map((c, i) => <li key={c}><span className="swatch" style={{ background: seriesColour(i) }} />{c}</li>)}
        <li className="unit">nodes with their master key cached</li>
      </ul>
    </figure>
  );
}
