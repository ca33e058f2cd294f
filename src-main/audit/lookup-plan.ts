import { InvalidQueryError, LOOKUP_ATTRIBUTE_KEYS, type LookupQuery } from './event-store';
import { MAX_EPOCH_SECONDS } from './event-time';
import { eventIdHash, eventIdKey, SEQ_SPAN } from './record-codec';
import { KMS_EVENT_SOURCE_ID, LAST_BULK_ID, OTHER_SOURCE, RARE_NAME } from './store-schema';

/**
 * Turns a console lookup into one SQL statement that walks an index (or the table) backwards from
 * the newest matching event. Index entries are (value, rowid) and rowids are time-ordered, so
 * "newest first within a time range" needs no sort. Values most events share (ReadOnly=true, the
 * KMS event source, Decrypt) walk the table itself, which finds a page within a few rows. Filters
 * without an index of their own (region, run, errors beside an attribute) are checked on the way.
 */
export interface LookupPlan {
  sql: string;
  params: unknown[];
}

/** What planning needs from the store; `find` never adds to the dictionary. */
export interface LookupIndex {
  find(value: string): number | undefined;
  actorsBy(column: 'username' | 'access_key_id', value: number): number[];
  runSpan(run: number): [number, number] | undefined;
}

export const EVENT_COLUMNS = 'e.id, e.event_id, e.event_name, e.event_source, e.region, e.read_only, e.error_code, e.run_id, e.actor, e.resources, e.body';

/** Above this many caller contexts per user, merging one index walk per context costs more than walking the table. */
const MAX_MERGED_WALKS = 32;

/** The rowid range of a time range in ms, inclusive, at one-second resolution; undefined if empty. */
export function idRange(startTime: number | undefined, endTime: number | undefined): [number, number] | undefined {
  for (const [name, t] of [['start', startTime], ['end', endTime]] as const) {
    if (t !== undefined && !Number.isFinite(t)) throw new InvalidQueryError(`the ${name} time must be a finite number of milliseconds`, 'timeRange');
  }
  if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
    throw new InvalidQueryError('the start time must not be later than the end time', 'timeRange');
  }
  const first = Math.max(0, startTime === undefined ? 0 : Math.ceil(startTime / 1000));
  const last = Math.min(MAX_EPOCH_SECONDS, endTime === undefined ? MAX_EPOCH_SECONDS : Math.floor(endTime / 1000));
  if (first > last) return undefined;
  return [first * SEQ_SPAN, (last + 1) * SEQ_SPAN - 1];
}

interface Narrowed {
  filters: string[];
  params: unknown[];
  lo: number;
  hi: number;
}

/** The filters without an index of their own: the run (whose id range also narrows lo..hi), region, errors. */
function narrow(query: Pick<LookupQuery, 'runId' | 'region' | 'errorsOnly' | 'recipientAccount'>, index: LookupIndex, lo: number, hi: number): Narrowed | undefined {
  const filters: string[] = [];
  const params: unknown[] = [];
  if (query.runId !== undefined) {
    const run = index.find(query.runId);
    const span = run === undefined ? undefined : index.runSpan(run);
    if (run === undefined || !span) return undefined;
    [lo, hi] = [Math.max(lo, span[0]), Math.min(hi, span[1])];
    filters.push('e.run_id = ?');
    params.push(run);
  }
  if (query.region !== undefined) {
    const region = index.find(query.region);
    if (region === undefined) return undefined;
    filters.push('e.region = ?');
    params.push(region);
  }
  if (query.errorsOnly) filters.push('e.error_code IS NOT NULL');
  if (query.recipientAccount !== undefined) {
    // The account a record was delivered to is a caller field, kept in its actor (record-codec.ts):
    // the few actors of that account, found once per statement. A record without one (an import of
    // a trimmed record) belongs to its caller's account, where CloudTrail writes a call by default.
    filters.push(`e.actor IN (SELECT a.actor FROM actors a JOIN dict d ON d.id = a.actor
      WHERE CASE WHEN json_valid(d.value) THEN coalesce(json_extract(d.value, '$.recipientAccountId'), json_extract(d.value, '$.userIdentity.accountId')) END = ?)`);
    params.push(query.recipientAccount);
  }
  return lo > hi ? undefined : { filters, params, lo, hi };
}

