import { useId } from 'react';
import { formatDuration } from '../format';

export interface ChartSeries {
  label: string;
  /** [ms from the start, value] */
  points: readonly (readonly [number, number])[];
}

const PALETTE = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#be185d', '#65a30d'];
const W = 640;
const H = 200;
const M = { top: 12, right: 12, bottom: 26, left: 44 };
const MAX_POINTS = 320;

/**
 * A small SVG line chart of several series over drill time. Long series are thinned to at most
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
  const titleId = useId();
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    return <figure className="chart" data-testid={testId}><figcaption>{title}</figcaption><p className="empty">Nothing was measured.</p></figure>;
  }
  const xMax = Math.max(...all.map((p) => p[0]), 1);
  const top = yMax ?? niceCeil(Math.max(...all.map((p) => p[1]), 1));
  const x = (t: number) => M.left + ((W - M.left - M.right) * t) / xMax;
  const y = (v: number) => H - M.bottom - ((H - M.top - M.bottom) * v) / top;
  const ticks = [0, top / 2, top];
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption id={titleId}>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId} preserveAspectRatio="none">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={M.left} x2={W - M.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={M.left - 6} y={y(v) + 4} textAnchor="end" className="axis">{formatNumber(v)}</text>
          </g>
        ))}
        <text x={M.left} y={H - 6} className="axis">0s</text>
        <text x={W - M.right} y={H - 6} textAnchor="end" className="axis">{formatDuration(xMax)}</text>
        {/* Earlier series are drawn wider, so a line hidden under an identical one still shows at its edges. */}
        {series.map((s, i) => (
          <polyline key={s.label} fill="none" stroke={PALETTE[i % PALETTE.length]} strokeWidth={1.6 + (series.length - 1 - i) * 1.4} vectorEffect="non-scaling-stroke"
            points={thin(s.points, keep).map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')} />
        ))}
      </svg>
      <ul className="legend">
        {series.map((s, i) => (
          <li key={s.label}><span className="swatch" style={{ background: PALETTE[i % PALETTE.length] }} />{s.label}</li>
        ))}
        <li className="unit">{unit}</li>
      </ul>
    </figure>
  );
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

function formatNumber(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k` : String(Math.round(v * 10) / 10);
}
