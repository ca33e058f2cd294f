import type Database from 'better-sqlite3';
import { InvalidEventError } from './event-store';
import { ACTOR, ERROR, ID_HASH, KEY, MORE, NAME, READ_ONLY, REGION, RESOURCE, RESOURCES, ROW, RUN, SECOND, SOURCE, type PackedBatch } from './event-batch';
import { formatEventTime } from './event-time';
import { MinuteCounter, UPSERT_MINUTE_COUNT } from './minute-counts';
import { MAX_NAMED_DUPLICATES, ObservationWriter, type ObservationWriteResult } from './observation-writer';
import { eventIdText, SEQ_SPAN } from './record-codec';
import type { StringDictionary } from './string-dictionary';

export interface WriteResult {
  inserted: number;
  duplicates: number;
  /** The eventIDs of the first few duplicates, to name them in a report. */
  duplicateIds: string[];
  /** The batch's client-side observations. */
  observations: ObservationWriteResult;
}

/** Dictionary ids remembered as described, at most. */
const MAX_DESCRIBED = 200_000;

const NOTHING_WRITTEN: WriteResult = { inserted: 0, duplicates: 0, duplicateIds: [], observations: { inserted: 0, duplicates: 0, duplicateIds: [] } };

/** Per second touched by a write transaction: the next free sequence number and the eventIDs stored in it. */
interface SecondState {
  next: number;
  ids: Set<string>;
}

/**
 * Writes PackedBatches, each in one transaction: the SQLite half of ingest, run by the store's own
 * connection (append) or by a worker thread's (store-writer-worker.ts). Only SQLite work is left
 * here; encoding happened in event-batch.ts.
 */
export class BatchWriter {
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
  private readonly lastId: Database.Statement<[], { id: number | null }>;
  private readonly eventsInSecond: Database.Statement<[number, number], { id: number; event_id: Buffer | string }>;
  private readonly observationWriter: ObservationWriter;
  private readonly transaction: Database.Transaction<(batches: readonly PackedBatch[]) => WriteResult[]>;
  /** The newest second already stored when the transaction began: later seconds need no lookup. */
  private lastStoredSecond = -1;

