import { html, type Html } from '../html/html-template';
import { bands, emptyChart, plotHeight, plotWidth, svg, TIME_CHART, timeAxis, valueAxis, type Band, type ChartIdentity, type Frame } from './chart-frame';
import { downsample, type Point } from './downsample';
import { hatchDash, type Hatched } from './hatch';
import { r1, valueTicks } from './scale';

/** A series to draw; `hatch` (a named key's look, palette.ts `keyLooks`): striped bars, a dashed line. */
export interface ChartSeries extends Hatched {
  label: string;
  points: readonly Point[];
}

export interface LineChartOptions extends ChartIdentity {
  /** The drill's duration: the x axis always spans the whole drill, so charts line up. */
  duration: number;
  /** Written above the value axis, e.g. "calls / min". */
  unit: string;
  bands?: readonly Band[];
  emptyText: string;
}

/** Time series as lines over the drill, one colour per series. */
export function lineChart(series: readonly ChartSeries[], options: LineChartOptions): Html {
  const drawn = series.filter((s) => s.points.length > 0).map((s) => ({ ...s, points: downsample(s.points) }));
  if (drawn.length === 0) return emptyChart(options, options.emptyText);
  const f: Frame = TIME_CHART;
  const duration = Math.max(options.duration, ...drawn.map((s) => s.points[s.points.length - 1]?.[0] ?? 0), 1);
  const max = Math.max(0, ...drawn.flatMap((s) => s.points.map((p) => p[1])));
  const { top, ticks } = valueTicks(max);
  const x = (t: number): number => r1(f.left + (t / duration) * plotWidth(f));
  const y = (v: number): number => r1(f.top + plotHeight(f) - (Math.min(Math.max(v, 0), top) / top) * plotHeight(f));
  const paths = drawn.map((s) => {
    const line = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0])} ${y(p[1])}`).join('');
    const first = s.points[0] as Point;
    // A single point has no length; a short tick keeps it visible.
    const stroke = s.points.length === 1 ? `M${x(first[0]) - 2} ${y(first[1])}L${x(first[0]) + 2} ${y(first[1])}` : line;
    const dash = hatchDash(s);
    return html`<g class="series" data-series="${s.label}"><path class="line" d="${stroke}" fill="none" stroke="${s.colour}" stroke-width="1.4" stroke-linejoin="round"${dash ? html` stroke-dasharray="${dash}"` : html``}><title>${s.label}</title></path></g>`;
  });
  const body = html`${bands(f, duration, options.bands ?? [])}${valueAxis(f, top, ticks, options.unit)}${timeAxis(f, duration)}${paths}`;
  return svg(options, f, body, html` data-series-count="${drawn.length}"`);
}
