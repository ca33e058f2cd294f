import { html, type Html } from '../html/html-template';
import { offset } from '../html/format-text';
import { INK } from './palette';
import { r1, tickLabel, timeTicks } from './scale';

/** The drawing area of a chart inside its viewBox. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const TIME_CHART: Frame = { width: 960, height: 240, left: 56, right: 20, top: 16, bottom: 30 };

/** What every chart carries so tests (and readers of the markup) can find it. */
export interface ChartIdentity {
  /** The element id, e.g. "chart-availability". */
  id: string;
  /** The `data-chart` value, e.g. "availability". */
  kind: string;
  /** Read by screen readers and shown as a tooltip. */
  label: string;
}

export function plotWidth(f: Frame): number {
  return f.width - f.left - f.right;
}

export function plotHeight(f: Frame): number {
  return f.height - f.top - f.bottom;
}

export function svg(identity: ChartIdentity, f: Frame, body: Html, extra: Html = html``): Html {
  return html`<svg id="${identity.id}" data-chart="${identity.kind}" class="chart" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${identity.label}"${extra}><title>${identity.label}</title>${body}</svg>`;
}

/** A chart with nothing to draw says so in words; an empty frame would look like a rendering fault. */
export function emptyChart(identity: ChartIdentity, message: string, f: Frame = { ...TIME_CHART, height: 120 }): Html {
  const body = html`<rect class="frame" x="0.5" y="0.5" width="${f.width - 1}" height="${f.height - 1}" fill="#fafafa" stroke="${INK.grid}"/><text x="${f.width / 2}" y="${f.height / 2 + 5}" text-anchor="middle" font-size="15" fill="${INK.muted}">${message}</text>`;
  return svg(identity, f, body, html` data-empty="true"`);
}

/** Vertical gridlines and labels at round offsets from the start of the drill. */
export function timeAxis(f: Frame, duration: number): Html {
  const x = (t: number): number => r1(f.left + (t / duration) * plotWidth(f));
  const base = f.height - f.bottom;
  return html`<g class="time-axis" font-size="11" fill="${INK.muted}">${timeTicks(duration).map((t) => html`<line x1="${x(t)}" x2="${x(t)}" y1="${f.top}" y2="${base}" stroke="${INK.grid}"/><text x="${x(t)}" y="${base + 16}" text-anchor="${t === 0 ? 'start' : 'middle'}">${offset(t)}</text>`)}<line x1="${f.left}" x2="${f.width - f.right}" y1="${base}" y2="${base}" stroke="${INK.axis}"/></g>`;
}

/** Horizontal gridlines with value labels, and the unit written above the axis. */
export function valueAxis(f: Frame, top: number, ticks: readonly number[], unit: string, format: (v: number) => string = tickLabel): Html {
  const y = (v: number): number => r1(f.top + plotHeight(f) - (v / top) * plotHeight(f));
  return html`<g class="value-axis" font-size="11" fill="${INK.muted}">${ticks.map((v) => html`<line x1="${f.left}" x2="${f.width - f.right}" y1="${y(v)}" y2="${y(v)}" stroke="${INK.grid}"/><text x="${f.left - 6}" y="${y(v) + 4}" text-anchor="end">${format(v)}</text>`)}<text x="${f.left}" y="${f.top - 5}" font-size="10">${unit}</text></g>`;
}

/** Shaded windows (faults in progress) behind the data, labelled at the top. */
export interface Band {
  from: number;
  to: number;
  label: string;
}

export function bands(f: Frame, duration: number, list: readonly Band[]): Html {
  const x = (t: number): number => r1(f.left + (Math.min(Math.max(t, 0), duration) / duration) * plotWidth(f));
  return html`<g class="bands">${list.map((b) => html`<rect x="${x(b.from)}" y="${f.top}" width="${Math.max(1, r1(x(b.to) - x(b.from)))}" height="${plotHeight(f)}" fill="${INK.faultBand}" opacity="0.75"><title>${b.label}</title></rect>`)}</g>`;
}