  constructor(db: Database.Database, private readonly dict: StringDictionary) {
    this.insertEvent = db.prepare(`INSERT INTO events
      (id, event_id, id_hash, event_name, event_source, region, read_only, error_code, run_id, actor, resource, resources, body)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertMoreResource = db.prepare('INSERT OR IGNORE INTO more_resources (value, event) VALUES (?, ?)');
    this.insertSetType = db.prepare('INSERT OR IGNORE INTO resource_set_types (type, resources) VALUES (?, ?)');
    this.insertActor = db.prepare('INSERT OR IGNORE INTO actors (actor, username, access_key_id) VALUES (?, ?, ?)');
    this.upsertRun = db.prepare(`INSERT INTO runs (run, first_id, last_id, events) VALUES (?, ?, ?, ?)
      ON CONFLICT (run) DO UPDATE SET first_id = min(first_id, excluded.first_id), last_id = max(last_id, excluded.last_id), events = events + excluded.events`);
    this.upsertCount = db.prepare(UPSERT_MINUTE_COUNT);
    this.lastId = db.prepare('SELECT max(id) AS id FROM events');
    this.eventsInSecond = db.prepare('SELECT id, event_id FROM events WHERE id BETWEEN ? AND ? ORDER BY id');
    this.observationWriter = new ObservationWriter(db);
    this.transaction = db.transaction((batches: readonly PackedBatch[]) => {
      const last = this.lastId.get()?.id;
      this.lastStoredSecond = last === null || last === undefined ? -1 : Math.floor(last / SEQ_SPAN);
      return batches.map((batch) => this.writeRows(batch));
    });
  }

  /**
   * Writes the batches in one transaction, all or nothing, and says per batch what was stored; an
   * event whose eventID its second already holds is skipped as a duplicate. Several batches in one
   * transaction cost less than one each: every transaction rewrites the last page of each index
   * value it touches (measured: ~0.8 µs a row less at 20,000 rows than at 5,000).
   */
  write(batches: readonly PackedBatch[]): WriteResult[] {
    if (batches.every((b) => b.count === 0 && b.observations.length === 0)) return batches.map(() => NOTHING_WRITTEN);
    try {
      // Take the write lock up front: no lock upgrade that could deadlock with another writer.
      const results = this.transaction.immediate(batches);
      this.dict.commit();
      return results;
    } catch (err) {
      this.dict.rollback();
      this.described.clear();
      throw err;
    } finally {
      this.seconds.clear();
    }
  }

  private writeRows(batch: PackedBatch): WriteResult {
    const { rows, strings, eventIds, keys, bodies, more } = batch;
    const dict = this.dict;
    // Dictionary ids of the batch's strings, looked up when first used (ids start at 1).
    const ids = new Float64Array(strings.length);
    const idOf = (i: number): number => (ids[i] as number) || (ids[i] = dict.idOf(strings[i] as string));
    const people = new Map<number, number>();
    for (let i = 0; i < batch.actors.length; i += 3) people.set(batch.actors[i] as number, i);
    const counter = new MinuteCounter();
    const runs = new Map<number, [number, number, number]>();
    let inserted = 0;
    let duplicates = 0;
    const duplicateIds: string[] = [];
    let moreAt = 0;
    let state: SecondState | undefined;
    let stateSecond = -1;
    for (let r = 0; r < batch.count; r++) {
      const at = r * ROW;
      const extra = rows[at + MORE] as number;
      const second = rows[at + SECOND] as number;
      if (second !== stateSecond || !state) {
        state = this.second(second);
        stateSecond = second;
      }
      const eventId = eventIds[r] as string;
      if (state.ids.has(eventId)) {
        duplicates++;
        if (duplicateIds.length < MAX_NAMED_DUPLICATES) duplicateIds.push(eventId);
        moreAt += extra;
        continue;
      }
      if (state.next >= SEQ_SPAN) throw new InvalidEventError(`more than ${SEQ_SPAN} events in the second ${formatEventTime(second)}`, ['eventTime']);
      const id = second * SEQ_SPAN + state.next++;
      state.ids.add(eventId);
      const run = (rows[at + RUN] as number) < 0 ? null : idOf(rows[at + RUN] as number);
      const name = idOf(rows[at + NAME] as number);
      const region = idOf(rows[at + REGION] as number);
      const errorCode = (rows[at + ERROR] as number) < 0 ? null : idOf(rows[at + ERROR] as number);
      const actor = idOf(rows[at + ACTOR] as number);
      if (!this.described.has(actor)) this.describeActor(batch, actor, people.get(rows[at + ACTOR] as number), idOf);
      const resources = (rows[at + RESOURCES] as number) < 0 ? null : idOf(rows[at + RESOURCES] as number);
      if (resources !== null && !this.described.has(resources)) this.describeResources(batch, rows[at + RESOURCES] as number, resources, idOf);
      const readOnly = rows[at + READ_ONLY] as number;
      let key: Buffer | string = eventId;
      if (rows[at + KEY] === 1) {
        key = this.idBuffer;
        for (let b = 0, k = r * 16; b < 16; b++, k++) key[b] = keys[k] as number;
      }
      this.insertEvent.run(
        id, key, rows[at + ID_HASH], name, idOf(rows[at + SOURCE] as number), region, readOnly < 0 ? null : readOnly,
        errorCode, run, actor, (rows[at + RESOURCE] as number) < 0 ? null : idOf(rows[at + RESOURCE] as number), resources, bodies[r],
      );
      for (let m = 0; m < extra; m++) this.insertMoreResource.run(idOf(more[moreAt++] as number), id);
      inserted++;
      counter.add(Math.floor(second / 60), run ?? 0, name, region, errorCode);
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
    for (const [run, [first, lastOfRun, count]] of runs) this.upsertRun.run(run, first, lastOfRun, count);
    const observations = this.observationWriter.write(batch.observations, (value) => dict.idOf(value));
    return { inserted, duplicates, duplicateIds, observations };
  }

  /**
   * Which ids and eventIDs a second holds, read once per second per transaction. Seconds after the
   * newest stored one are empty: time-ordered ingest reads almost nothing.
   */
  private second(second: number): SecondState {
    let state = this.seconds.get(second);
    if (!state) {
      if (second > this.lastStoredSecond) state = { next: 0, ids: new Set() };
      else {
        const base = second * SEQ_SPAN;
        const rows = this.eventsInSecond.all(base, base + SEQ_SPAN - 1);
        const last = rows[rows.length - 1];
        state = { next: last ? last.id - base + 1 : 0, ids: new Set(rows.map((r) => eventIdText(r.event_id))) };
      }
      this.seconds.set(second, state);
    }
    return state;
  }

  /** A new caller context: record whose user name and access key it carries, for Username / AccessKeyId lookups. */
  private describeActor(batch: PackedBatch, actor: number, at: number | undefined, idOf: (i: number) => number): void {
    const username = at === undefined ? -1 : (batch.actors[at + 1] as number);
    const accessKeyId = at === undefined ? -1 : (batch.actors[at + 2] as number);
    this.insertActor.run(actor, username < 0 ? null : idOf(username), accessKeyId < 0 ? null : idOf(accessKeyId));
    this.remember(actor);
  }

  /** A new resources array: record which resource types it holds, for ResourceType lookups. */
  private describeResources(batch: PackedBatch, index: number, resources: number, idOf: (i: number) => number): void {
    const types = batch.resourceTypes;
    for (let i = 0; i < types.length; i += 2) if (types[i] === index) this.insertSetType.run(idOf(types[i + 1] as number), resources);
    this.remember(resources);
  }

  /** Bounded like the dictionary's cache (every caller of an import may be new): forgetting only costs an INSERT OR IGNORE. */
  private remember(id: number): void {
    if (this.described.size >= MAX_DESCRIBED) this.described.clear();
    this.described.add(id);
  }
}
