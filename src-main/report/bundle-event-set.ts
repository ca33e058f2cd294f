import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CloudTrailFileError, cloudTrailLogRecords } from '../audit/cloudtrail-log-file';
import { canonicalJson } from '../drill/canonical-json';
import { eventIdOf } from '../drill/run-trail';
import { filesUnder } from './manifest';

/**
 * The event-set digest of a run recomputed from an audit bundle's CloudTrail files, as the report
 * tells an auditor to do it by hand (docs/run-record.md): each record of the run found by the
 * eventID its number gives, written as canonical JSON, hashed in the run's order. A record changed,
 * left out or added shows as a different digest, and is named here by kind.
 *
 * The files' order is not the run's (they are grouped by account, region and hour), so the records
 * are put in order through a temporary SQLite file: memory stays flat for a run of any size.
 */
export interface EventSetRecheck {
  /** The digest the bundle's CloudTrail records give. */
  sha256: string;
  /** Records of the run found in the bundle, and how many the run made. */
  found: number;
  expected: number;
  /** Numbers 1..expected with no record in the bundle (the first few, and how many). */
  missing: { count: number; first: number[] };
  /** Records whose eventID is not one of the run's. */
  foreign: number;
  /** eventIDs that occur more than once. */
  duplicates: number;
  /** CloudTrail files that cannot be read as such (damaged gzip, not JSON, a malformed record): `path: what is wrong`. Their records before the fault count. */
  unreadable: string[];
}

export async function recheckEventSet(bundleDir: string, cloudTrailFolder: string, runId: string, expected: number): Promise<EventSetRecheck> {
  const db = new Database('');
  try {
    db.exec('CREATE TABLE r (id TEXT PRIMARY KEY, line TEXT NOT NULL) WITHOUT ROWID');
    const insert = db.prepare<[string, string]>('INSERT OR IGNORE INTO r (id, line) VALUES (?, ?)');
    let read = 0;
    let stored = 0;
    const files = (await filesUnder(bundleDir)).filter((f) => f.startsWith(`${cloudTrailFolder}/`));
    const unreadable: string[] = [];
    for (const file of files) {
      const batch: [string, string][] = [];
      try {
        for await (const { record } of cloudTrailLogRecords(join(bundleDir, ...file.split('/')))) {
          read++;
          batch.push([record.eventID, `${canonicalJson(record)}\n`]);
        }
      } catch (err) {
        // A damaged file is a finding about the bundle, not a failure of the check.
        if (!(err instanceof CloudTrailFileError)) throw err;
        unreadable.push(`${file}: ${err.problem}`);
      }
      db.transaction(() => {
        for (const [id, line] of batch) stored += insert.run(id, line).changes;
      })();
    }
    const byId = db.prepare<[string], { line: string }>('SELECT line FROM r WHERE id = ?');
    const hash = createHash('sha256');
    let found = 0;
    const missing = { count: 0, first: [] as number[] };
    for (let n = 1; n <= expected; n++) {
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
