import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { AXIS, formatCount, seriesColour, TOOLTIP_STYLE } from './chart-colours';
import type { ChartData, ChartRange } from './chart-range';
import { MINUTE_MS } from './chart-range';

/** Calls per minute over wall-clock (UTC) time, one line per key: an operation, a region or an error code. */
export function CallsChart({ title, data, range, empty, testId }: {
  title: string;
  data: ChartData;
  range: ChartRange;
  /** What the figure says when no call in range has a key (no failed calls, say). */
  empty: string;
  testId: string;
}) {
  if (data.keys.length === 0) {
    return <figure className="chart" data-testid={testId}><figcaption>{title}</figcaption><p className="empty">{empty}</p></figure>;
  }
  const first = data.rows[0]?.t ?? range.start;
  const last = data.rows[data.rows.length - 1]?.t ?? range.end;
  const label = timeLabel(last - first);
  return (
    <figure className="chart" data-testid={testId} data-keys={data.keys.length}>
      <figcaption>{title}</figcaption>
      <LineChart responsive style={{ width: '100%', height: 200 }} data={data.rows} margin={{ top: 12, right: 16, bottom: 4, left: 0 }} title={title}>
        <CartesianGrid vertical={false} stroke={AXIS.stroke} />
        <XAxis dataKey="t" type="number" scale="time" domain={[first, last]} tickFormatter={label} minTickGap={28} stroke={AXIS.stroke} tick={AXIS.tick} />
        {/* Headroom above the highest point, so a steady rate does not read as the frame. */}
        <YAxis domain={[0, (max: number) => niceTop(max)]} tickFormatter={formatCount} allowDecimals stroke={AXIS.stroke} tick={AXIS.tick} width={44} />
        <Tooltip {...TOOLTIP_STYLE} labelFormatter={(t) => bucketLabel(Number(t), range.bucketMinutes)} formatter={(v) => `${formatCount(Number(v))} /min`} />
        {data.keys.map((key, i) => (
          <Line key={key} dataKey={`s${i}`} name={key} type="linear" stroke={seriesColour(i)} strokeWidth={1.8} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
      <ul className="legend">
        {data.keys.map((key, i) => <li key={key}><span className="swatch" style={{ background: seriesColour(i) }} />{key}</li>)}
        <li className="unit">calls per minute{range.bucketMinutes > 1 ? `, averaged over ${bucketName(range.bucketMinutes)}` : ''}</li>
      </ul>
    </figure>
  );
}

/** The next round number at least 10% above `max`: 4 → 5, 37 → 50, 0.3 → 0.4. */
function niceTop(max: number): number {
  if (!(max > 0)) return 1;
  const want = max * 1.1;
  const p = 10 ** Math.floor(Math.log10(want));
  return ([1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((c) => c >= want) ?? want);
}

/** Tick labels in UTC, like the event table: the time of day, with the date once the axis spans days. */
function timeLabel(spanMs: number): (t: number) => string {
  const days = spanMs > 36 * 60 * MINUTE_MS;
  return (t) => {
    const s = new Date(t).toISOString();
    return days ? `${s.slice(5, 10)} ${s.slice(11, 16)}` : s.slice(11, 16);
  };
}

function bucketLabel(t: number, minutes: number): string {
  const s = new Date(t).toISOString().replace('T', ' ').slice(0, 16);
  return minutes > 1 ? `${s} UTC, ${bucketName(minutes)}` : `${s} UTC`;
}

function bucketName(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}-day buckets`;
  if (minutes % 60 === 0) return `${minutes / 60}-hour buckets`;
  return `${minutes}-minute buckets`;
}
