import { useMemo } from 'react';
import { CartesianGrid, Line, LineChart as Chart, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDuration } from '../format';
import { AXIS, formatCount, seriesColour, TOOLTIP_STYLE } from './chart-colours';

export interface ChartSeries {
  label: string;
  /** [ms from the start, value] */
  points: readonly (readonly [number, number])[];
}

const MAX_POINTS = 320;

/**
 * A line chart of several series over drill time (recharts). Long series are thinned to at most
 * MAX_POINTS per line, keeping each stretch's extreme (`keep`: the dips of availability, the peaks
 * of call counts), so a one-minute outage in a year still shows.
 */
export function LineChart({ title, series, unit, keep = 'max', yMax, testId }: {
  title: string;
  series: readonly ChartSeries[];
  unit: string;
  keep?: 'min' | 'max';
  yMax?: number;
  testId?: string;
}) {
  const { rows, xMax, top } = useMemo(() => merge(series, keep, yMax), [series, keep, yMax]);
  if (rows.length === 0) {
    return <figure className="chart" data-testid={testId}><figcaption>{title}</figcaption><p className="empty">Nothing was measured.</p></figure>;
  }
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <Chart responsive style={{ width: '100%', height: 200 }} data={rows} margin={{ top: 12, right: 16, bottom: 4, left: 0 }} accessibilityLayer title={title}>
        <CartesianGrid vertical={false} stroke={AXIS.stroke} />
        <XAxis dataKey="t" type="number" domain={[0, xMax]} ticks={[0, xMax / 4, xMax / 2, (3 * xMax) / 4, xMax]} tickFormatter={formatDuration} stroke={AXIS.stroke} tick={AXIS.tick} />
        <YAxis domain={[0, top]} ticks={[0, top / 2, top]} tickFormatter={formatCount} stroke={AXIS.stroke} tick={AXIS.tick} width={44} />
        <Tooltip {...TOOLTIP_STYLE} labelFormatter={(t) => `+${formatDuration(Number(t))}`} formatter={(v) => `${formatCount(Number(v))} ${unit}`} />
        {/* Earlier series are drawn wider, so a line hidden under an identical one still shows at its edges. */}
        {series.map((s, i) => (
          <Line key={s.label} dataKey={`s${i}`} name={s.label} type="linear" stroke={seriesColour(i)} strokeWidth={1.6 + (series.length - 1 - i) * 1.4}
            dot={false} connectNulls isAnimationActive={false} />
        ))}
      </Chart>
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.label}><span className="swatch" style={{ background: seriesColour(i) }} />{s.label}</li>
        ))}
        <li className="unit">{unit}</li>
      </ul>
    </figure>
  );
}

/** One row per time any series has a point: `{ t, s0, s1, … }`, as recharts wants one data array. */
function merge(series: readonly ChartSeries[], keep: 'min' | 'max', yMax: number | undefined) {
  const byTime = new Map<number, Record<string, number>>();
  let xMax = 1;
  let highest = 1;
  series.forEach((s, i) => {
    for (const [t, v] of thin(s.points, keep)) {
      let row = byTime.get(t);
      if (!row) byTime.set(t, (row = { t }));
      row[`s${i}`] = v;
      xMax = Math.max(xMax, t);
      highest = Math.max(highest, v);
    }
  });
  const rows = [...byTime.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  return { rows, xMax, top: yMax ?? niceCeil(highest) };
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
