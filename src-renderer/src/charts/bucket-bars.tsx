import { memo, useId, useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { useChartWidth } from './use-chart-width';
import { AXIS, formatCount, TOOLTIP_STYLE } from './chart-colours';
import { hatchFill, HatchPatterns, swatchStyle } from './hatch-fill';
import { ALL_OTHERS, seriesLooks, type SeriesLook } from './series-looks';
import { bucketName, drillTickLabel, drillTicks, utcLabel, wallTickLabel, wallTicks } from './time-ticks';
import { NO_GRID_LINES, plainTick } from './axis-tick';
import { formatDuration } from '../format';

/** Counts per bucket of one key (a region, an operation, an error code): [bucket start, count]. */
export interface CountSeries {
  label: string;
  points: readonly (readonly [number, number])[];
}

export interface BucketAxis {
  /** 'drill': ms from the drill's start, labelled "+6h"; 'wall': UTC epoch ms. */
  kind: 'drill' | 'wall';
  /** The span drawn, [from, to). A drill axis is [0, its duration]. */
  from: number;
  to: number;
  bucketMs: number;
  /** Where the bucket grid starts (a bucket boundary at or before `from`); default `from`. */
  origin?: number;
}

const MAX_KEYS = 7;
const COUNT_TICK = plainTick(formatCount);

/**
 * Stacked bars of counts per bucket: each bar is a bucket's sum (never a rate), the axis spans the
 * whole range with round ticks, and a bucket with a single call still shows a sliver, so a handful
 * of errors in a year is drawn, not just listed. Keys beyond the seventh fold into "all others".
 */
export const BucketBars = memo(function BucketBars({ title, note, series, axis, noun = 'calls', empty, testId, height = 200 }: {
  title: string;
  /** Said after the title and the total: "live, +2h". */
  note?: string;
  series: readonly CountSeries[];
  axis: BucketAxis;
  /** What a bar counts, plural: "calls", "errors". */
  noun?: string;
  /** Said instead of a chart when nothing was counted. */
  empty: string;
  testId?: string;
  height?: number;
}) {
  const { rows, keys, looks, total } = useMemo(() => denseRows(series, axis), [series, axis]);
  // Pattern ids are document-wide: each chart's own, in characters url(#…) takes as they are.
  const patternIds = `hatch-${useId().replace(/[^\w-]/g, '')}`;
  const { ref: box, width } = useChartWidth<HTMLDivElement>();
  const heading = `${title}, per ${bucketName(axis.bucketMs)}`;
  if (total === 0) {
    return <figure className="chart" data-testid={testId} data-total={0}><figcaption>{heading}{note ? <span className="muted"> · {note}</span> : null}</figcaption><p className="empty">{empty}</p></figure>;
  }
  // A last bucket cut short by the end still gets its whole bar: the plot runs to the bucket grid's end.
  const gridEnd = rows.length ? (rows.at(-1)?.mid ?? 0) + axis.bucketMs / 2 : axis.to;
  const ticks = axis.kind === 'drill' ? drillTicks(axis.to) : wallTicks(axis.from, axis.to);
  const xTick = plainTick(axis.kind === 'drill' ? drillTickLabel : wallTickLabel(axis.from, axis.to));
  const bucketLabel = (mid: number) => {
    const start = mid - axis.bucketMs / 2;
    const end = start + axis.bucketMs;
    return axis.kind === 'drill' ? `+${formatDuration(Math.max(0, start))} to +${formatDuration(Math.min(end, axis.to))}` : `${utcLabel(start)} to ${utcLabel(end).slice(11)}`;
  };
  return (
    <figure className="chart" data-testid={testId} data-keys={keys.length} data-total={total}>
      <figcaption>{heading} <span className="muted">· {total.toLocaleString('en')} {noun}{note ? ` · ${note}` : ''}</span></figcaption>
      <div ref={box} className="chart-box" style={{ height }}>{width ? <BarChart width={width} height={height} data={rows} margin={{ top: 12, right: 18, bottom: 4, left: 0 }} barCategoryGap="8%" title={heading}>
        <CartesianGrid vertical={false} verticalCoordinatesGenerator={NO_GRID_LINES} stroke={AXIS.stroke} />
        <XAxis dataKey="mid" type="number" domain={[axis.from, Math.max(axis.to, gridEnd)]} allowDataOverflow ticks={ticks} interval={0} stroke={AXIS.stroke} tick={xTick} />
        <YAxis allowDecimals={false} interval={0} stroke={AXIS.stroke} tick={COUNT_TICK} width={44} />
        <Tooltip {...TOOLTIP_STYLE} labelFormatter={(mid) => bucketLabel(Number(mid))} formatter={(v) => `${Number(v).toLocaleString('en')} ${noun}`} />
        <HatchPatterns looks={looks} idPrefix={patternIds} />
        {keys.map((key, i) => (
          <Bar key={key} dataKey={`s${i}`} name={key} stackId="bucket" fill={hatchFill(looks[i] as SeriesLook, patternIds, i)} isAnimationActive={false} minPointSize={(v) => (Number(v) > 0 ? 2 : 0)} />
        ))}
      </BarChart> : null}</div>
      <ul className="legend">
        {keys.map((key, i) => <li key={key}><span className="swatch" style={swatchStyle(looks[i] as SeriesLook)} />{key}</li>)}
        <li className="unit">{noun} per {bucketName(axis.bucketMs)}</li>
      </ul>
    </figure>
  );
});

/** One row per bucket of the axis, zeros included (recharts sizes bars by the gap between rows): `{ mid, s0, s1, … }`; each key's look (by its name: series-looks.ts). */
export function denseRows(series: readonly CountSeries[], axis: BucketAxis): { rows: Record<string, number>[]; keys: string[]; looks: SeriesLook[]; total: number } {
  const totals = series.map((s) => ({ label: s.label, total: s.points.reduce((n, [, c]) => n + c, 0), s }))
    .filter((s) => s.total > 0)
    .sort((a, b) => b.total - a.total || (a.label < b.label ? -1 : 1));
  const kept = totals.length > MAX_KEYS ? totals.slice(0, MAX_KEYS - 1) : totals;
  const keys = [...kept.map((k) => k.label), ...(totals.length > kept.length ? [ALL_OTHERS] : [])];
  const size = axis.bucketMs;
  const origin = axis.origin ?? axis.from;
  const rows: Record<string, number>[] = [];
  for (let t = origin; t < axis.to; t += size) {
    const row: Record<string, number> = { mid: t + size / 2 };
    keys.forEach((_, i) => (row[`s${i}`] = 0));
    rows.push(row);
  }
  totals.forEach((s, rank) => {
    const i = Math.min(rank, keys.length - 1);
    for (const [t, c] of s.s.points) {
      const row = rows[Math.floor((t - origin) / size)];
      if (row) row[`s${i}`] = (row[`s${i}`] ?? 0) + c;
    }
  });
  return { rows, keys, looks: seriesLooks(keys), total: totals.reduce((n, s) => n + s.total, 0) };
}
