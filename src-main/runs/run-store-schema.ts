import type Database from 'better-sqlite3';
import { applyMigrations } from '../common/sqlite-file';

/**
 * The run store's schema, as forward migrations (migration N brings `user_version` from N-1 to N in
 * one transaction; an entry is never edited once released).
 *
 * - `runs`: one row per execution: status, names, the wall-clock start and end, who runs it (pid and
 *   heartbeat, to tell a live run from one whose process died), counts for the list, and the run
 *   record's head as JSON (rewritten at the start, when the keys exist, and at the end).
 * - `frames`: the hierarchy history, one row per entry, keyframes flagged so a reader finds the
 *   keyframe at or before any moment with one index lookup.
 * - `timeline`: the timeline entries, with the columns the UI filters on.
 * Rows of a run are deleted with it (ON DELETE CASCADE; foreign keys are on).
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE runs (
     run_id TEXT PRIMARY KEY,
     label TEXT NOT NULL,
     scenario TEXT NOT NULL,
     title TEXT NOT NULL,
     backend TEXT NOT NULL,
     seed INTEGER NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('started', 'completed', 'cancelled', 'interrupted')),
     reason TEXT,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     start_time TEXT NOT NULL,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     heartbeat INTEGER NOT NULL,
     passed INTEGER,
     verdicts INTEGER NOT NULL DEFAULT 0,
     verdicts_passed INTEGER NOT NULL DEFAULT 0,
     kms_calls INTEGER NOT NULL DEFAULT 0,
     data_at_risk INTEGER NOT NULL DEFAULT 0,
     head TEXT NOT NULL);
   CREATE INDEX runs_by_start ON runs (started_at);
   CREATE TABLE frames (
     run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     at INTEGER NOT NULL,
     keyframe INTEGER NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
   CREATE INDEX frames_keyframes ON frames (run_id, at, seq) WHERE keyframe = 1;
   CREATE TABLE timeline (
     run_id TEXT NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     at INTEGER NOT NULL,
     kind TEXT NOT NULL,
     cluster TEXT,
     outcome TEXT NOT NULL,
     body TEXT NOT NULL,
     PRIMARY KEY (run_id, seq)) WITHOUT ROWID;
   CREATE INDEX timeline_by_cluster ON timeline (run_id, cluster, seq) WHERE cluster IS NOT NULL;`,
];

export const RUN_STORE_SCHEMA_VERSION = MIGRATIONS.length;

export function migrateRunStore(db: Database.Database): void {
  applyMigrations(db, MIGRATIONS, 'run store');
}
