import type { TimelineEntry } from '../../../src-shared/run-record';
import type { EventHistogram } from '../html/timeline-digest';
import type { FaultWindow } from '../fault-windows';
import { html, type Html } from '../html/html-template';
import { offset } from '../html/format-text';
import { emptyChart, plotWidth, svg, timeAxis, type ChartIdentity, type Frame } from './chart-frame';
import { INK } from './palette';
import { r1 } from './scale';

const LANES = [
  { kind: 'fault', label: 'Faults', colour: INK.fault },
  { kind: 'action', label: 'Actions', colour: INK.action },
  { kind: 'event', label: 'Observed', colour: INK.event },
] as const;
const LANE_HEIGHT = 34;
const FRAME: Frame = { width: 960, height: 16 + LANES.length * LANE_HEIGHT + 30, left: 80, right: 20, top: 16, bottom: 30 };
/** Numbers closer than this (in viewBox units) would overlap, so the later one is left to its tooltip. */
const LABEL_SPACING = 16;

/**
 * The drill's timeline as a strip over its whole duration: one lane each for faults, operator
 * actions and what the simulator observed. Marker numbers are the entries' numbers in the run (the
 * # column of the timeline table); failed entries are drawn as red diamonds, simulated ones hollow.
 * A long timeline passes `histogram`: the observed lane then shows how many events fell in each
 * slice of the drill (bars, red for failures) under the markers of the entries listed.
 */
export function timelineStrip(entries: readonly TimelineEntry[], histogram: EventHistogram | undefined, windows: readonly FaultWindow[], duration: number, identity: ChartIdentity): Html {
  if (entries.length === 0) return emptyChart(identity, 'Nothing happened on the timeline of this run');
  const span = Math.max(duration, ...entries.map((e) => e.at), 1);
  const x = (t: number): number => r1(FRAME.left + (Math.min(t, span) / span) * plotWidth(FRAME));
  const laneY = (i: number): number => FRAME.top + i * LANE_HEIGHT + LANE_HEIGHT / 2;
  const lanes = LANES.map((lane, i) => html`<g class="lane" data-lane="${lane.kind}"><line x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${laneY(i)}" y2="${laneY(i)}" stroke="${INK.grid}"/><text x="${FRAME.left - 8}" y="${laneY(i) + 4}" font-size="11" text-anchor="end" fill="${INK.muted}">${lane.label}</text></g>`);
  const faultLane = laneY(0);
  const spans = windows.map((w) => html`<rect class="fault-window" x="${x(w.from)}" y="${faultLane - 7}" width="${Math.max(2, r1(x(w.to) - x(w.from)))}" height="14" rx="3" fill="${INK.faultBand}" stroke="${INK.fault}" stroke-width="1"><title>${w.label}</title></rect>`);
  const lastLabel = new Map<string, number>();
  const density = histogram ? eventDensity(histogram, x, laneY(2)) : html``;
  const markers = entries.map((entry) => {
    const lane = LANES.findIndex((l) => l.kind === entry.kind);
    const cx = x(entry.at);
    const cy = laneY(lane);
    const colour = (LANES[lane] ?? LANES[2]).colour;
    const title = `#${entry.seq + 1} at ${offset(entry.at)} · ${entry.name}${entry.cluster ? ` · ${entry.cluster}${entry.node ? `/${entry.node}` : ''}` : ''} · ${entry.outcome}: ${entry.detail}`;
    const shape = entry.outcome === 'failed'
      ? html`<path d="${`M${cx} ${r1(cy - 7)}L${r1(cx + 7)} ${cy}L${cx} ${r1(cy + 7)}L${r1(cx - 7)} ${cy}Z`}" fill="${INK.bad}" stroke="#ffffff" stroke-width="1"/>`
      : entry.outcome === 'simulated'
        ? html`<circle cx="${cx}" cy="${cy}" r="5.5" fill="#ffffff" stroke="${colour}" stroke-width="2" stroke-dasharray="2 1.5"/>`
        : html`<circle cx="${cx}" cy="${cy}" r="5.5" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`;
    const previous = lastLabel.get(entry.kind);
    const labelled = previous === undefined || cx - previous >= LABEL_SPACING;
    if (labelled) lastLabel.set(entry.kind, cx);
    const label = labelled ? html`<text x="${cx}" y="${r1(cy - 10)}" font-size="9.5" text-anchor="middle" fill="${INK.muted}">${entry.seq + 1}</text>` : html``;
    return html`<g class="marker" data-kind="${entry.kind}" data-outcome="${entry.outcome}"><title>${title}</title>${shape}${label}</g>`;
  });
  const body = html`${lanes}${timeAxis(FRAME, span)}${spans}${density}${markers}`;
  return svg(identity, FRAME, body, html` data-entries="${entries.length}"${histogram ? html` data-summarised="true"` : html``}`);
}

/** Bars in the observed lane, as tall as the busiest slice allows: how many events, and when. */
function eventDensity(h: EventHistogram, x: (t: number) => number, laneY: number): Html {
  const bins = h.ok.length;
  const busiest = Math.max(1, ...h.ok.map((n, i) => n + (h.failed[i] ?? 0)));
  const height = (n: number): number => r1((n / busiest) * (LANE_HEIGHT - 8));
  const bottom = laneY + (LANE_HEIGHT - 8) / 2;
  const bars: Html[] = [];
  for (let i = 0; i < bins; i++) {
    const ok = h.ok[i] ?? 0;
    const failed = h.failed[i] ?? 0;
    if (ok + failed === 0) continue;
    const from = (i / bins) * h.span;
    const left = x(from);
    const width = Math.max(1, r1(x(((i + 1) / bins) * h.span) - left - 0.5));
    const label = `${ok + failed} observed event${ok + failed === 1 ? '' : 's'} (${failed} failed) from ${offset(from)} to ${offset(((i + 1) / bins) * h.span)}`;
    bars.push(html`<g class="density"><title>${label}</title>${ok > 0 ? html`<rect x="${left}" y="${r1(bottom - height(ok + failed))}" width="${width}" height="${Math.max(0.5, height(ok))}" fill="${INK.axis}" opacity="0.6"/>` : html``}${failed > 0 ? html`<rect x="${left}" y="${r1(bottom - height(failed))}" width="${width}" height="${Math.max(0.5, height(failed))}" fill="${INK.bad}" opacity="0.7"/>` : html``}</g>`);
  }
  return html`${bars}`;
}
