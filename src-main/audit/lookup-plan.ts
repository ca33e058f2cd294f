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

/** Undefined when the query cannot match anything (a value or run never stored). */
export function planLookup(query: LookupQuery, index: LookupIndex, lo: number, hi: number, limit: number): LookupPlan | undefined {
  const filters: string[] = [];
  const filterParams: unknown[] = [];
  if (query.runId !== undefined) {
    const run = index.find(query.runId);
    const span = run === undefined ? undefined : index.runSpan(run);
    if (run === undefined || !span) return undefined;
    [lo, hi] = [Math.max(lo, span[0]), Math.min(hi, span[1])];
    filters.push('e.run_id = ?');
    filterParams.push(run);
  }
  if (query.region !== undefined) {
    const region = index.find(query.region);
    if (region === undefined) return undefined;
    filters.push('e.region = ?');
    filterParams.push(region);
  }
  if (query.errorsOnly) filters.push('e.error_code IS NOT NULL');
  if (lo > hi) return undefined;

  const walk = (from: string, conditions: string[], params: unknown[]): LookupPlan => ({
    sql: `SELECT ${EVENT_COLUMNS} FROM ${from} WHERE ${[...conditions, ...filters, 'e.id BETWEEN ? AND ?'].join(' AND ')} ORDER BY e.id DESC LIMIT ?`,
    params: [...params, ...filterParams, lo, hi, limit],
  });
  /** Newest first across several index walks, each at most a page: merged, then cut to a page. */
  const merge = (walks: { from: string; condition: string; param: number; position: string }[]): LookupPlan => {
    const where = filters.length ? ` AND ${filters.join(' AND ')}` : '';
    const parts = walks.map((w) => `SELECT id FROM (SELECT e.id FROM ${w.from} WHERE ${w.condition}${where} AND ${w.position} BETWEEN ? AND ? ORDER BY ${w.position} DESC LIMIT ?)`);
    return {
      sql: `SELECT ${EVENT_COLUMNS} FROM events e WHERE e.id IN (${parts.join(' UNION ALL ')}) ORDER BY e.id DESC LIMIT ?`,
      params: [...walks.flatMap((w) => [w.param, ...filterParams, lo, hi, limit]), limit],
    };
  };

  const attribute = query.attribute;
  if (!attribute) {
    if (query.errorsOnly) return walk('events e INDEXED BY events_errors', [], []);
    return walk('events e', [], []);
  }
  if (!LOOKUP_ATTRIBUTE_KEYS.includes(attribute.key)) {
    throw new InvalidQueryError(`unknown lookup attribute '${String(attribute.key)}'; use one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}`, 'attribute');
  }
  const value = attribute.value;
  if (attribute.key === 'EventId') {
    const hash = eventIdHash(value);
    return walk('events e INDEXED BY events_by_event_id', ['(e.id_hash & 63) = ?', 'e.id_hash = ?', 'e.event_id = ?'], [hash & 63, hash, eventIdKey(value)]);
  }
  if (attribute.key === 'ReadOnly') {
    if (value !== 'true' && value !== 'false') throw new InvalidQueryError(`ReadOnly must be 'true' or 'false', not '${value}'`, 'attribute');
    return value === 'true' ? walk('events e NOT INDEXED', ['e.read_only = 1'], []) : walk('events e INDEXED BY events_writes', ['e.read_only = 0'], []);
  }
  const id = index.find(value);
  if (id === undefined) return undefined;
  switch (attribute.key) {
    case 'EventName':
      return id > LAST_BULK_ID ? walk('events e INDEXED BY events_by_rare_name', ['e.event_name = ?', RARE_NAME], [id]) : walk('events e NOT INDEXED', ['e.event_name = ?'], [id]);
    case 'EventSource':
      return id === KMS_EVENT_SOURCE_ID ? walk('events e NOT INDEXED', ['e.event_source = ?'], [id]) : walk('events e INDEXED BY events_other_sources', ['e.event_source = ?', OTHER_SOURCE], [id]);
    case 'ResourceType':
      return walk('events e NOT INDEXED', ['e.resources IN (SELECT resources FROM resource_set_types WHERE type = ?)'], [id]);
    case 'ResourceName':
      return merge([
        { from: 'events e INDEXED BY events_by_resource', condition: 'e.resource = ?', param: id, position: 'e.id' },
        { from: 'more_resources m JOIN events e ON e.id = m.event', condition: 'm.value = ?', param: id, position: 'm.event' },
      ]);
    default: {
      const column = attribute.key === 'Username' ? 'username' : 'access_key_id';
      const actors = index.actorsBy(column, id);
      if (actors.length === 0) return undefined;
      if (actors.length > MAX_MERGED_WALKS) return walk('events e NOT INDEXED', [`e.actor IN (SELECT actor FROM actors WHERE ${column} = ?)`], [id]);
      return merge(actors.map((actor) => ({ from: 'events e INDEXED BY events_by_actor', condition: 'e.actor = ?', param: actor, position: 'e.id' })));
    }
  }
}
