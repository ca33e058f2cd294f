import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidQueryError, LOOKUP_ATTRIBUTE_KEYS, type EventStore, type LookupAttributeKey } from '../audit/event-store';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import type { RunSummary } from '../../src-shared/api-types';
import { dataPath, keydrillHome } from './keydrill-home';
import { runService } from './scenario-input';
import { UsageError } from './usage-error';

/** Options the `keydrill audit …` commands share: the store file, times, lookup attributes, progress. */
export const DB_OPTION = {
  db: { type: 'string', value: 'FILE', complete: 'file', description: 'the event store (default: events.sqlite in the data folder, $KEYDRILL_HOME or ~/.keydrill)' },
} as const;

export function eventsDbPath(value: string | undefined): string {
  return value !== undefined ? dataPath('--db', value) : join(keydrillHome(), 'events.sqlite');
}

/** The store for reading: a missing file is bad input, not an empty store created by accident. */
export function openExistingStore(command: string, path: string): SqliteEventStore {
  if (!existsSync(path)) throw new UsageError(`${command}: no event store at ${path} (import events first, or pass --db FILE)`);
  return SqliteEventStore.open(path);
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


/**
 * A `--run` that names no run is bad input, not "no matching events": refused when the event store
 * holds no record of it and the run store knows no such run (a run of another machine's --db still
 * has its events, so it is served).
 */
export function refuseUnknownRun(command: string, store: EventStore, runId: string | undefined): void {
  if (runId === undefined || store.lookup({ runId, maxResults: 1 }).events.length > 0) return;
  if (!savedRun(runId)) throw new UsageError(`${command}: there is no run ${runId}: no event of the store belongs to it and no run by that id was saved (keydrill runs list shows the saved runs; CloudTrail records imported from log files belong to no run, as CloudTrail has no such field: find them by time, event or key instead)`, { code: 'run-not-found', option: '--run' });
}

/** What the run store says of a run, or undefined when it holds no such run (imported events, another machine's --db) or cannot be read. */
export function savedRun(runId: string): RunSummary | undefined {
  const runs = runService();
  try {
    return runs.runStore().summary(runId);
  } catch {
    return undefined;
  } finally {
    runs.close();
  }
}
