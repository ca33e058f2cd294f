/**
 * Series colours: the Okabe–Ito set (distinguishable with the common colour-vision deficiencies),
 * minus its yellow, which vanishes on white paper, then a few darker extras for long legends.
 */
const SERIES = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#7f3c8d', '#8c564b', '#3969ac', '#11a579', '#a5aa99', '#e73f74'];

export function seriesColour(index: number): string {
  return SERIES[index % SERIES.length] as string;
}

export const INK = {
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
