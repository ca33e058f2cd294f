import type Database from 'better-sqlite3';
import {
  DEFAULT_PAGE_SIZE, InvalidQueryError, MAX_PAGE_SIZE, MINUTE_MS,
  type AggregateRow, type ObservationCountQuery, type ObservationPage, type ObservationQuery,
} from './event-store';
import { idRange } from './lookup-plan';
import { decodeObservation } from './observation-codec';
import { OBSERVATION_DIMENSION_CODE, OBSERVATION_DIMENSIONS } from './observation-schema';
import { fingerprint, type PagingTokens } from './paging-token';
import type { StringDictionary } from './string-dictionary';

interface ObservationRow {
  id: number;
  run_id: number | null;
  body: string;
}

const MAX_BUCKET_MS = 366 * 24 * 60 * MINUTE_MS;

/**
 * The event store's queries over client-side observations: pages by run, time range and region
 * (ids are time-ordered, so a time range is an id range and paging is a cursor on the id), counts
 * per bucket from `observation_counts`, and totals.
 */
export class ObservationQueries {
  /** `statement` prepares SQL once per store (the store's own statement cache). */
  constructor(private readonly statement: (sql: string) => Database.Statement, private readonly dict: StringDictionary, private readonly tokens: PagingTokens) {}

  page(query: ObservationQuery): ObservationPage {
    const limit = query.maxResults ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new InvalidQueryError(`a page holds 1 to ${MAX_PAGE_SIZE} observations, not ${String(query.maxResults)}`, 'maxResults');
    const oldest = query.order === 'oldest';
    const print = fingerprint(['observations', query.observationId, query.runId, query.startTime, query.endTime, query.region, oldest]);
    const cursor = query.nextToken === undefined ? undefined : this.tokens.open(query.nextToken, print);
    const range = idRange(query.startTime, query.endTime);
    if (!range) return { observations: [], nextToken: undefined };
    const lo = cursor !== undefined && oldest ? Math.max(range[0], cursor + 1) : range[0];
    const hi = cursor !== undefined && !oldest ? Math.min(range[1], cursor - 1) : range[1];
    const where = ['o.id BETWEEN ? AND ?'];
    const params: unknown[] = [lo, hi];
    for (const [column, value] of [['o.run_id', query.runId], ['o.region', query.region]] as const) {
      if (value === undefined) continue;
      const id = this.dict.find(value);
      if (id === undefined) return { observations: [], nextToken: undefined };
      where.push(`${column} = ?`);
      params.push(id);
    }
    if (query.observationId !== undefined) {
      where.push('o.observation_id = ?');
      params.push(query.observationId);
    }
    if (lo > hi) return { observations: [], nextToken: undefined };
    const sql = `SELECT o.id, o.run_id, o.body FROM observations o WHERE ${where.join(' AND ')} ORDER BY o.id ${oldest ? 'ASC' : 'DESC'} LIMIT ?`;
    const rows = this.statement(sql).all(...params, limit + 1) as ObservationRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      observations: page.map((r) => decodeObservation(r.body, r.run_id === null ? undefined : this.dict.valueOf(r.run_id))),
      nextToken: rows.length > limit && last ? this.tokens.issue(last.id, print) : undefined,
    };
  }

  counts(query: ObservationCountQuery): AggregateRow[] {
    if (!OBSERVATION_DIMENSIONS.includes(query.by)) throw new InvalidQueryError(`observations are counted by ${OBSERVATION_DIMENSIONS.join(', ')}, not '${String(query.by)}'`, 'attribute');
    if (!Number.isFinite(query.startTime) || !Number.isFinite(query.endTime) || query.startTime > query.endTime) {
      throw new InvalidQueryError('the time range needs a start no later than its end', 'timeRange');
    }
    const bucketMs = query.bucketMs ?? MINUTE_MS;
    if (!Number.isInteger(bucketMs) || bucketMs < MINUTE_MS || bucketMs % MINUTE_MS !== 0 || bucketMs > MAX_BUCKET_MS) {
      throw new InvalidQueryError(`the bucket size must be a whole number of minutes (up to a year), not ${bucketMs} ms`, 'bucketMs');
    }
    const run = query.runId === undefined ? undefined : this.dict.find(query.runId);
    if (query.runId !== undefined && run === undefined) return [];
    // `%` works on the integers better-sqlite3 binds as REAL; `/` would not round down.
    const sql = `SELECT minute - minute % :per AS bucket, value, SUM(calls) AS calls FROM observation_counts
      WHERE dimension = :dimension AND minute BETWEEN :first AND :last${run === undefined ? '' : ' AND run = :run'} GROUP BY bucket, value`;
    const rows = this.statement(sql).all({
      per: bucketMs / MINUTE_MS,
      dimension: OBSERVATION_DIMENSION_CODE[query.by],
      first: Math.floor(query.startTime / MINUTE_MS),
      last: Math.floor(query.endTime / MINUTE_MS),
      ...(run === undefined ? {} : { run }),
    }) as { bucket: number; value: number; calls: number }[];
    return rows
      .map((r) => ({ time: r.bucket * MINUTE_MS, key: this.dict.valueOf(r.value), calls: r.calls }))
      .sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  count(runId?: string): number {
    if (runId === undefined) return (this.statement('SELECT count(*) AS n FROM observations').get() as { n: number }).n;
    const run = this.dict.find(runId);
    if (run === undefined) return 0;
    return (this.statement('SELECT count(*) AS n FROM observations WHERE run_id = ?').get(run) as { n: number }).n;
  }
}
