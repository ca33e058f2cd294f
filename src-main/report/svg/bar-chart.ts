import { html, type Html } from '../html/html-template';
import { offset } from '../html/format-text';
import { bands, emptyChart, plotHeight, plotWidth, svg, TIME_CHART, timeAxis, valueAxis, type Band, type ChartIdentity, type Frame } from './chart-frame';
import { groupSum } from './downsample';
import { hatchDefs, hatchFill } from './hatch';
import type { ChartSeries } from './line-chart';
import { r1, valueTicks } from './scale';

export interface BarChartOptions extends ChartIdentity {
  duration: number;
  /** The width of one bucket of the series, in ms. */
  bucket: number;
  /** What one bar counts, completed with the bar's width: "errors per" → "errors per 5m". */
  unitPrefix: string;
  bands?: readonly Band[];
  emptyText: string;
}

/** Most bars drawn across the chart; more would be thinner than a pixel. */
const MAX_BARS = 480;

/**
 * Stacked bars per time bucket, one colour per series, striped where its look is hatched (patterns
 * `${id}-hatch-N`). Sparse counts (errors) read better as bars than as lines. Long runs are grouped
 * into wider bars whose heights are sums, and the unit says so.
 */
export function stackedBarChart(series: readonly ChartSeries[], options: BarChartOptions): Html {
  const present = series.filter((s) => s.points.some((p) => p[1] !== 0));
  if (present.length === 0) return emptyChart(options, options.emptyText);
  const f: Frame = TIME_CHART;
  const lastTime = present.reduce((m, s) => s.points.reduce((n, p) => Math.max(n, p[0]), m), 0);
  const duration = Math.max(options.duration, lastTime + options.bucket, 1);
  const grouped = present.map((s) => ({ ...s, ...groupSum(s.points, options.bucket, MAX_BARS) }));
  const groupSize = Math.max(...grouped.map((g) => g.groupSize));
  const width = Math.max(options.bucket, 1) * groupSize;
  const stacks = new Map<number, number>();
  for (const g of grouped) for (const [t, v] of g.points) stacks.set(t, (stacks.get(t) ?? 0) + Math.max(v, 0));
  const { top, ticks } = valueTicks([...stacks.values()].reduce((m, v) => Math.max(m, v), 0));
  const x = (t: number): number => f.left + (t / duration) * plotWidth(f);
  const h = (v: number): number => (v / top) * plotHeight(f);
  const barWidth = Math.max(1, r1((width / duration) * plotWidth(f) * 0.85));
  const base = f.top + plotHeight(f);
  const filled = new Map<number, number>();
  const hatches = `${options.id}-hatch`;
  const rects = grouped.map((g, i) => html`<g class="series" data-series="${g.label}" fill="${hatchFill(`${hatches}-${i}`, g)}">${g.points.filter((p) => p[1] > 0).map(([t, v]) => {
    const below = filled.get(t) ?? 0;
    filled.set(t, below + v);
    return html`<rect x="${r1(x(t))}" y="${r1(base - h(below + v))}" width="${barWidth}" height="${Math.max(0.5, r1(h(v)))}"><title>${`${g.label}: ${v} at ${offset(t)}`}</title></rect>`;
  })}</g>`);
  const unit = `${options.unitPrefix} ${offset(width)}`;
  const body = html`${hatchDefs(hatches, grouped)}${bands(f, duration, options.bands ?? [])}${valueAxis(f, top, ticks, unit)}${timeAxis(f, duration)}${rects}`;
  return svg(options, f, body, html` data-series-count="${present.length}"`);
}
