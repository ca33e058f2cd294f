import { html, type Html } from '../html/html-template';
import { INK } from './palette';
import { r1 } from './scale';

/** A labelled box of the hierarchy diagram. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
  /** First line bold; the others smaller and muted. */
  lines: readonly string[];
  stroke: string;
  fill: string;
  /** Full text for the tooltip (lines are cut to fit). */
  title: string;
  kind: string;
  dashed?: boolean;
}

const LINE_HEIGHT = 14;
/** Average glyph widths of the system sans-serif at 12px and 11px, to cut text before it overflows. */
const CHAR_WIDTH = { head: 6.9, body: 6.0 };

export function boxHeight(lineCount: number): number {
  return 12 + lineCount * LINE_HEIGHT;
}

export function fit(text: string, width: number, head: boolean): string {
  const max = Math.max(4, Math.floor((width - 16) / (head ? CHAR_WIDTH.head : CHAR_WIDTH.body)));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function drawBox(b: Box): Html {
  const text = b.lines.map((line, i) => html`<text x="${r1(b.x + 8)}" y="${r1(b.y + 18 + i * LINE_HEIGHT)}" font-size="${i === 0 ? 12 : 11}" font-weight="${i === 0 ? 600 : 400}" fill="${i === 0 ? INK.text : INK.muted}">${fit(line, b.w, i === 0)}</text>`);
  return html`<g class="box" data-kind="${b.kind}"><title>${b.title}</title><rect x="${r1(b.x)}" y="${r1(b.y)}" width="${b.w}" height="${b.h}" rx="6" fill="${b.fill}" stroke="${b.stroke}" stroke-width="1.5"${b.dashed ? html` stroke-dasharray="5 3"` : html``}/>${text}</g>`;
}

/** A curve from the right edge of `from` to the left edge of `to` (or the mirror, for `leftward`). */
export function edge(from: Box, to: Box, colour: string, options: { dashed?: boolean; leftward?: boolean } = {}): Html {
  const x1 = options.leftward ? from.x : from.x + from.w;
  const x2 = options.leftward ? to.x + to.w : to.x;
  const y1 = from.y + from.h / 2;
  const y2 = to.y + to.h / 2;
  const mid = (x1 + x2) / 2;
  const d = `M${r1(x1)} ${r1(y1)}C${r1(mid)} ${r1(y1)} ${r1(mid)} ${r1(y2)} ${r1(x2)} ${r1(y2)}`;
  return html`<path class="edge" d="${d}" fill="none" stroke="${colour}" stroke-width="1.4"${options.dashed ? html` stroke-dasharray="4 3"` : html``}/>`;
}
