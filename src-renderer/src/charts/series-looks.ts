import { ALL_OTHERS, chartLooks, HATCHES, isFixed, ownSlotLook, paintLook, PALETTE_SIZE, type Hatch, type SeriesLook, type SeriesPalette } from '../../../src-shared/series-looks';
import { seriesColour } from './chart-colours';

/**
 * The app's charts paint each key's look (src-shared/series-looks.ts, shared with the report) with
 * the palette's CSS variables (`--series-1` … `--series-8`, `--series-rest` in styles.css), so one
 * chart reads in both themes.
 */
const CSS_PALETTE: SeriesPalette = { slots: Array.from({ length: PALETTE_SIZE }, (_, i) => seriesColour(i)), rest: 'var(--series-rest)' };

export { ALL_OTHERS, HATCHES, isFixed, type Hatch, type SeriesLook };

/** The look of `key` by its name alone, in the theme's colours. */
export function ownLook(key: string): SeriesLook {
  return paintLook(ownSlotLook(key), CSS_PALETTE);
}

/** Each key's look in one chart, in the theme's colours (see `chartSlotLooks` in src-shared). */
export function seriesLooks(keys: readonly string[]): SeriesLook[] {
  return chartLooks(keys, CSS_PALETTE);
}
