import type Database from 'better-sqlite3';

/**
 * A file SQLite cannot read as a database (not one at all, or its header damaged), opened as one of
 * KeyDrill's stores: the message names the file and what it was meant to be, for the user to point
 * elsewhere (--db, KEYDRILL_HOME) or move it aside, rather than SQLite's bare "file is not a database".
 */
export class NotADatabaseError extends Error {
  override name = 'NotADatabaseError';
  constructor(readonly file: string, what: string, cause: unknown) {
    super(`${file} is not a KeyDrill ${what}: SQLite cannot read it as a database (${(cause as Error).message}); point KeyDrill at another file, or move this one aside`, { cause });
  }
}

/** `err` as a NotADatabaseError when SQLite said the file `file` is no database, else `err` unchanged. */
export function notADatabase(err: unknown, file: string, what: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? new NotADatabaseError(file, what, err) : err;
}

/** A forward migration: SQL, or a function for a step SQL alone cannot express; either runs inside the step's transaction. */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Brings a SQLite file's schema up to date: migration N brings `user_version` from N-1 to N in one
 * transaction. Each step re-reads the version inside its IMMEDIATE transaction, because two
 * processes may open the same fresh file at once (two `keydrill drill run` on one data folder): the
 * second waits for the first's write lock and must then see that the step is already done, not
 * apply it again ("table runs already exists"). A file written by a newer KeyDrill is refused
 * rather than guessed at; `what` names the file in that message.
 */
export function applyMigrations(db: Database.Database, migrations: readonly Migration[], what: string): void {
  const refuseNewer = (version: number) => {
    if (version > migrations.length) {
      throw new Error(`this ${what} was written by a newer KeyDrill (schema ${version}, this version knows ${migrations.length})`);
    }
  };
  for (;;) {
    const done = db.transaction(() => {
      const version = db.pragma('user_version', { simple: true }) as number;
      refuseNewer(version);
      if (version >= migrations.length) return true;
      const migration = migrations[version] as Migration;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
      db.pragma(`user_version = ${version + 1}`);
      return false;
    }).immediate();
    if (done) return;
  }
}

/**
 * Switches the file to write-ahead logging. Changing the journal mode needs the file to itself for
 * a moment, and SQLite answers SQLITE_BUSY at once rather than through the busy handler when
 * another process is creating the same fresh file; so this waits and retries, up to `timeoutMs`.
 */
export function useWriteAheadLog(db: Database.Database, timeoutMs = 5_000): void {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
    }
  }
}
