import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart as Chart, ReferenceArea, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '../format';
import { useChartWidth } from './use-chart-width';
import { AXIS, formatCount, seriesColour, TOOLTIP_STYLE } from './chart-colours';
import { bucketName, drillTickLabel, drillTicks } from './time-ticks';
import { NO_GRID_LINES, plainTick } from './axis-tick';

const DRILL_TICK = plainTick(drillTickLabel);
const COUNT_TICK = plainTick(formatCount);

export interface ChartSeries {
  label: string;
  /** [ms from the start, value] */
  points: readonly (readonly [number, number])[];
}

const MAX_POINTS = 400;

/**
 * A step chart of several series over drill time (recharts): each point holds for its bucket, the
 * axis runs from 0 to the drill's end with round ticks. Long series are thinned to at most
 * MAX_POINTS per line, keeping each stretch's extreme (`keep`: the dips of availability), so a
 * one-minute outage in a year still shows.
 */
export function LineChart({ title, series, unit, duration, playedTo = duration, bucketMs, keep = 'max', yMax, testId }: {
  title: string;
  series: readonly ChartSeries[];
  unit: string;
  /** The drill's length: the axis ends there. */
  duration: number;
  /** Where a run that ended early (cancelled, interrupted) stopped: the lines end there and the rest is shaded as not played. */
  playedTo?: number;
  /** The series' bucket, named in the tooltip. */
  bucketMs?: number;
  keep?: 'min' | 'max';
  yMax?: number;
  testId?: string;
}) {
  const end = Math.min(duration, playedTo);
  const { rows, top } = useMemo(() => merge(series, keep, yMax, end), [series, keep, yMax, end]);
  const { ref: box, width } = useChartWidth<HTMLDivElement>();
  if (rows.length === 0) {
    return <figure className="chart" data-testid={testId}><figcaption>{title}</figcaption><p className="empty">Nothing was measured.</p></figure>;
  }
  const at = (t: number) => `+${formatDuration(t)}${bucketMs ? ` (the ${bucketName(bucketMs)} from there)` : ''}`;
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div ref={box} className="chart-box" style={{ height: 200 }}>{width ? <Chart width={width} height={200} data={rows} margin={{ top: 12, right: 18, bottom: 4, left: 0 }} title={title}>
        <CartesianGrid vertical={false} verticalCoordinatesGenerator={NO_GRID_LINES} stroke={AXIS.stroke} />
        <XAxis dataKey="t" type="number" domain={[0, duration]} ticks={drillTicks(duration)} interval={0} stroke={AXIS.stroke} tick={DRILL_TICK} />
        <YAxis domain={[0, top]} ticks={[0, top / 2, top]} interval={0} stroke={AXIS.stroke} tick={COUNT_TICK} width={44} />
        {end < duration ? <ReferenceArea x1={end} x2={duration} y1={0} y2={top} fill={AXIS.stroke} fillOpacity={0.18} ifOverflow="visible" className="not-played" /> : null}
        <Tooltip {...TOOLTIP_STYLE} labelFormatter={(t) => at(Number(t))} formatter={(v) => `${formatCount(Number(v))} ${unit}`} />
        {/* Earlier series are drawn wider, so a line hidden under an identical one still shows at its edges. */}
        {series.map((s, i) => (
          <Line key={s.label} dataKey={`s${i}`} name={s.label} type="stepAfter" stroke={seriesColour(i)} strokeWidth={1.6 + (series.length - 1 - i) * 1.4}
            dot={false} connectNulls isAnimationActive={false} />
        ))}
      </Chart> : null}</div>
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.label}><span className="swatch" style={{ background: seriesColour(i) }} />{s.label}</li>
        ))}
        <li className="unit">{unit}</li>
      </ul>
    </figure>
  );
}

/** One row per time any series has a point, `{ t, s0, s1, … }`, and each series' last value held to the end of what was played. */
function merge(series: readonly ChartSeries[], keep: 'min' | 'max', yMax: number | undefined, end: number) {
  const byTime = new Map<number, Record<string, number>>();
  let highest = 1;
  const row = (t: number) => {
    let r = byTime.get(t);
    if (!r) byTime.set(t, (r = { t }));
    return r;
  };
  series.forEach((s, i) => {
    const points = thin(s.points, keep);
    for (const [t, v] of points) {
      row(t)[`s${i}`] = v;
      highest = Math.max(highest, v);
    }
    // A step chart draws a bucket from its start to the next point: the last bucket runs to the end.
    const last = points.at(-1);
    if (last && last[0] < end) row(end)[`s${i}`] = last[1];
  });
  const rows = [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  return { rows, top: yMax ?? niceCeil(highest) };
}

function thin(points: readonly (readonly [number, number])[], keep: 'min' | 'max'): (readonly [number, number])[] {
  if (points.length <= MAX_POINTS) return [...points];
  const size = Math.ceil(points.length / MAX_POINTS);
  const out: (readonly [number, number])[] = [];
  for (let i = 0; i < points.length; i += size) {
    let pick = points[i] as readonly [number, number];
    for (let j = i + 1; j < Math.min(i + size, points.length); j++) {
      const p = points[j] as readonly [number, number];
      if (keep === 'max' ? p[1] > pick[1] : p[1] < pick[1]) pick = p;
    }
    out.push([points[i]?.[0] ?? pick[0], pick[1]]);
  }
  return out;
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((c) => c >= v) ?? v;
}