/** How to find one attribute's events: one walk (a table or index, with conditions), or several index walks to merge. */
type AttributeMatch =
  | { from: string; conditions: string[]; params: unknown[] }
  | { merged: { from: string; condition: string; param: number; position: string }[]; all: { condition: string; params: unknown[] } };

function attributeMatch(attribute: NonNullable<LookupQuery['attribute']>, index: LookupIndex): AttributeMatch | undefined {
  if (!LOOKUP_ATTRIBUTE_KEYS.includes(attribute.key)) {
    throw new InvalidQueryError(`unknown lookup attribute '${String(attribute.key)}'; use one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}`, 'attribute');
  }
  const value = attribute.value;
  if (attribute.key === 'EventId') {
    const hash = eventIdHash(value);
    return { from: 'events e INDEXED BY events_by_event_id', conditions: ['(e.id_hash & 63) = ?', 'e.id_hash = ?', 'e.event_id = ?'], params: [hash & 63, hash, eventIdKey(value)] };
  }
  if (attribute.key === 'ReadOnly') {
    if (value !== 'true' && value !== 'false') throw new InvalidQueryError(`ReadOnly must be 'true' or 'false', not '${value}'`, 'attribute');
    return value === 'true' ? { from: 'events e NOT INDEXED', conditions: ['e.read_only = 1'], params: [] } : { from: 'events e INDEXED BY events_writes', conditions: ['e.read_only = 0'], params: [] };
  }
  const id = index.find(value);
  if (id === undefined) return undefined;
  switch (attribute.key) {
    case 'EventName':
      return id > LAST_BULK_ID ? { from: 'events e INDEXED BY events_by_rare_name', conditions: ['e.event_name = ?', RARE_NAME], params: [id] } : { from: 'events e NOT INDEXED', conditions: ['e.event_name = ?'], params: [id] };
    case 'EventSource':
      return id === KMS_EVENT_SOURCE_ID ? { from: 'events e NOT INDEXED', conditions: ['e.event_source = ?'], params: [id] } : { from: 'events e INDEXED BY events_other_sources', conditions: ['e.event_source = ?', OTHER_SOURCE], params: [id] };
    case 'ResourceType':
      return { from: 'events e NOT INDEXED', conditions: ['e.resources IN (SELECT resources FROM resource_set_types WHERE type = ?)'], params: [id] };
    case 'ResourceName':
      return {
        merged: [
          { from: 'events e INDEXED BY events_by_resource', condition: 'e.resource = ?', param: id, position: 'e.id' },
          { from: 'more_resources m JOIN events e ON e.id = m.event', condition: 'm.value = ?', param: id, position: 'm.event' },
        ],
        all: { condition: 'e.id IN (SELECT id FROM events WHERE resource = ? UNION ALL SELECT event FROM more_resources WHERE value = ?)', params: [id, id] },
      };
    default: {
      const column = attribute.key === 'Username' ? 'username' : 'access_key_id';
      const actors = index.actorsBy(column, id);
      if (actors.length === 0) return undefined;
      const all = { condition: `e.actor IN (SELECT actor FROM actors WHERE ${column} = ?)`, params: [id] };
      if (actors.length > MAX_MERGED_WALKS) return { from: 'events e NOT INDEXED', conditions: [all.condition], params: all.params };
      return { merged: actors.map((actor) => ({ from: 'events e INDEXED BY events_by_actor', condition: 'e.actor = ?', param: actor, position: 'e.id' })), all };
    }
  }
}

