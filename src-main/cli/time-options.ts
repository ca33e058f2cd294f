import { parseDuration } from '../../src-shared/duration';
import { UsageError } from './usage-error';

/**
 * Points in time on the command line (`--start`, `--end`): the durations scenarios use, taken as
 * "that long ago" (30m, 24h, 1h30m, 1w), ISO 8601 times with a zone (2026-01-15T09:00:00Z,
 * 2026-01-15T10:00:00+01:00, +0100 or +01, a space instead of the T), a UTC day (2026-01-15),
 * or epoch seconds. Milliseconds since the epoch.
 */
export const TIME_HINT = 'a time like 2026-01-15T09:00:00Z or 2026-01-15T10:00+01:00, a UTC day like 2026-01-15, epoch seconds, or a duration ago like 24h, 1h30m or 1w';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Parses one time; undefined when the text is none of the accepted forms or not a real date. */
export function parseTime(text: string, now: number): number | undefined {
  const value = text.trim();
  const ago = parseDuration(value);
  if (ago !== undefined && value !== '0') return now - ago;
  if (/^\d{1,11}$/.test(value)) return Number(value) * 1000;
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  if (h !== undefined && zone === undefined) return undefined; // a time of day without a zone is ambiguous
  const parts = { year: Number(y), month: Number(mo), day: Number(d), hour: Number(h ?? 0), minute: Number(mi ?? 0), second: Number(s ?? 0) };
  const ms = Number(((frac ?? '') + '000').slice(0, 3));
  const utc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-30 over to March: a date that does not round-trip does not exist.
  if (check.getUTCFullYear() !== parts.year || check.getUTCMonth() !== parts.month - 1 || check.getUTCDate() !== parts.day || check.getUTCHours() !== parts.hour || check.getUTCMinutes() !== parts.minute || check.getUTCSeconds() !== parts.second) return undefined;
  return utc - offsetMs(zone);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  return sign * (hours * 60 + minutes) * 60_000;
}

/** A time option's value, or a UsageError naming the option and the accepted forms. */
export function timeOption(name: string, value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTime(value, now);
  if (ms === undefined || !Number.isFinite(ms)) {
    const noZone = ISO.exec(value.trim());
    const hint = noZone?.[4] !== undefined && noZone[8] === undefined ? ' (add the zone: Z for UTC, or an offset like +01:00)' : '';
    throw new UsageError(`--${name} must be ${TIME_HINT}; got '${value}'${hint}`);
  }
  return ms;
}

/**
 * The range of `--start` and `--end`. With `endDefaultsToNow` (the lookups, as CloudTrail
 * LookupEvents does), a start without an end ends now: drills stamp events with their own clock, so
 * an open range would also find events dated after today.
 */
export function timeRange(values: { start?: string | undefined; end?: string | undefined }, now: number = Date.now(), { endDefaultsToNow = false } = {}): { startTime: number | undefined; endTime: number | undefined } {
  const startTime = timeOption('start', values.start, now);
  const defaulted = endDefaultsToNow && values.end === undefined && startTime !== undefined;
  const endTime = defaulted ? now : timeOption('end', values.end, now);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new UsageError(`--start (${new Date(startTime).toISOString()}) is later than --end (${new Date(endTime).toISOString()}${defaulted ? ': now, the end when --end is not given' : ''})`);
  }
  return { startTime, endTime };
}

/** The shared option declarations of commands that take a time range. */
export const TIME_RANGE_OPTIONS = {
  start: { type: 'string', value: 'T', description: `events at or after T: ${TIME_HINT}` },
  end: { type: 'string', value: 'T', description: 'events at or before T (same forms as --start)' },
} as const;

/** The same for the lookups, whose --end defaults to now when --start is given. */
export const LOOKUP_TIME_RANGE_OPTIONS = {
  start: TIME_RANGE_OPTIONS.start,
  end: { ...TIME_RANGE_OPTIONS.end, description: `${TIME_RANGE_OPTIONS.end.description}; with --start and no --end, now` },
} as const;
