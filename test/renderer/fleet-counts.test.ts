import { describe, expect, it } from 'vitest';
import { countsText, noCounts } from '../../src-renderer/src/explorer/fleet-model';

/** The blast radius of a region on a 200-tenant fleet read "Database keys 1,200 (1200 serving)". */
describe('counts by state', () => {
  it('are written with thousands separators, as the totals beside them are', () => {
    expect(countsText({ ...noCounts(), ok: 1200, down: 12_345 })).toBe('12,345 down, 1,200 serving');
    expect(countsText(noCounts())).toBe('none');
  });
});