/** Undefined when the query cannot match anything (a value or run never stored). Newest first unless `order` is 'oldest'. */
export function planLookup(query: LookupQuery, index: LookupIndex, lo: number, hi: number, limit: number): LookupPlan | undefined {
  const n = narrow(query, index, lo, hi);
  if (!n) return undefined;
  const { filters, params: filterParams } = n;
  const dir = query.order === 'oldest' ? 'ASC' : 'DESC';
  const walk = (from: string, conditions: string[], params: unknown[]): LookupPlan => ({
    sql: `SELECT ${EVENT_COLUMNS} FROM ${from} WHERE ${[...conditions, ...filters, 'e.id BETWEEN ? AND ?'].join(' AND ')} ORDER BY e.id ${dir} LIMIT ?`,
    params: [...params, ...filterParams, n.lo, n.hi, limit],
  });
  if (!query.attribute) {
    if (query.errorsOnly) return walk('events e INDEXED BY events_errors', [], []);
    return walk('events e', [], []);
  }
  const match = attributeMatch(query.attribute, index);
  if (!match) return undefined;
  if ('from' in match) return walk(match.from, match.conditions, match.params);
  // In order across several index walks, each at most a page: merged, then cut to a page.
  const where = filters.length ? ` AND ${filters.join(' AND ')}` : '';
  const parts = match.merged.map((w) => `SELECT id FROM (SELECT e.id FROM ${w.from} WHERE ${w.condition}${where} AND ${w.position} BETWEEN ? AND ? ORDER BY ${w.position} ${dir} LIMIT ?)`);
  return {
    sql: `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id IN (${parts.join(' UNION ALL ')}) ORDER BY e.id ${dir} LIMIT ?`,
    params: [...match.merged.flatMap((w) => [w.param, ...filterParams, n.lo, n.hi, limit]), limit],
  };
}

/** The column each aggregate dimension counts by. */
const DIMENSION_COLUMN = { eventName: 'e.event_name', region: 'e.region', errorCode: 'e.error_code' } as const;

/**
 * Which callers' events to count: only those of these actors (walked through their index), or all
 * but theirs. A JSON array parameter, so the statement stays the same as the list grows.
 */
export type ActorFilter = { only: readonly number[] } | { except: readonly number[] };

/**
 * Calls per bucket of the events a lookup would find (any attribute, errors only, region, run),
 * grouped by operation, region or error code: `bucketIds` is the bucket's length in rowids, so a
 * bucket is a rowid range. Undefined when nothing can match.
 */
export function planAggregate(
  query: Pick<LookupQuery, 'attribute' | 'runId' | 'region' | 'errorsOnly'>, by: keyof typeof DIMENSION_COLUMN, index: LookupIndex, lo: number, hi: number, bucketIds: number,
  actors?: ActorFilter,
): LookupPlan | undefined {
  const n = narrow(query, index, lo, hi);
  if (!n) return undefined;
  const match = query.attribute ? attributeMatch(query.attribute, index) : { from: query.errorsOnly ? 'events e INDEXED BY events_errors' : 'events e', conditions: [], params: [] };
  if (!match) return undefined;
  const column = DIMENSION_COLUMN[by];
  let [from, conditions, params] = 'from' in match ? [match.from, match.conditions, match.params] : ['events e', [match.all.condition], match.all.params];
  if (actors && 'only' in actors) {
    if (actors.only.length === 0) return undefined;
    // A few actors' events, each a rowid range of the index: the attribute, if any, is checked on the way.
    [from, conditions, params] = ['events e INDEXED BY events_by_actor', ['e.actor IN (SELECT value FROM json_each(?))', ...conditions], [JSON.stringify(actors.only), ...params]];
  } else if (actors && actors.except.length > 0) {
    [conditions, params] = [[...conditions, 'e.actor NOT IN (SELECT value FROM json_each(?))'], [...params, JSON.stringify(actors.except)]];
  }
  const where = [...conditions, ...n.filters, 'e.id BETWEEN ? AND ?', ...(by === 'errorCode' ? ['e.error_code IS NOT NULL'] : [])];
  // `%` works on integers; better-sqlite3 binds numbers as REAL, so `/` would not round down.
  return {
    sql: `SELECT e.id - e.id % ? AS bucket, ${column} AS value, count(*) AS calls FROM ${from} WHERE ${where.join(' AND ')} GROUP BY bucket, value`,
    params: [bucketIds, ...params, ...n.params, n.lo, n.hi],
  };
}
