import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../src-main/audit/event-store';
import { formatEventTime, parseEventTime } from '../../src-main/audit/event-time';

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('eventTime parsing on the ingest path', () => {
  it('reads times in the same minute as the last one without losing any check', () => {
    expect(parseEventTime('2026-01-15T10:42:00Z')).toBe(seconds('2026-01-15T10:42:00Z'));
    expect(parseEventTime('2026-01-15T10:42:07Z')).toBe(seconds('2026-01-15T10:42:07Z'));
    expect(parseEventTime('2026-01-15T10:42:59Z')).toBe(seconds('2026-01-15T10:42:59Z'));
    for (const bad of ['2026-01-15T10:42:60Z', '2026-01-15T10:42:7aZ', '2026-01-15T10:42:5 Z', '2026-01-15T10:42:05z']) {
      expect(() => parseEventTime(bad)).toThrow(InvalidEventError);
    }
    expect(parseEventTime('2026-01-15T10:42:08.5Z')).toBe(seconds('2026-01-15T10:42:08Z'));
    expect(parseEventTime('2026-01-15T10:43:00Z')).toBe(seconds('2026-01-15T10:43:00Z'));
  });

  it('gives every second of a day back as formatEventTime writes it', () => {
    const start = seconds('2026-12-31T12:00:00Z');
    for (let s = start; s < start + 86_400; s += 7) {
      expect(parseEventTime(formatEventTime(s))).toBe(s);
    }
  });
});
