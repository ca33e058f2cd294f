/**
 * Series colours as CSS variables (`--series-1` … `--series-8` in styles.css), so one chart is
 * readable in both themes: SVG presentation attributes accept `var()` in Chromium.
 */
import { PALETTE_SIZE } from '../../../src-shared/series-looks';

/** The palette's colours in order, for series drawn by rank (clusters); keys drawn by name: series-looks.ts. */
export function seriesColour(index: number): string {
  return `var(--series-${(index % PALETTE_SIZE) + 1})`;
}

/** Axis, grid and tooltip colours shared by every chart, from the theme's variables (tick labels: axis-tick.tsx). */
export const AXIS = { stroke: 'var(--border)' } as const;
export const TOOLTIP_STYLE = {
  contentStyle: { background: 'var(--panel)', border: '1px solid var(--border)', borderRadius: 6, fontSize: 12, color: 'var(--text)' },
  labelStyle: { color: 'var(--muted)' },
  cursor: { stroke: 'var(--muted)', strokeDasharray: '3 3' },
} as const;

/** 1234 → "1.2k", 0.25 → "0.25": short tick labels. */
export function formatCount(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k`;
  return String(Math.round(v * 100) / 100);
}
