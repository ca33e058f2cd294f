import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { notADatabase } from '../common/sqlite-file';
import { BackgroundWriter } from './background-writer';
import { BatchWriter, type WriteResult } from './batch-writer';
import { BatchPacker } from './event-batch';
import {
  DEFAULT_PAGE_SIZE, InvalidQueryError, MAX_PAGE_SIZE, MINUTE_MS,
  type AggregateQuery, type AggregateRow, type AppendOptions, type AppendResult, type EventStore, type LookupPage,
  type LookupQuery, type NewEvent, type ObservationCountQuery, type ObservationPage, type ObservationQuery, type ScanPage, type ScanQuery, type StoredEvent,
} from './event-store';
import { EVENT_COLUMNS, idRange, planAggregate, planLookup, type ActorFilter, type LookupIndex } from './lookup-plan';
import { minuteQuery, SELECT_BUCKETS, SELECT_BUCKETS_OF_RUN, type MinuteQuery } from './minute-counts';
import { ObservationQueries } from './observation-queries';
import { fingerprint, PagingTokens } from './paging-token';
import { decodeRow, SEQ_SPAN } from './record-codec';
import { NonCallActors } from './non-call-actors';
import { configure, migrate } from './store-schema';
import { StringDictionary } from './string-dictionary';

export interface OpenEventStoreOptions {
  /** How long a write waits for another process's write to finish before failing (default 5 s). */
  busyTimeoutMs?: number;
}

interface EventRow {
  id: number;
  event_id: Buffer | string;
  event_name: number;
  event_source: number;
  region: number;
  read_only: number | null;
  error_code: number | null;
  run_id: number | null;
  actor: number;
  resources: number | null;
  body: string | null;
}

const DEFAULT_SCAN_PAGE = 5_000;

/** One bucket of an aggregate: its first minute since the epoch, a dictionary id, the calls. */
interface BucketRow {
  bucket: number;
  value: number;
  calls: number;
}

/** The event store on better-sqlite3: a file (WAL) or `:memory:`. See store-schema.ts for the layout. */
export class SqliteEventStore implements EventStore {
  private readonly dict: StringDictionary;
  private readonly packer = new BatchPacker();
  private readonly writer: BatchWriter;
  private readonly tokens: PagingTokens;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly backgroundWriters = new Set<BackgroundWriter>();
  private readonly observationQueries: ObservationQueries;
  private readonly nonCallActors: NonCallActors;

  private constructor(private readonly db: Database.Database, private readonly file: string, private readonly busyTimeoutMs: number) {
    this.dict = new StringDictionary(db);
    const secret = db.prepare<[], { value: Buffer }>("SELECT value FROM meta WHERE key = 'token_secret'").get();
    if (!secret) throw new Error('the event store has no paging secret: the database is damaged');
    this.tokens = new PagingTokens(secret.value);
    this.writer = new BatchWriter(db, this.dict);
    this.observationQueries = new ObservationQueries((sql) => this.statement(sql), this.dict, this.tokens);
    this.nonCallActors = new NonCallActors((sql) => this.statement(sql));
  }

