import { availabilityText } from '../../../src-shared/availability-text';
import { html, type Html } from '../html/html-template';
import { offset } from '../html/format-text';
import { emptyChart, svg, timeAxis, type Band, type ChartIdentity, type Frame } from './chart-frame';
import { downsample, type Point } from './downsample';
import type { ChartSeries } from './line-chart';
import { INK } from './palette';
import { r1 } from './scale';

const PANEL = 58;
const TITLE = 20;
const GAP = 12;
const LEFT = 56;
const RIGHT = 20;
const WIDTH = 960;

/**
 * Availability as one small panel per cluster over a shared time axis, with the time a cluster was
 * not fully serving shaded red. Clusters are mostly at 100%, so on one shared axis their lines would lie on top of
 * each other and a dip of one would hide behind the other.
 *
 * `playedTo`: where a run that ended early (cancelled, interrupted) stopped. The axis still spans the
 * whole drill, but the line ends there and the rest is shaded as not played: a stretch the drill never
 * simulated has no availability to draw.
 */
export function availabilityChart(series: readonly ChartSeries[], duration: number, windows: readonly Band[], identity: ChartIdentity, playedTo = duration): Html {
  const drawn = series.filter((s) => s.points.length > 0);
  if (drawn.length === 0) return emptyChart(identity, 'No availability was recorded');
  const span = Math.max(duration, ...drawn.map((s) => s.points[s.points.length - 1]?.[0] ?? 0), 1);
  const plotW = WIDTH - LEFT - RIGHT;
  const x = (t: number): number => r1(LEFT + (Math.min(Math.max(t, 0), span) / span) * plotW);
  const end = Math.min(span, playedTo);
  const panelTop = (i: number): number => 8 + i * (TITLE + PANEL + GAP) + TITLE;
  const bottom = panelTop(drawn.length - 1) + PANEL;
  const f: Frame = { width: WIDTH, height: bottom + 30, left: LEFT, right: RIGHT, top: panelTop(0), bottom: 30 };

  const panels = drawn.map((s, i) => {
    const top = panelTop(i);
    const y = (v: number): number => r1(top + PANEL - (Math.min(Math.max(v, 0), 100) / 100) * PANEL);
    const points = downsample(s.points);
    const first = points[0] as Point;
    const last = points[points.length - 1] as Point;
    // Each bucket's value holds until the next bucket starts: steps, not slopes, show when a dip began and ended.
    let line = `M${x(first[0])} ${y(first[1])}`;
    for (let k = 1; k < points.length; k++) line += `H${x((points[k] as Point)[0])}V${y((points[k] as Point)[1])}`;
    line += `H${x(Math.max(last[0], end))}`;
    // Shade what was lost (between the line and 100%), not what was kept: downtime is what the chart is read for.
    const lost = `${line}V${y(100)}H${x(first[0])}Z`;
    // Loops, not Math.min(...spread): a year of minutes would overflow the call stack.
    const mean = s.points.reduce((sum, p) => sum + p[1], 0) / s.points.length;
    const low = s.points.reduce((m, p) => Math.min(m, p[1]), Infinity);
    // Both to the same places, never 100 % for a dip: "99.68% on average · lowest 99.7%" read as a lowest above the average.
    return html`<g class="series panel" data-series="${s.label}">
<text x="${LEFT}" y="${top - 6}" font-size="12" font-weight="600" fill="${INK.text}">${s.label}<tspan font-weight="400" fill="${INK.muted}">${`  ${availabilityText(mean, 2)} on average · lowest ${availabilityText(low, 2)}`}</tspan></text>
<rect x="${LEFT}" y="${top}" width="${plotW}" height="${PANEL}" fill="none" stroke="${INK.grid}"/>
${windows.map((w) => html`<rect x="${x(w.from)}" y="${top}" width="${Math.max(1, r1(x(w.to) - x(w.from)))}" height="${PANEL}" fill="${INK.faultBand}" opacity="0.75"><title>${w.label}</title></rect>`)}
${end < span ? html`<rect class="not-played" x="${x(end)}" y="${top}" width="${r1(x(span) - x(end))}" height="${PANEL}" fill="${INK.grid}" opacity="0.6"><title>${`not played: the run ended at ${offset(end)}`}</title></rect>` : ''}
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(50)}" y2="${y(50)}" stroke="${INK.grid}" stroke-dasharray="3 3"/>
<path class="lost" d="${lost}" fill="${INK.bad}" fill-opacity="0.22" stroke="none"><title>${`${s.label}: not serving`}</title></path>
<path class="line" d="${line}" fill="none" stroke="${s.colour}" stroke-width="1.8"><title>${s.label}</title></path>
<text x="${LEFT - 6}" y="${top + 4}" font-size="10" text-anchor="end" fill="${INK.muted}">100%</text>
<text x="${LEFT - 6}" y="${top + PANEL + 3}" font-size="10" text-anchor="end" fill="${INK.muted}">0%</text>
</g>`;
  });
  // The time axis draws gridlines over the full height; it goes under the panels.
  return svg(identity, f, html`${timeAxis(f, span)}${panels}`, html` data-series-count="${drawn.length}"`);
}
