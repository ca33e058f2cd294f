import { chartLooks, type SeriesLook, type SeriesPalette } from '../../../src-shared/series-looks';

/**
 * Series drawn by rank (clusters, keys of the hierarchy): the Okabe–Ito set (distinguishable with the common colour-vision deficiencies),
 * minus its yellow, which vanishes on white paper, then a few darker extras for long legends.
 */
const SERIES = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f3c8d', '#8c564b', '#3969ac', '#11a579', '#a5aa99', '#e73f74'];

export function seriesColour(index: number): string {
  return SERIES[index % SERIES.length] as string;
}

/**
 * Series drawn by name (operations, regions, error codes) look as they do in the app: the slots of
 * src-shared/series-looks.ts in the app's light-theme colours (styles.css; a test holds them
 * equal), which stand 3:1 off its near-white chart background and so off white paper too.
 */
export const KEY_PALETTE: SeriesPalette = {
  slots: ['#2563eb', '#b45309', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#be185d', '#4d7c0f'],
  rest: '#737373',
};

/** Each named key's look in one chart of the report: Decrypt the app's blue, whatever else is charted. */
export function keyLooks(keys: readonly string[]): SeriesLook[] {
  return chartLooks(keys, KEY_PALETTE);
}

export const INK = {
  /** The report's background: white paper, also the hatches' stripes. */
  paper: '#ffffff',
  text: '#1f2937',
  muted: '#6b7280',
  grid: '#e5e7eb',
  axis: '#9ca3af',
  ok: '#15803d',
  okFill: '#dcfce7',
  bad: '#b91c1c',
  badFill: '#fee2e2',
  warn: '#b45309',
  warnFill: '#fef3c7',
  fault: '#d55e00',
  faultBand: '#fbe3d4',
  action: '#0072b2',
  event: '#6b7280',
} as const;
