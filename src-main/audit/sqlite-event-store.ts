import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  DEFAULT_PAGE_SIZE, InvalidEventError, InvalidQueryError, MAX_PAGE_SIZE, MINUTE_MS,
  type AggregateQuery, type AggregateRow, type AppendOptions, type AppendResult, type EventStore, type LookupPage,
  type LookupQuery, type NewEvent, type ScanPage, type ScanQuery, type StoredEvent,
} from './event-store';
import { formatEventTime } from './event-time';
import { EVENT_COLUMNS, idRange, planLookup, type LookupIndex } from './lookup-plan';
import { MinuteCounter, minuteQuery, SELECT_BUCKETS, SELECT_BUCKETS_OF_RUN, UPSERT_MINUTE_COUNT } from './minute-counts';
import { fingerprint, PagingTokens } from './paging-token';
import { decodeRow, eventIdKey, eventIdText, RecordEncoder, SEQ_SPAN, usernameOf, type EncodedEvent } from './record-codec';
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

type Encoded = EncodedEvent & { runId: string | undefined };

/** Per second touched by a write transaction: the next free sequence number and the eventIDs stored in it. */
interface SecondState {
  next: number;
  ids: Set<string>;
}

const DEFAULT_SCAN_PAGE = 5_000;

/** The event store on better-sqlite3: a file (WAL) or `:memory:`. See store-schema.ts for the layout. */
export class SqliteEventStore implements EventStore {
  private readonly dict: StringDictionary;
  private readonly encoder = new RecordEncoder();
  private readonly tokens: PagingTokens;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly seconds = new Map<number, SecondState>();
  /** Dictionary ids known to have their side rows (actors, resource_set_types); cleared when a write rolls back. */
  private readonly described = new Set<number>();
  private readonly idBuffer = Buffer.alloc(16);
  private readonly insertEvent: Database.Statement;
  private readonly insertMoreResource: Database.Statement<[number, number]>;
  private readonly insertSetType: Database.Statement<[number, number]>;
  private readonly insertActor: Database.Statement<[number, number | null, number | null]>;
  private readonly upsertRun: Database.Statement<[number, number, number, number]>;
  private readonly upsertCount: Database.Statement<[number, number, number, number, number]>;
  private readonly eventsInSecond: Database.Statement<[number, number], { id: number; event_id: Buffer | string }>;

