import { HATCH_STRIPES, type Hatch } from '../../../src-shared/series-looks';
import { html, type Html } from '../html/html-template';
import { INK } from './palette';

/** What a hatch needs to be drawn: the series' colour and its hatch ('solid' or none: no hatch). */
export interface Hatched {
  colour: string;
  hatch?: Hatch;
}

/**
 * A hatch as an SVG pattern, the app's stripes (src-shared/series-looks.ts) in the paper's white:
 * the report is one self-contained file, printed too, so no CSS gradients. Ids are document-wide:
 * callers prefix them with their chart's id.
 */
export function hatchPattern(id: string, look: Hatched): Html {
  if (!look.hatch || look.hatch === 'solid') return html``;
  const { period, gap, rotate, crossed } = HATCH_STRIPES;
  const cross = crossed.includes(look.hatch) ? html`<rect width="${period}" height="${gap}" fill="${INK.paper}"/>` : html``;
  return html`<pattern id="${id}" class="hatch" data-hatch="${look.hatch}" width="${period}" height="${period}" patternUnits="userSpaceOnUse" patternTransform="rotate(${rotate[look.hatch]})"><rect width="${period}" height="${period}" fill="${look.colour}"/><rect width="${gap}" height="${period}" fill="${INK.paper}"/>${cross}</pattern>`;
}

/** The fill of a series: its colour, or its pattern (`hatchPattern` with the same id). */
export function hatchFill(id: string, look: Hatched): string {
  return !look.hatch || look.hatch === 'solid' ? look.colour : `url(#${id})`;
}

/** The `<defs>` of a chart's hatched series, `${prefix}-${index}` each; nothing when none is hatched. */
export function hatchDefs(prefix: string, looks: readonly Hatched[]): Html {
  if (looks.every((l) => !l.hatch || l.hatch === 'solid')) return html``;
  return html`<defs>${looks.map((look, i) => hatchPattern(`${prefix}-${i}`, look))}</defs>`;
}

/**
 * A line cannot show stripes (a pattern along a thin horizontal stroke is all stripe or all
 * colour), so a hatched series' line is dashed: each hatch its own dash, so two hatched lines of
 * one colour differ too.
 */
const DASHES: Record<Exclude<Hatch, 'solid'>, string> = {
  diagonal: '6 3',
  'back-diagonal': '2 2',
  horizontal: '10 3',
  vertical: '1 2',
  cross: '6 2 1 2',
  grid: '10 2 2 2',
};

/** The stroke-dasharray of a series' line, or none for a solid one. */
export function hatchDash(look: Hatched): string | undefined {
  return !look.hatch || look.hatch === 'solid' ? undefined : DASHES[look.hatch];
}
