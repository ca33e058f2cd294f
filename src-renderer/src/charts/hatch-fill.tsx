import type { CSSProperties } from 'react';
import { HATCH_STRIPES } from '../../../src-shared/series-looks';
import type { Hatch, SeriesLook } from './series-looks';

/**
 * Hatches (their stripes: src-shared/series-looks.ts, as the report draws them) in the bars as SVG
 * patterns, in the legend as the same stripes in CSS, so a swatch shows which bars it names.
 */
const { period: PERIOD, gap: GAP, rotate: ROTATE, crossed: CROSSED } = HATCH_STRIPES;

/** The CSS gradient angles that draw the stripes of each SVG rotation. */
const CSS_ANGLES: Record<Exclude<Hatch, 'solid'>, number[]> = {
  diagonal: [135],
  'back-diagonal': [45],
  horizontal: [0],
  vertical: [90],
  cross: [135, 45],
  grid: [90, 0],
};

/** The `fill` of a series' bars: its colour, or its pattern among `<HatchPatterns>` of the same prefix. */
export function hatchFill(look: SeriesLook, idPrefix: string, index: number): string {
  return look.hatch === 'solid' ? look.colour : `url(#${idPrefix}-${index})`;
}

/** One `<pattern>` per hatched series, to go inside the chart's svg. */
export function HatchPatterns({ looks, idPrefix }: { looks: readonly SeriesLook[]; idPrefix: string }) {
  if (looks.every((l) => l.hatch === 'solid')) return null;
  return (
    <defs>
      {looks.map((look, i) => (look.hatch === 'solid' ? null : (
        <pattern key={i} id={`${idPrefix}-${i}`} width={PERIOD} height={PERIOD} patternUnits="userSpaceOnUse" patternTransform={`rotate(${ROTATE[look.hatch]})`}>
          <rect width={PERIOD} height={PERIOD} fill={look.colour} />
          <rect width={GAP} height={PERIOD} fill="var(--bg)" />
          {CROSSED.includes(look.hatch) ? <rect width={PERIOD} height={GAP} fill="var(--bg)" /> : null}
        </pattern>
      )))}
    </defs>
  );
}

/** A legend swatch's background: the colour, striped as the bars are. */
export function swatchStyle(look: SeriesLook): CSSProperties {
  if (look.hatch === 'solid') return { background: look.colour };
  const stripes = CSS_ANGLES[look.hatch].map((deg) => `repeating-linear-gradient(${deg}deg, transparent 0 ${PERIOD - GAP}px, var(--bg) ${PERIOD - GAP}px ${PERIOD}px)`);
  return { background: `${stripes.join(', ')}, ${look.colour}` };
}
