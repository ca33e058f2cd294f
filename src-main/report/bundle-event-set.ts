import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CloudTrailFileError, cloudTrailLogRecords } from '../audit/cloudtrail-log-file';
import { canonicalJson } from '../drill/canonical-json';
import { eventIdOf } from '../drill/run-trail';
import type { EventSetRecheck } from '../../src-shared/api-bundle-verification';
import { EventLoopTurns } from '../common/event-loop-turns';
import { bundleTree, DENIED, isDenied } from './manifest';

export type { EventSetRecheck } from '../../src-shared/api-bundle-verification';

/** Records stored per transaction: a large transaction of large rows holds the event loop for long. */
const BATCH_RECORDS = 200;

/**
 * The event-set digest of a run recomputed from an audit bundle's CloudTrail files, as the report
 * tells an auditor to do it by hand (docs/run-record.md): each record of the run found by the
 * eventID its number gives, written as canonical JSON, hashed in the run's order. A record changed,
 * left out or added shows as a different digest, and is named here by kind.
 *
 * The files' order is not the run's (they are grouped by account, region and hour), so the records
 * are put in order through a temporary SQLite file: memory stays flat for a run of any size.
 *
 * A 1,000-tenant run's files hold 100 MB and more of records: tens of seconds of work. The app's
 * main process (`reports:verify`) must answer the window meanwhile, so the work is cut into short
 * pieces: records are stored a small batch at a time (one transaction per file held the event loop
 * for the whole file) and the event loop gets a turn every 10 ms, in the final pass in the run's order
 * too (which was one synchronous loop). On 150,000 records (244 MB of JSON) the longest wait of the
 * loop fell from 3.4 s to a few tenths of a second on a loaded 2-core machine. What stays
 * synchronous is the parse and check of each 1 MiB a file is read in (cloudtrail-log-file.ts).
 *
 * `signal`: nobody waits for the answer any more (the window's request was dropped); it stops at the next turn.
 */
export async function recheckEventSet(bundleDir: string, cloudTrailFolder: string, runId: string, expected: number, signal?: AbortSignal): Promise<EventSetRecheck> {
  const db = new Database('');
  const turns = new EventLoopTurns();
  const pause = async () => {
    await turns.take();
    signal?.throwIfAborted();
  };
  try {
    // A table with rowids: each ~1.6 KB line is appended where the last one ended, and only the
    // small index on the eventIDs (random UUIDs) takes inserts all over. Keyed by eventID itself
    // (WITHOUT ROWID), the lines went into a B-tree in random order: SQLite's share of the check
    // was three times what it is now (36,000 records: 2.3 s of CPU against 0.7 s). A scratch file
    // needs neither a journal nor syncs.
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE r (id TEXT PRIMARY KEY, line TEXT NOT NULL)');
    const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO r (id, line) VALUES (?, ?)');
    let read = 0;
    let stored = 0;
    const batch: [string, string][] = [];
    const store = db.transaction(() => {
      for (const [id, line] of batch) stored += insert.run(id, line).changes;
      batch.length = 0;
    });
    const tree = await bundleTree(bundleDir);
    const files = tree.files.filter((f) => f.startsWith(`${cloudTrailFolder}/`));
    // A folder or file the user may not read is a finding about the bundle too, not a failure of the check.
    const unreadable = tree.unreadable.filter((f) => f === cloudTrailFolder || f.startsWith(`${cloudTrailFolder}/`)).map((f) => `${f}/: ${DENIED}`);
    for (const file of files) {
      try {
        for await (const { record } of cloudTrailLogRecords(join(bundleDir, ...file.split('/')))) {
          read++;
          batch.push([record.eventID, `${canonicalJson(record)}\n`]);
          if (batch.length >= BATCH_RECORDS) store();
          if (read % 100 === 0) await pause();
        }
      } catch (err) {
        // A damaged file is a finding about the bundle, not a failure of the check.
        if (err instanceof CloudTrailFileError) unreadable.push(`${file}: ${err.problem}`);
        else if (isDenied(err)) unreadable.push(`${file}: ${DENIED}`);
        else throw err;
      }
      // Its records before a fault count too.
      store();
      await pause();
    }
    const byId = db.prepare<[string], { line: string }>('SELECT line FROM r WHERE id = ?');
    const hash = createHash('sha256');
    let found = 0;
    const missing = { count: 0, first: [] as number[] };
    for (let n = 1; n <= expected; n++) {
      if (n % 100 === 0) await pause();
      const row = byId.get(eventIdOf(runId, n));
      if (!row) {
        missing.count++;
        if (missing.first.length < 5) missing.first.push(n);
        continue;
      }
      found++;
      hash.update(row.line, 'utf8');
    }
    return { sha256: hash.digest('hex'), found, expected, missing, foreign: stored - found, duplicates: read - stored, unreadable };
  } finally {
    db.close();
  }
}
