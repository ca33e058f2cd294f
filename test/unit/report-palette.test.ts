import { describe, expect, it } from 'vitest';
import { INK, KEY_PALETTE } from '../../src-main/report/svg/palette';
import { contrast, distance, themeVariables } from '../support/colour-contrast';

/**
 * The report prints on white paper. Its operations, regions and error codes take the app's
 * light-theme colours, so an auditor holding a printout beside the app sees Decrypt in one blue:
 * each stands 3:1 off the paper (WCAG for graphics), no two are alike, and they are the app's.
 */
describe("the report's colours for named keys", () => {
  const all = [...KEY_PALETTE.slots, KEY_PALETTE.rest];

  it('each of the eight colours and the grey of "all others" stands 3:1 off the white paper', () => {
    expect(INK.paper).toBe('#ffffff');
    expect(KEY_PALETTE.slots).toHaveLength(8);
    for (const colour of all) expect(contrast(colour, INK.paper), `${colour} on ${INK.paper}`).toBeGreaterThanOrEqual(3);
  });

  it('no two of them, nor the grey, are alike', () => {
    for (const [i, a] of all.entries()) for (const b of all.slice(i + 1)) expect(distance(a, b), `${a} and ${b}`).toBeGreaterThan(30);
  });

  it("are the app's light-theme chart colours, slot for slot", () => {
    const light = themeVariables(':root');
    expect(KEY_PALETTE.slots).toEqual(Array.from({ length: 8 }, (_, i) => light[`--series-${i + 1}`]));
    expect(KEY_PALETTE.rest).toBe(light['--series-rest']);
  });
});