  private constructor(private readonly db: Database.Database) {
    this.dict = new StringDictionary(db);
    const secret = db.prepare<[], { value: Buffer }>("SELECT value FROM meta WHERE key = 'token_secret'").get();
    if (!secret) throw new Error('the event store has no paging secret: the database is damaged');
    this.tokens = new PagingTokens(secret.value);
    this.insertEvent = db.prepare(`INSERT INTO events
      (id, event_id, id_hash, event_name, event_source, region, read_only, error_code, run_id, actor, resource, resources, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertMoreResource = db.prepare('INSERT OR IGNORE INTO more_resources (value, event) VALUES (?, ?)');
    this.insertSetType = db.prepare('INSERT OR IGNORE INTO resource_set_types (type, resources) VALUES (?, ?)');
    this.insertActor = db.prepare('INSERT OR IGNORE INTO actors (actor, username, access_key_id) VALUES (?, ?, ?)');
    this.upsertRun = db.prepare(`INSERT INTO runs (run, first_id, last_id, events) VALUES (?, ?, ?, ?)
      ON CONFLICT (run) DO UPDATE SET first_id = min(first_id, excluded.first_id), last_id = max(last_id, excluded.last_id), events = events + excluded.events`);
    this.upsertCount = db.prepare(UPSERT_MINUTE_COUNT);
    this.eventsInSecond = db.prepare('SELECT id, event_id FROM events WHERE id BETWEEN ? AND ? ORDER BY id');
  }

  /** Opens (creating and migrating as needed) the store in `file`, or an in-memory one for ':memory:'. */
  static open(file: string, options: OpenEventStoreOptions = {}): SqliteEventStore {
    const inMemory = file === ':memory:';
    if (!inMemory) mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      // Events name users, keys and encryption contexts: nobody else's business on a shared machine.
      if (!inMemory) chmodSync(file, 0o600);
      configure(db, options.busyTimeoutMs ?? 5_000);
      migrate(db);
      return new SqliteEventStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  append(events: readonly NewEvent[], options: AppendOptions = {}): AppendResult {
    const encoded: Encoded[] = [];
    let invalid = 0;
    for (let index = 0; index < events.length; index++) {
      const event = events[index] as NewEvent;
      try {
        const e = this.encoder.encode(event.record) as Encoded;
        e.runId = event.runId;
        encoded.push(e);
      } catch (err) {
        const error = err instanceof InvalidEventError
          ? new InvalidEventError(err.message, err.path, index)
          : new InvalidEventError(`the record cannot be read: ${(err as Error).message}`, [], index);
        if (!options.onInvalid) throw error;
        invalid++;
        options.onInvalid(error);
      }
    }
    if (encoded.length === 0) return { inserted: 0, duplicates: 0, invalid };
    return { ...this.write(encoded), invalid };
  }

  lookup(query: LookupQuery): LookupPage {
    const limit = pageSize(query.maxResults);
    const range = idRange(query.startTime, query.endTime);
    const print = fingerprint([query.attribute?.key, query.attribute?.value, query.startTime, query.endTime, Boolean(query.errorsOnly), query.runId, query.region]);
    const cursor = query.nextToken === undefined ? undefined : this.tokens.open(query.nextToken, print);
    if (!range) return { events: [], nextToken: undefined };
    const hi = cursor === undefined ? range[1] : Math.min(range[1], cursor - 1);
    const plan = planLookup(query, this.lookupIndex(), range[0], hi, limit + 1);
    if (!plan || range[0] > hi) return { events: [], nextToken: undefined };
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
    const params = { per: q.minutesPerBucket, dimension: q.dimension, first: q.firstMinute, last: q.lastMinute, ...(run === undefined ? {} : { run }) };
    const rows = this.statement(run === undefined ? SELECT_BUCKETS : SELECT_BUCKETS_OF_RUN).all(params) as { bucket: number; value: number; calls: number }[];
    return rows
      .map((r) => ({ time: r.bucket * MINUTE_MS, key: this.dict.valueOf(r.value), calls: r.calls }))
      .sort((a, b) => a.time - b.time || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write(events: readonly Encoded[]): { inserted: number; duplicates: number } {
    const dict = this.dict;
    let inserted = 0;
    let duplicates = 0;
    const counter = new MinuteCounter();
    const runs = new Map<number, [number, number, number]>();
    const transaction = this.db.transaction(() => {
      for (const e of events) {
        const second = this.second(e.second);
        if (second.ids.has(e.eventId)) {
          duplicates++;
          continue;
        }
        if (second.next >= SEQ_SPAN) throw new InvalidEventError(`more than ${SEQ_SPAN} events in the second ${formatEventTime(e.second)}`, ['eventTime']);
        const id = e.second * SEQ_SPAN + second.next++;
        second.ids.add(e.eventId);
        const run = e.runId === undefined ? null : dict.idOf(e.runId);
        const name = dict.idOf(e.eventName);
        const region = dict.idOf(e.region);
        const errorCode = e.errorCode === undefined ? null : dict.idOf(e.errorCode);
        const actor = dict.idOfLike(e.actorHint, e.actor);
        if (!this.described.has(actor)) this.describeActor(actor, e.actor);
        const [first, ...more] = e.resourceNames;
        const resources = e.resources === undefined ? null : dict.idOfLike(first ?? '', e.resources);
        if (resources !== null && !this.described.has(resources)) {
          for (const type of e.resourceTypes) this.insertSetType.run(dict.idOf(type), resources);
          this.described.add(resources);
        }
        this.insertEvent.run(
          id, eventIdKey(e.eventId, this.idBuffer), e.idHash, name, dict.idOf(e.eventSource), region, e.readOnly, errorCode,
          run, actor, first === undefined ? null : dict.idOf(first), resources, e.body,
        );
        for (const arn of more) this.insertMoreResource.run(dict.idOf(arn), id);
        inserted++;
        counter.add(Math.floor(e.second / 60), run ?? 0, name, region, errorCode);
        if (run !== null) {
          const span = runs.get(run);
          if (span) {
            span[0] = Math.min(span[0], id);
            span[1] = Math.max(span[1], id);
            span[2]++;
          } else runs.set(run, [id, id, 1]);
        }
      }
      counter.writeTo(this.upsertCount);
      for (const [run, [first, last, count]] of runs) this.upsertRun.run(run, first, last, count);
    });
    try {
      transaction.immediate(); // take the write lock up front: no lock upgrade that could deadlock with another writer
      dict.commit();
      return { inserted, duplicates };
    } catch (err) {
      dict.rollback();
      this.described.clear();
      throw err;
    } finally {
      this.seconds.clear();
    }
  }

  /** Reads once per second per transaction which ids and eventIDs it holds (time-ordered ingest mostly meets empty seconds). */
  private second(second: number): SecondState {
    let state = this.seconds.get(second);
    if (!state) {
      const base = second * SEQ_SPAN;
      const rows = this.eventsInSecond.all(base, base + SEQ_SPAN - 1);
      const last = rows[rows.length - 1];
      state = { next: last ? last.id - base + 1 : 0, ids: new Set(rows.map((r) => eventIdText(r.event_id))) };
      this.seconds.set(second, state);
    }
    return state;
  }

  /** A new caller context: record whose user name and access key it carries, for Username / AccessKeyId lookups. */
  private describeActor(actor: number, json: string): void {
    const identity = (JSON.parse(json) as { userIdentity?: Parameters<typeof usernameOf>[0] }).userIdentity;
    const username = usernameOf(identity);
    const accessKeyId = typeof identity?.accessKeyId === 'string' && identity.accessKeyId ? identity.accessKeyId : undefined;
    this.insertActor.run(actor, username === undefined ? null : this.dict.idOf(username), accessKeyId === undefined ? null : this.dict.idOf(accessKeyId));
    this.described.add(actor);
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

function pageSize(maxResults: number | undefined): number {
  const n = maxResults ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw new InvalidQueryError(`a page holds 1 to ${MAX_PAGE_SIZE} events, not ${String(maxResults)}`, 'maxResults');
  return n;
}
