import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidQueryError, LOOKUP_ATTRIBUTE_KEYS, type LookupAttributeKey } from '../audit/event-store';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { keydrillHome } from './keydrill-home';
import { UsageError } from './usage-error';

/** Options the `keydrill audit …` commands share: the store file, times, lookup attributes, progress. */
export const DB_OPTION = { db: { type: 'string' } } as const;

export function eventsDbPath(value: string | undefined): string {
  return resolve(value ?? join(keydrillHome(), 'events.sqlite'));
}

/** The store for reading: a missing file is bad input, not an empty store created by accident. */
export function openExistingStore(command: string, path: string): SqliteEventStore {
  if (!existsSync(path)) throw new UsageError(`${command}: no event store at ${path} (import events first, or pass --db FILE)`);
  return SqliteEventStore.open(path);
}

const RELATIVE = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A point in time: ISO 8601 with a zone (2026-01-15T09:00:00Z), a UTC day (2026-01-15), epoch
 * seconds (1768467600), or a duration ago (30m, 24h, 7d). Milliseconds since the epoch.
 */
export function timeOption(name: string, value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const relative = RELATIVE.exec(value);
  let ms: number;
  if (relative) ms = now - Number(relative[1]) * UNIT_MS[relative[2] as keyof typeof UNIT_MS];
  else if (/^\d{1,11}$/.test(value)) ms = Number(value) * 1000;
  else if (/^\d{4}-\d{2}-\d{2}$/.test(value)) ms = Date.parse(`${value}T00:00:00Z`);
  else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) ms = Date.parse(value);
  else ms = NaN;
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--${name} must be a time like 2026-01-15T09:00:00Z, 2026-01-15, epoch seconds, or a duration ago like 24h; got '${value}'`);
  }
  return ms;
}

export function timeRange(values: { start?: string | undefined; end?: string | undefined }, now: number = Date.now()): { startTime: number | undefined; endTime: number | undefined } {
  const startTime = timeOption('start', values.start, now);
  const endTime = timeOption('end', values.end, now);
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new UsageError(`--start (${new Date(startTime).toISOString()}) is later than --end (${new Date(endTime).toISOString()})`);
  }
  return { startTime, endTime };
}

/** `Name=Value` with Name one of CloudTrail's lookup attributes. */
export function attributeOption(value: string | undefined): { key: LookupAttributeKey; value: string } | undefined {
  if (value === undefined) return undefined;
  const eq = value.indexOf('=');
  const key = eq > 0 ? value.slice(0, eq) : '';
  if (!(LOOKUP_ATTRIBUTE_KEYS as readonly string[]).includes(key) || eq === value.length - 1) {
    throw new UsageError(`--attribute must be Name=Value with Name one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}; got '${value}'`);
  }
  return { key: key as LookupAttributeKey, value: value.slice(eq + 1) };
}

export function regionOption(value: string | undefined): string | undefined {
  if (value !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) throw new UsageError(`--region must be an AWS region like us-east-1, got '${value}'`);
  return value;
}

/** Store query errors are the caller's input (a bad token, an impossible range): exit code 2. */
export function asUsageError(err: unknown, option: string): unknown {
  return err instanceof InvalidQueryError ? new UsageError(`${option}: ${err.message}`) : err;
}

/** Progress on one rewritten stderr line, only when stderr is a terminal. */
export function progressLine(): { update(text: string): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    update(text) {
      if (!tty) return;
      process.stderr.write(`\r\x1b[K${text}`);
      shown = true;
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
