import type Database from 'better-sqlite3';
import { legacyObservationOf } from './observation-codec';
import { decodeRow, SEQ_SPAN } from './record-codec';

/**
 * Tables of client-side observations (store-schema.ts migration 2): calls that never reached KMS,
 * kept apart from the CloudTrail records so that no lookup, export or LookupEvents answer can ever
 * serve one as CloudTrail. Row ids are time-ordered as in `events` ((second) * 2^21 + sequence), so
 * a time range is an id range; `observation_counts` is filled at ingest like `minute_counts`.
 */
export const OBSERVATION_TABLES = `
  CREATE TABLE observations (
    id INTEGER PRIMARY KEY,
    observation_id TEXT NOT NULL UNIQUE,
    run_id INTEGER,
    region INTEGER NOT NULL,
    operation INTEGER NOT NULL,
    error_code INTEGER NOT NULL,
    cause INTEGER NOT NULL,
    body TEXT NOT NULL);
  CREATE INDEX observations_by_run ON observations (run_id, id) WHERE run_id IS NOT NULL;
  CREATE TABLE observation_counts (
    dimension INTEGER NOT NULL, minute INTEGER NOT NULL, run INTEGER NOT NULL, value INTEGER NOT NULL, calls INTEGER NOT NULL,
    PRIMARY KEY (dimension, minute, run, value)) WITHOUT ROWID;`;

/** What observations are counted by, per minute. */
export const OBSERVATION_DIMENSIONS = ['operation', 'region', 'errorCode', 'cause'] as const;
export type ObservationDimension = (typeof OBSERVATION_DIMENSIONS)[number];
export const OBSERVATION_DIMENSION_CODE: Record<ObservationDimension, number> = { operation: 0, region: 1, errorCode: 2, cause: 3 };

export const UPSERT_OBSERVATION_COUNT = `INSERT INTO observation_counts (dimension, minute, run, value, calls) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (dimension, minute, run, value) DO UPDATE SET calls = calls + excluded.calls`;

interface LegacyRow {
  id: number;
  event_id: Buffer | string;
  run_id: number | null;
  region: number;
  event_name: number;
  event_source: number;
  read_only: number | null;
  error_code: number | null;
  actor: number;
  resources: number | null;
  body: string;
}

/**
 * KeyDrill before schema 2 stored calls that never reached KMS among the CloudTrail records, marked
 * `additionalEventData.reachedKms: false`. They are not CloudTrail records: each moves to the
 * observations (same id, same time, nothing lost) and leaves the events table, its per-minute
 * counts and its run's count, so every count agrees with the records that remain.
 */
export function moveLegacyClientSideEvents(db: Database.Database): void {
  const rows = db.prepare(`SELECT id, event_id, run_id, region, event_name, event_source, read_only, error_code, actor, resources, body FROM events
    WHERE body LIKE '%"reachedKms":false%'`).all() as LegacyRow[];
  if (rows.length === 0) return;
  const valueOf = db.prepare<[number], { value: string }>('SELECT value FROM dict WHERE id = ?');
  const addValue = db.prepare<[string]>('INSERT OR IGNORE INTO dict (value) VALUES (?)');
  const idOf = db.prepare<[string], { id: number }>('SELECT id FROM dict WHERE value = ?');
  const text = (id: number): string => valueOf.get(id)?.value ?? '';
  const dictId = (value: string): number => {
    addValue.run(value);
    return (idOf.get(value) as { id: number }).id;
  };
  const insert = db.prepare(`INSERT OR IGNORE INTO observations (id, observation_id, run_id, region, operation, error_code, cause, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const count = db.prepare(UPSERT_OBSERVATION_COUNT);
  const uncount = db.prepare('UPDATE minute_counts SET calls = calls - 1 WHERE dimension = ? AND minute = ? AND run = ? AND value = ?');
  const deleteEvent = db.prepare('DELETE FROM events WHERE id = ?');
  const deleteMore = db.prepare('DELETE FROM more_resources WHERE event = ?');
  const uncountRun = db.prepare('UPDATE runs SET events = events - 1 WHERE run = ?');
  for (const row of rows) {
    const record = decodeRow({
      id: row.id, eventId: row.event_id, eventName: text(row.event_name), eventSource: text(row.event_source), region: text(row.region), readOnly: row.read_only,
      errorCode: row.error_code === null ? undefined : text(row.error_code), actor: text(row.actor), resources: row.resources === null ? undefined : text(row.resources), body: row.body,
    });
    const observation = legacyObservationOf(record);
    if (!observation) continue;
    const run = row.run_id ?? 0;
    const minute = Math.floor(row.id / SEQ_SPAN / 60);
    const values = [row.event_name, row.region, dictId(observation.errorCode), dictId(observation.cause)];
    insert.run(row.id, observation.observationId, row.run_id, row.region, row.event_name, values[2], values[3], JSON.stringify(observation));
    values.forEach((value, dimension) => count.run(dimension, minute, run, value as number, 1));
    uncount.run(0, minute, run, row.event_name);
    uncount.run(1, minute, run, row.region);
    if (row.error_code !== null) uncount.run(2, minute, run, row.error_code);
    deleteMore.run(row.id);
    deleteEvent.run(row.id);
    if (row.run_id !== null) uncountRun.run(row.run_id);
  }
  db.exec('DELETE FROM minute_counts WHERE calls <= 0');
}
