/**
 * Series colours as CSS variables (`--series-1` … `--series-8` in styles.css), so one chart is
 * readable in both themes: SVG presentation attributes accept `var()` in Chromium.
 */
const SERIES = 8;

export function seriesColour(index: number): string {
  return `var(--series-${(index % SERIES) + 1})`;
}

/**
 * One colour per key (a region, an operation, an error code) that depends on the key's name, not on
 * its rank in the chart: us-east-1 is drawn alike in the live chart, the finished run and the Audit
 * page, whichever region had more calls. Each key wants the slot its name hashes to; keys are
 * placed in name order and one whose slot is taken moves to the next free one, so a chart's keys
 * differ while the palette lasts.
 */
export function keyColours(keys: readonly string[]): string[] {
  const slot = new Map<string, number>();
  const used = new Set<number>();
  for (const key of [...keys].sort()) {
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    let s = h % SERIES;
    for (let tries = 0; used.has(s) && tries < SERIES; tries++) s = (s + 1) % SERIES;
    used.add(s);
    slot.set(key, s);
  }
  return keys.map((k) => seriesColour(slot.get(k) ?? 0));
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
