import { html, type Html } from '../html/html-template';
import { count } from '../html/format-text';
import { emptyChart, svg, type ChartIdentity, type Frame } from './chart-frame';
import { INK } from './palette';
import { r1 } from './scale';
import { ratioPercent } from '../../../src-shared/ratio-percent';

export interface RatioBarOptions extends ChartIdentity {
  /** 0–1. */
  ratio: number;
  hits: number;
  misses: number;
  emptyText: string;
}

const FRAME: Frame = { width: 960, height: 92, left: 16, right: 16, top: 30, bottom: 30 };

/** One horizontal bar split into cache hits and misses (KMS calls), with the ratio written on it. */
export function ratioBar(options: RatioBarOptions): Html {
  if (options.hits + options.misses === 0 && options.ratio === 0) return emptyChart(options, options.emptyText, { ...FRAME });
  const ratio = Math.min(Math.max(options.ratio, 0), 1);
  const span = FRAME.width - FRAME.left - FRAME.right;
  const hitWidth = r1(span * ratio);
  const barHeight = FRAME.height - FRAME.top - FRAME.bottom;
  const body = html`<text x="${FRAME.left}" y="20" font-size="13" fill="${INK.text}">${`Cache hit ratio ${ratioPercent(ratio, 3)}`}</text>
<rect class="hits" x="${FRAME.left}" y="${FRAME.top}" width="${Math.max(hitWidth, 0.5)}" height="${barHeight}" fill="#009e73"><title>${`${count(options.hits)} cache hits`}</title></rect>
<rect class="misses" x="${r1(FRAME.left + hitWidth)}" y="${FRAME.top}" width="${Math.max(r1(span - hitWidth), 0.5)}" height="${barHeight}" fill="#d55e00"><title>${`${count(options.misses)} cache misses (keys unwrapped again)`}</title></rect>
<text x="${FRAME.left}" y="${FRAME.height - 10}" font-size="11" fill="${INK.muted}">${`${count(options.hits)} hits`}</text>
<text x="${FRAME.width - FRAME.right}" y="${FRAME.height - 10}" font-size="11" fill="${INK.muted}" text-anchor="end">${`${count(options.misses)} misses`}</text>`;
  return svg(options, FRAME, body);
}
