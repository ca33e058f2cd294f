import { describe, expect, it } from 'vitest';
import { cloudTrailTime } from '../../src-main/kms/cloudtrail-event';

describe("CloudTrail's eventTime", () => {
  it('writes whole seconds in UTC, each time its own, whatever order the times come in', () => {
    const t = Date.UTC(2026, 0, 1, 23, 59, 59, 999);
    expect(cloudTrailTime(t)).toBe('2026-01-01T23:59:59Z');
    expect(cloudTrailTime(t - 999)).toBe('2026-01-01T23:59:59Z');
    expect(cloudTrailTime(t + 1)).toBe('2026-01-02T00:00:00Z');
    // Back to an earlier second (a record of KMS's own, dated before the call that let it act).
    expect(cloudTrailTime(t - 1000)).toBe('2026-01-01T23:59:58Z');
    expect(cloudTrailTime(t)).toBe('2026-01-01T23:59:59Z');
    expect(cloudTrailTime(Date.UTC(1999, 11, 31, 12))).toBe('1999-12-31T12:00:00Z');
  });
});
