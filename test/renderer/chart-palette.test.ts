import { describe, expect, it } from 'vitest';
import { contrast, distance, themeVariables as variables } from '../support/colour-contrast';

/**
 * The chart palette, as styles.css defines it for each theme, against the charts' background
 * (--bg): every series colour stands out from it by WCAG's 3:1 for graphics (the light theme's
 * amber and lime were below it, faint on the near-white plot), and no two are near each other.
 */
const THEMES = { light: variables(':root'), dark: variables(":root[data-theme='dark']") };

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
