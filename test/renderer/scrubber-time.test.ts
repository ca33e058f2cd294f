import { describe, expect, it } from 'vitest';
import { formatDuration, formatMoment } from '../../src-renderer/src/format';

/**
 * The Explorer's scrubber dates each moment of a run. On a 30-day fleet drill the KMS outage
 * (+10d2h), the zone outage half an hour later and the zone's return ten minutes after that were
 * all shown as "+10d2h": the offset was cut to its two largest units.
 */
describe('a moment of a run is dated exactly', () => {
  it('keeps every unit of the offset', () => {
    const at = ((10 * 24 + 2) * 60 + 30) * 60_000;
    expect(formatMoment(at)).toBe('10d2h30m');
    expect(formatMoment(at + 10 * 60_000 + 5_000)).toBe('10d2h40m5s');
    expect(formatMoment(0)).toBe('0s');
  });

  it('while a duration said in passing stays short', () => {
    expect(formatDuration(((10 * 24 + 2) * 60 + 30) * 60_000)).toBe('10d2h');
  });
});
