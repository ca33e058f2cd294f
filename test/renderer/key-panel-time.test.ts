import { describe, expect, it } from 'vitest';
import { lookupEndAt } from '../../src-renderer/src/format';

/** A UI trial: the selected key's latest CloudTrail events ran ahead of the scrubber. */
describe("the key panel's events end at the moment shown", () => {
  it("asks for events up to the moment's own second, not the second after it", () => {
    const moment = Date.UTC(2026, 11, 6, 17, 4, 11, 523);
    expect(lookupEndAt(moment)).toBe('2026-12-06T17:04:11.000Z');
    // An event a CloudTrail record dates 17:04:12 happened after the moment: it is past the end.
    expect(Date.parse('2026-12-06T17:04:12Z')).toBeGreaterThan(Date.parse(lookupEndAt(moment)));
    expect(lookupEndAt(Date.UTC(2026, 11, 6, 17, 4, 12))).toBe('2026-12-06T17:04:12.000Z');
  });
});
