import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The chart palette, as styles.css defines it for each theme, against the charts' background
 * (--bg): every series colour stands out from it by WCAG's 3:1 for graphics (the light theme's
 * amber and lime were below it, faint on the near-white plot), and no two are near each other.
 */
const css = readFileSync(join(import.meta.dirname, '../../src-renderer/src/styles.css'), 'utf8');

/** The custom properties of the rule that starts with `selector`. */
function variables(selector: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let at = css.indexOf(`${selector} {`);
  while (at >= 0) {
    const body = css.slice(at, css.indexOf('}', at));
    for (const [, name, value] of body.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})/gi)) vars[name as string] = value as string;
    at = css.indexOf(`${selector} {`, at + 1);
  }
  return vars;
}

const THEMES = { light: variables(':root'), dark: variables(":root[data-theme='dark']") };

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
/** CIE L*a*b* distance (ΔE 1976): about 2.3 is the least a viewer notices; tens is plainly another colour. */
function distance(a: string, b: string): number {
  const lab = (hex: string) => {
    const [r, g, b] = channels(hex).map(linear) as [number, number, number];
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883].map(f) as [number, number, number];
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(...p.map((v, i) => v - (q[i] ?? 0)));
}

describe('the chart palette in both themes', () => {
  for (const [theme, vars] of Object.entries(THEMES)) {
    const series = Array.from({ length: 8 }, (_, i) => vars[`--series-${i + 1}`] as string);
    const all = [...series, vars['--series-rest'] as string];
    const bg = vars['--bg'] as string;

    it(`${theme}: each of the eight series colours and the grey of "all others" stands 3:1 off the chart background`, () => {
      expect(all.every(Boolean) && Boolean(bg)).toBe(true);
      for (const colour of all) expect(contrast(colour, bg), `${colour} on ${bg}`).toBeGreaterThanOrEqual(3);
    });

    it(`${theme}: no two series colours, nor the grey, are alike`, () => {
      for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) expect(distance(a, b), `${a} and ${b}`).toBeGreaterThan(30);
    });
  }

  it('the dark theme chosen by the system uses the same colours as the one chosen by the toggle', () => {
    expect(variables(":root:not([data-theme='light'])")).toEqual(THEMES.dark);
  });
});
