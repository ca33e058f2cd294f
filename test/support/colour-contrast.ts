import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Colour checks for chart palettes, the app's (styles.css) and the report's: WCAG contrast and
 * CIE L*a*b* distance between hex colours.
 */
const css = readFileSync(join(import.meta.dirname, '../../src-renderer/src/styles.css'), 'utf8');

/** The custom properties of styles.css's rule that starts with `selector`. */
export function themeVariables(selector: string): Record<string, string> {
  const vars: Record<string, string> = {};
  let at = css.indexOf(`${selector} {`);
  while (at >= 0) {
    const body = css.slice(at, css.indexOf('}', at));
    for (const [, name, value] of body.matchAll(/(--[\w-]+):\s*(#[0-9a-f]{6})/gi)) vars[name as string] = value as string;
    at = css.indexOf(`${selector} {`, at + 1);
  }
  return vars;
}

function channels(hex: string): [number, number, number] {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
}
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
function luminance(hex: string): number {
  const [r, g, b] = channels(hex).map(linear) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio: 3:1 is the least for graphics. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** CIE L*a*b* distance (ΔE 1976): about 2.3 is the least a viewer notices; tens is plainly another colour. */
export function distance(a: string, b: string): number {
  const lab = (hex: string) => {
    const [r, g, b] = channels(hex).map(linear) as [number, number, number];
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const [x, y, z] = [(0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b, (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883].map(f) as [number, number, number];
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(...p.map((v, i) => v - (q[i] ?? 0)));
}