  /** Opens (creating and migrating as needed) the store in `file`, or an in-memory one for ':memory:'. */
  static open(file: string, options: OpenEventStoreOptions = {}): SqliteEventStore {
    const inMemory = file === ':memory:';
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
      // First, so a file that is no database is refused before anything about it changes.
      configure(db, busyTimeoutMs);
      // Events name users, keys and encryption contexts: nobody else's business on a shared machine.
      if (!inMemory) chmodSync(file, 0o600);
      migrate(db);
      return new SqliteEventStore(db, file, busyTimeoutMs);
    } catch (err) {
      db.close();
      throw notADatabase(err, file, 'event store');
    }
  }

  append(events: readonly NewEvent[], options: AppendOptions = {}): AppendResult {
    const batch = this.packer.pack(events, options.onInvalid, options.observations);
    const { inserted, duplicates, duplicateIds, observations } = this.writer.write([batch])[0] as WriteResult;
    return { inserted, duplicates, duplicateIds, observations, invalid: batch.invalid };
  }

  observations(query: ObservationQuery): ObservationPage {
    return this.observationQueries.page(query);
  }

  observationCounts(query: ObservationCountQuery): AggregateRow[] {
    return this.observationQueries.counts(query);
  }

  countObservations(runId?: string): number {
    return this.observationQueries.count(runId);
  }

  /**
   * A writer on its own connection in a worker thread, for BatchedIngest: the calling thread then
   * only encodes. Undefined for an in-memory store, which no other connection can reach. Closed
   * with the store at the latest.
   */
  openBackgroundWriter(): BackgroundWriter | undefined {
    if (this.file === ':memory:' || !this.db.open) return undefined;
    const writer = new BackgroundWriter(this.file, this.busyTimeoutMs, () => this.backgroundWriters.delete(writer));
    this.backgroundWriters.add(writer);
    return writer;
  }

  lookup(query: LookupQuery): LookupPage {
    const limit = pageSize(query.maxResults);
    const range = idRange(query.startTime, query.endTime);
    const oldest = query.order === 'oldest';
    const print = fingerprint([query.attribute?.key, query.attribute?.value, query.startTime, query.endTime, Boolean(query.errorsOnly), query.runId, query.region, ...(query.recipientAccount === undefined ? [] : ['account', query.recipientAccount]), ...(oldest ? ['oldest'] : [])]);
    const cursor = query.nextToken === undefined ? undefined : this.tokens.open(query.nextToken, print);
    if (!range) return { events: [], nextToken: undefined };
    // The next page starts just past the last event of the previous one, in the order asked for.
    const lo = cursor === undefined || !oldest ? range[0] : Math.max(range[0], cursor + 1);
    const hi = cursor === undefined || oldest ? range[1] : Math.min(range[1], cursor - 1);
    const plan = planLookup(query, this.lookupIndex(), lo, hi, limit + 1);
    if (!plan || lo > hi) return { events: [], nextToken: undefined };
    const rows = this.statement(plan.sql).all(...plan.params) as EventRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map((row) => this.toStored(row)),
      nextToken: rows.length > limit && last ? this.tokens.issue(last.id, print) : undefined,
    };
  }

  aggregate(query: AggregateQuery): AggregateRow[] {
    const run = query.runId === undefined ? undefined : this.dict.find(query.runId);
    const q = minuteQuery(query.by, query.startTime, query.endTime, query.bucketMs ?? MINUTE_MS, run);
    if (query.runId !== undefined && run === undefined) return [];
    // Only time and run (or errors only, counted by error code: every counted call failed): the per-minute counts answer.
    const counted = !query.attribute && query.region === undefined && (!query.errorsOnly || query.by === 'errorCode');
    // The per-minute counts hold every record; records that are no calls of their own (what AWS did on its own, key owners' copies) are counted apart and taken off.
    const byAws = query.callsOnly ? this.nonCallActors.list() : [];
    const rows = !counted
      ? this.matchingBuckets(query, q.minutesPerBucket, byAws.length > 0 ? { except: byAws } : undefined)
      : byAws.length > 0
        ? without(this.countedBuckets(q, run), this.matchingBuckets(query, q.minutesPerBucket, { only: byAws }))
        : this.countedBuckets(q, run);
    return rows
      .map((r) => ({ time: r.bucket * MINUTE_MS, key: this.dict.valueOf(r.value), calls: r.calls }))
      .sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private countedBuckets(q: MinuteQuery, run: number | undefined): BucketRow[] {
    const params = { per: q.minutesPerBucket, dimension: q.dimension, first: q.firstMinute, last: q.lastMinute, ...(run === undefined ? {} : { run }) };
    return this.statement(run === undefined ? SELECT_BUCKETS : SELECT_BUCKETS_OF_RUN).all(params) as BucketRow[];
  }

  /** Groups the matching events themselves: a filter the per-minute counts cannot answer (an operation's calls by region, say). */
  private matchingBuckets(query: AggregateQuery, minutesPerBucket: number, actors?: ActorFilter): BucketRow[] {
    // Whole minutes, as the per-minute counts would answer.
    const range = idRange(Math.floor(query.startTime / MINUTE_MS) * MINUTE_MS, (Math.floor(query.endTime / MINUTE_MS) + 1) * MINUTE_MS - 1);
    const bucketIds = minutesPerBucket * 60 * SEQ_SPAN;
    const plan = range && planAggregate(query, query.by, this.lookupIndex(), range[0], range[1], bucketIds, actors);
    if (!plan) return [];
    const rows = this.statement(plan.sql).all(...plan.params) as BucketRow[];
    return rows.map((r) => ({ bucket: (r.bucket / SEQ_SPAN / 60), value: r.value, calls: r.calls }));
  }

  scan(query: ScanQuery): ScanPage {
    const limit = query.limit ?? DEFAULT_SCAN_PAGE;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new InvalidQueryError(`a scan page holds 1 to 100000 events, not ${limit}`, 'maxResults');
    let range = idRange(query.startTime, query.endTime);
    let run: number | undefined;
    if (range && query.runId !== undefined) {
      run = this.dict.find(query.runId);
      const span = run === undefined ? undefined : this.runSpan(run);
      range = span ? [Math.max(range[0], span[0]), Math.min(range[1], span[1])] : undefined;
    }
    if (!range) return { events: [], next: undefined };
    const lo = Math.max(range[0], (query.after ?? -1) + 1);
    const rows = (run === undefined
      ? this.statement(`SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id BETWEEN ? AND ? ORDER BY e.id LIMIT ?`).all(lo, range[1], limit)
      : this.statement(`SELECT ${EVENT_COLUMNS} FROM events e NOT INDEXED WHERE e.run_id = ? AND e.id BETWEEN ? AND ? ORDER BY e.id LIMIT ?`).all(run, lo, range[1], limit)) as EventRow[];
    const last = rows[rows.length - 1];
    return { events: rows.map((row) => this.toStored(row)), next: rows.length === limit && last ? last.id : undefined };
  }

  count(): number {
    return (this.statement('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  }

  runRecords(runId: string): { records: number; lastEventTime: number } | undefined {
    const run = this.dict.find(runId);
    const row = run === undefined ? undefined : (this.statement('SELECT last_id, events FROM runs WHERE run = ?').get(run) as { last_id: number; events: number } | undefined);
    // An event's id is its eventTime in seconds times SEQ_SPAN, plus its place in that second.
    return row && row.events > 0 ? { records: row.events, lastEventTime: Math.floor(row.last_id / SEQ_SPAN) * 1000 } : undefined;
  }

  close(): void {
    for (const writer of this.backgroundWriters) void writer.close();
    if (this.db.open) this.db.close();
  }

  private runSpan(run: number): [number, number] | undefined {
    const row = this.statement('SELECT first_id, last_id FROM runs WHERE run = ?').get(run) as { first_id: number; last_id: number } | undefined;
    return row ? [row.first_id, row.last_id] : undefined;
  }

  private lookupIndex(): LookupIndex {
    return {
      find: (value) => this.dict.find(value),
      actorsBy: (column, value) => (this.statement(`SELECT actor FROM actors WHERE ${column} = ? ORDER BY actor`).all(value) as { actor: number }[]).map((r) => r.actor),
      runSpan: (run) => this.runSpan(run),
    };
  }

  private toStored(row: EventRow): StoredEvent {
    const d = this.dict;
    const record = decodeRow({
      id: row.id,
      eventId: row.event_id,
      eventName: d.valueOf(row.event_name),
      eventSource: d.valueOf(row.event_source),
      region: d.valueOf(row.region),
      readOnly: row.read_only,
      errorCode: row.error_code === null ? undefined : d.valueOf(row.error_code),
      actor: d.valueOf(row.actor),
      resources: row.resources === null ? undefined : d.valueOf(row.resources),
      body: row.body,
    });
    return { record, runId: row.run_id === null ? undefined : d.valueOf(row.run_id) };
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

/** `all` less `some` (a subset of the same events), bucket by bucket; a bucket left with no calls is no row. */
function without(all: BucketRow[], some: BucketRow[]): BucketRow[] {
  const less = new Map<string, number>();
  for (const r of some) less.set(`${r.bucket}:${r.value}`, r.calls);
  return all.map((r) => ({ ...r, calls: r.calls - (less.get(`${r.bucket}:${r.value}`) ?? 0) })).filter((r) => r.calls > 0);
}

function pageSize(maxResults: number | undefined): number {
  const n = maxResults ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new InvalidQueryError(`a page holds 1 to ${MAX_PAGE_SIZE} events, not ${String(maxResults)}`, 'maxResults');
  return n;
}
