import type Database from 'better-sqlite3';
import { applyMigrations, type Migration, useWriteAheadLog } from '../common/sqlite-file';
import { moveLegacyClientSideEvents, OBSERVATION_TABLES } from './observation-schema';

/**
 * The event store's schema, as forward migrations: migration N brings `user_version` from N-1 to
 * N, in one transaction. Later tables (drill timeline, metrics) are new entries appended here;
 * an entry is never edited once released.
 *
 * Designed for ingest speed and small rows (STACK.md; measured with bench/store-bench.ts):
 * - `events.id` is the rowid and is time-ordered ((eventTime seconds) * 2^21 + sequence): appends
 *   go to the end of the table, a time range is a rowid range, and every secondary index entry
 *   (value, rowid) is time-ordered within its value, so "newest first for one key" is a backwards
 *   index range scan with no sort, and an insert touches only the last page of each value.
 * - No index is keyed by a random value. A unique index on eventID (random UUIDs) made ingest 4x
 *   slower at 1M rows, because every batch dirties pages all over it. Duplicates are found among
 *   the events of the same second instead (an event always comes back with its own eventTime);
 *   EventId lookups use 64 hash buckets, each time-ordered, holding the eventID's hash.
 * - Each index costs ~1 µs per insert, so there are few: the caller (`actor`, which stands for
 *   user name and access key through the small `actors` table), the first resource, and partial
 *   indexes for what is rare (errors, writes, other event sources, operations other than the
 *   bulk cryptographic ones). What most rows share (ReadOnly=true, the KMS event source, Decrypt)
 *   is found by walking the table newest first. Runs are found through their id range (`runs`).
 * - Repeated strings are ids into `dict`, pre-seeded with the KMS event source and the bulk
 *   operations so partial indexes can name them; a row's own JSON holds only what varies per call.
 * - `minute_counts` is filled at ingest, so a 24-hour per-minute chart reads ~1,440 rows per
 *   series instead of grouping every event.
 */
export const KMS_EVENT_SOURCE_ID = 1;
/**
 * Operations so frequent that a rowid walk finds a page at once; every other name has an index
 * entry. Migration 1 seeds these ids: the list is frozen, like the migration itself.
 */
export const BULK_OPERATIONS = ['Decrypt', 'Encrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'ReEncrypt'] as const;
export const LAST_BULK_ID = KMS_EVENT_SOURCE_ID + BULK_OPERATIONS.length;
/** SQL conditions that let a query use a partial index: each is that index's WHERE clause. */
export const RARE_NAME = `e.event_name > ${LAST_BULK_ID}`;
export const OTHER_SOURCE = `e.event_source <> ${KMS_EVENT_SOURCE_ID}`;

const MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
   INSERT INTO meta (key, value) VALUES ('token_secret', randomblob(32));
   CREATE TABLE dict (id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
   INSERT INTO dict (id, value) VALUES ${['kms.amazonaws.com', ...BULK_OPERATIONS].map((v, i) => `(${i + 1}, '${v}')`).join(', ')};
   CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     event_id BLOB NOT NULL,
     id_hash INTEGER NOT NULL,
     event_name INTEGER NOT NULL,
     event_source INTEGER NOT NULL,
     region INTEGER NOT NULL,
     read_only INTEGER,
     error_code INTEGER,
     run_id INTEGER,
     actor INTEGER NOT NULL,
     resource INTEGER,
     resources INTEGER,
     body TEXT);
   CREATE INDEX events_by_event_id ON events (id_hash & 63, id, id_hash);
   CREATE INDEX events_by_actor ON events (actor);
   CREATE INDEX events_by_resource ON events (resource) WHERE resource IS NOT NULL;
   CREATE INDEX events_by_rare_name ON events (event_name) WHERE event_name > ${LAST_BULK_ID};
   CREATE INDEX events_errors ON events (id) WHERE error_code IS NOT NULL;
   CREATE INDEX events_writes ON events (id) WHERE read_only = 0;
   CREATE INDEX events_other_sources ON events (event_source) WHERE event_source <> ${KMS_EVENT_SOURCE_ID};
   -- Who each distinct caller context is: Username and AccessKeyId lookups go through here.
   CREATE TABLE actors (actor INTEGER PRIMARY KEY, username INTEGER, access_key_id INTEGER);
   CREATE INDEX actors_by_username ON actors (username);
   CREATE INDEX actors_by_access_key ON actors (access_key_id);
   -- Where each drill run's events lie; its events are found by walking that id range.
   CREATE TABLE runs (run INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, events INTEGER NOT NULL);
   -- Resources after an event's first (which is events.resource), e.g. ReEncrypt's destination key.
   CREATE TABLE more_resources (value INTEGER NOT NULL, event INTEGER NOT NULL, PRIMARY KEY (value, event)) WITHOUT ROWID;
   -- Which resource types each distinct resources array holds, for ResourceType lookups.
   CREATE TABLE resource_set_types (type INTEGER NOT NULL, resources INTEGER NOT NULL, PRIMARY KEY (type, resources)) WITHOUT ROWID;
   CREATE TABLE minute_counts (
     dimension INTEGER NOT NULL, minute INTEGER NOT NULL, run INTEGER NOT NULL, value INTEGER NOT NULL, calls INTEGER NOT NULL,
     PRIMARY KEY (dimension, minute, run, value)) WITHOUT ROWID;`,
  // 2: client-side observations (calls that never reached KMS) in tables of their own; what older
  // versions stored among the CloudTrail records, marked reachedKms: false, moves there.
  (db) => {
    db.exec(OBSERVATION_TABLES);
    moveLegacyClientSideEvents(db);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file's schema up to date; refuses a file written by a newer KeyDrill rather than guess. */
export function migrate(db: Database.Database): void {
  applyMigrations(db, MIGRATIONS, 'event store');
}

/**
 * WAL so readers (a query, an export) never wait for the writer; NORMAL sync survives a crash of
 * the process (not of the OS) and costs no fsync per commit. Measured on 1M events: 16 KiB pages
 * and rarer checkpoints ingest ~1.5x faster than the 4 KiB / 1,000-page defaults.
 */
export function configure(db: Database.Database, busyTimeoutMs: number): void {
  db.pragma('page_size = 16384'); // takes effect only while the file is still empty
  useWriteAheadLog(db, busyTimeoutMs);
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
}
