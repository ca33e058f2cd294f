import type { TimelineEntry } from '../../../src-shared/run-record';
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
 * actions and what the simulator observed. Marker numbers match the rows of the timeline table;
 * failed entries are drawn as red diamonds, simulated ones hollow.
 */
export function timelineStrip(entries: readonly TimelineEntry[], windows: readonly FaultWindow[], duration: number, identity: ChartIdentity): Html {
  if (entries.length === 0) return emptyChart(identity, 'Nothing happened on the timeline of this run');
  const span = Math.max(duration, ...entries.map((e) => e.at), 1);
  const x = (t: number): number => r1(FRAME.left + (Math.min(t, span) / span) * plotWidth(FRAME));
  const laneY = (i: number): number => FRAME.top + i * LANE_HEIGHT + LANE_HEIGHT / 2;
  const lanes = LANES.map((lane, i) => html`<g class="lane" data-lane="${lane.kind}"><line x1="${FRAME.left}" x2="${FRAME.width - FRAME.right}" y1="${laneY(i)}" y2="${laneY(i)}" stroke="${INK.grid}"/><text x="${FRAME.left - 8}" y="${laneY(i) + 4}" font-size="11" text-anchor="end" fill="${INK.muted}">${lane.label}</text></g>`);
  const faultLane = laneY(0);
  const spans = windows.map((w) => html`<rect class="fault-window" x="${x(w.from)}" y="${faultLane - 7}" width="${Math.max(2, r1(x(w.to) - x(w.from)))}" height="14" rx="3" fill="${INK.faultBand}" stroke="${INK.fault}" stroke-width="1"><title>${w.label}</title></rect>`);
  const lastLabel = new Map<string, number>();
  const markers = entries.map((entry, index) => {
    const lane = LANES.findIndex((l) => l.kind === entry.kind);
    const cx = x(entry.at);
    const cy = laneY(lane);
    const colour = (LANES[lane] ?? LANES[2]).colour;
    const title = `#${index + 1} at ${offset(entry.at)} · ${entry.name}${entry.cluster ? ` · ${entry.cluster}${entry.node ? `/${entry.node}` : ''}` : ''} · ${entry.outcome}: ${entry.detail}`;
    const shape = entry.outcome === 'failed'
      ? html`<path d="${`M${cx} ${r1(cy - 7)}L${r1(cx + 7)} ${cy}L${cx} ${r1(cy + 7)}L${r1(cx - 7)} ${cy}Z`}" fill="${INK.bad}" stroke="#ffffff" stroke-width="1"/>`
      : entry.outcome === 'simulated'
        ? html`<circle cx="${cx}" cy="${cy}" r="5.5" fill="#ffffff" stroke="${colour}" stroke-width="2" stroke-dasharray="2 1.5"/>`
        : html`<circle cx="${cx}" cy="${cy}" r="5.5" fill="${colour}" stroke="#ffffff" stroke-width="1"/>`;
    const previous = lastLabel.get(entry.kind);
    const labelled = previous === undefined || cx - previous >= LABEL_SPACING;
    if (labelled) lastLabel.set(entry.kind, cx);
    const label = labelled ? html`<text x="${cx}" y="${r1(cy - 10)}" font-size="9.5" text-anchor="middle" fill="${INK.muted}">${index + 1}</text>` : html``;
    return html`<g class="marker" data-kind="${entry.kind}" data-outcome="${entry.outcome}"><title>${title}</title>${shape}${label}</g>`;
  });
  const body = html`${lanes}${timeAxis(FRAME, span)}${spans}${markers}`;
  return svg(identity, FRAME, body, html` data-entries="${entries.length}"`);
}
