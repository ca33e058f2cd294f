import type { CSSProperties } from 'react';
import type { Hatch, SeriesLook } from './series-looks';

/**
 * Hatches drawn as stripes of the chart's background over the series colour: in the bars as SVG
 * patterns, in the legend as the same stripes in CSS, so a swatch shows which bars it names.
 * Stripes 2 px wide every 6 px stay visible on a bar a few pixels wide.
 */
const PERIOD = 6;
const GAP = 2;

/** SVG rotation of a vertical stripe, and the CSS gradient angle that draws the same stripe. */
const ANGLES: Record<Exclude<Hatch, 'solid'>, { svg: number; css: number[] }> = {
  diagonal: { svg: 45, css: [135] },
  'back-diagonal': { svg: -45, css: [45] },
  horizontal: { svg: 90, css: [0] },
  vertical: { svg: 0, css: [90] },
  cross: { svg: 45, css: [135, 45] },
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
        <pattern key={i} id={`${idPrefix}-${i}`} width={PERIOD} height={PERIOD} patternUnits="userSpaceOnUse" patternTransform={`rotate(${ANGLES[look.hatch].svg})`}>
          <rect width={PERIOD} height={PERIOD} fill={look.colour} />
          <rect width={GAP} height={PERIOD} fill="var(--bg)" />
          {look.hatch === 'cross' ? <rect width={PERIOD} height={GAP} fill="var(--bg)" /> : null}
        </pattern>
      )))}
    </defs>
  );
}

/** A legend swatch's background: the colour, striped as the bars are. */
export function swatchStyle(look: SeriesLook): CSSProperties {
  if (look.hatch === 'solid') return { background: look.colour };
  const stripes = ANGLES[look.hatch].css.map((deg) => `repeating-linear-gradient(${deg}deg, transparent 0 ${PERIOD - GAP}px, var(--bg) ${PERIOD - GAP}px ${PERIOD}px)`);
  return { background: `${stripes.join(', ')}, ${look.colour}` };
}
