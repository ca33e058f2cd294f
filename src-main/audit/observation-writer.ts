import type Database from 'better-sqlite3';
import type { EncodedObservation } from './observation-codec';
import { UPSERT_OBSERVATION_COUNT } from './observation-schema';
import { SEQ_SPAN } from './record-codec';

export interface ObservationWriteResult {
  inserted: number;
  duplicates: number;
  /** The ids of the first few duplicates, to name them in a report. */
  duplicateIds: string[];
}

/** Duplicates named in a write result, at most: enough to find them, not a second copy of a bad batch. */
export const MAX_NAMED_DUPLICATES = 10;

/**
 * Writes client-side observations inside the caller's transaction (BatchWriter's): each gets the
 * next id of its second, its per-minute counts by operation, region, error code and cause, and is
 * skipped as a duplicate when its observation id is already stored.
 */
export class ObservationWriter {
  private readonly insert: Database.Statement;
  private readonly lastInSecond: Database.Statement<[number, number], { id: number | null }>;
  private readonly upsertCount: Database.Statement<[number, number, number, number, number]>;

  constructor(db: Database.Database) {
    this.insert = db.prepare(`INSERT OR IGNORE INTO observations (id, observation_id, run_id, region, operation, error_code, cause, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.lastInSecond = db.prepare('SELECT max(id) AS id FROM observations WHERE id BETWEEN ? AND ?');
    this.upsertCount = db.prepare(UPSERT_OBSERVATION_COUNT);
  }

  /** `idOf` gives the dictionary id of a string (adding it within the transaction). */
  write(observations: readonly EncodedObservation[], idOf: (value: string) => number): ObservationWriteResult {
    const result: ObservationWriteResult = { inserted: 0, duplicates: 0, duplicateIds: [] };
    const next = new Map<number, number>();
    const counts = new Map<string, number>();
    for (const o of observations) {
      let seq = next.get(o.second);
      if (seq === undefined) {
        const base = o.second * SEQ_SPAN;
        const last = this.lastInSecond.get(base, base + SEQ_SPAN - 1)?.id;
        seq = last === null || last === undefined ? 0 : last - base + 1;
      }
      if (seq >= SEQ_SPAN) throw new Error(`more than ${SEQ_SPAN} observations in one second`);
      const run = o.runId === undefined ? null : idOf(o.runId);
      const values = [idOf(o.operation), idOf(o.region), idOf(o.errorCode), idOf(o.cause)];
      const changes = this.insert.run(o.second * SEQ_SPAN + seq, o.observationId, run, values[1], values[0], values[2], values[3], o.body).changes;
      if (changes === 0) {
        result.duplicates++;
        if (result.duplicateIds.length < MAX_NAMED_DUPLICATES) result.duplicateIds.push(o.observationId);
        next.set(o.second, seq);
        continue;
      }
      next.set(o.second, seq + 1);
      result.inserted++;
      const minute = Math.floor(o.second / 60);
      values.forEach((value, dimension) => {
        const key = `${dimension}:${minute}:${run ?? 0}:${value}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    }
    for (const [key, calls] of counts) {
      const [dimension, minute, run, value] = key.split(':').map(Number) as [number, number, number, number];
      this.upsertCount.run(dimension, minute, run, value, calls);
    }
    return result;
  }
}
