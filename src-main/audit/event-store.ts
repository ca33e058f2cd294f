import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { NewObservation, StoredObservation } from './observation-codec';
import type { ObservationDimension } from './observation-schema';

export type { NewObservation, StoredObservation, ObservationDimension };

/**
 * The event store: one CloudTrail record per KMS call, with the lookups the CloudTrail console
 * offers, errors, and per-minute aggregates. Callers see this interface only; better-sqlite3 sits
 * behind it (sqlite-event-store.ts), `:memory:` in fast tests and a file otherwise.
 * Times are milliseconds since the epoch; the store keeps them to the second, as CloudTrail does.
 */
export interface EventStore {
  /**
   * Stores events in one transaction, all or nothing. An event whose eventID is already stored is
   * skipped and counted as a duplicate — found among the events of its own second, since a
   * re-delivered or re-imported CloudTrail event always carries its original eventTime. An event
   * that cannot be stored throws InvalidEventError (nothing stored) unless `onInvalid` is given,
   * which then hears about it while the rest is stored. Client-side observations given in
   * `options.observations` go to their own table in the same transaction (an observation id already
   * stored is a duplicate too).
   */
  append(events: readonly NewEvent[], options?: AppendOptions): AppendResult;
  /** CloudTrail-console lookup: newest first, at most one attribute, an opaque paging token. */
  lookup(query: LookupQuery): LookupPage;
  /** Calls per time bucket (a whole number of minutes) by operation, region or error code. */
  aggregate(query: AggregateQuery): AggregateRow[];
  /** Oldest first, in pages, for exports: pass `after` the previous page's `next`. */
  scan(query: ScanQuery): ScanPage;
  /** CloudTrail records stored. */
  count(): number;
  /**
   * What the store holds of one drill run: how many CloudTrail records, and the eventTime of the
   * latest (ms, to the second). Undefined when it holds none. Counted from the store, so it is right
   * for a run whose process died before the run record summed it up.
   */
  runRecords(runId: string): { records: number; lastEventTime: number } | undefined;
  /**
   * Client-side observations (calls that never reached KMS), a page at a time: never CloudTrail
   * records, so never in lookup(), scan(), aggregate() or an export.
   */
  observations(query: ObservationQuery): ObservationPage;
  /** Observations per time bucket (a whole number of minutes) by operation, region, error code or cause. */
  observationCounts(query: ObservationCountQuery): AggregateRow[];
  /** Observations stored, of one run or of all. */
  countObservations(runId?: string): number;
  close(): void;
}

export interface NewEvent {
  record: CloudTrailRecord;
  /** The drill run the call belongs to; undefined for imported or ad-hoc events. */
  runId?: string | undefined;
}

export interface AppendOptions {
  onInvalid?: (error: InvalidEventError) => void;
  /** Client-side observations to store in the same transaction. */
  observations?: readonly NewObservation[] | undefined;
}

export interface AppendResult {
  inserted: number;
  duplicates: number;
  /** Events and observations refused (see InvalidEventError). */
  invalid: number;
  /** The eventIDs of the first few duplicates. */
  duplicateIds: string[];
  observations: { inserted: number; duplicates: number; duplicateIds: string[] };
}

export interface StoredEvent {
  record: CloudTrailRecord;
  runId: string | undefined;
}

/** The lookup attributes of CloudTrail's LookupEvents, spelled as AWS spells them. */
export const LOOKUP_ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
export type LookupAttributeKey = (typeof LOOKUP_ATTRIBUTE_KEYS)[number];

export interface LookupQuery {
  attribute?: { key: LookupAttributeKey; value: string } | undefined;
  /** Inclusive bounds in ms; either may be left open. */
  startTime?: number | undefined;
  endTime?: number | undefined;
  errorsOnly?: boolean | undefined;
  runId?: string | undefined;
  /** Only events of this AWS region (CloudTrail answers LookupEvents per region). */
  region?: string | undefined;
  /**
   * Only records delivered to this account (`recipientAccountId`): LookupEvents answers a caller
   * the event history of its own account, never another's.
   */
  recipientAccount?: string | undefined;
  /** 1 to MAX_PAGE_SIZE; default 50. */
  maxResults?: number | undefined;
  /** Newest first (CloudTrail's order, the default) or oldest first. */
  order?: 'newest' | 'oldest' | undefined;
  /** From a previous page of the same query. */
  nextToken?: string | undefined;
}

export interface LookupPage {
  events: StoredEvent[];
  /** Present when more events match. */
  nextToken: string | undefined;
}

export const AGGREGATE_DIMENSIONS = ['eventName', 'region', 'errorCode'] as const;
export type AggregateDimension = (typeof AGGREGATE_DIMENSIONS)[number];

export interface AggregateQuery {
  by: AggregateDimension;
  startTime: number;
  endTime: number;
  /** A whole number of minutes, in ms; default one minute. */
  bucketMs?: number | undefined;
  runId?: string | undefined;
  /** The lookup filters a chart follows beside time and run: only the calls that match them are counted. */
  attribute?: LookupQuery['attribute'];
  errorsOnly?: boolean | undefined;
  region?: string | undefined;
  /**
   * Calls only, as a drill's totals count them: without the records AWS writes for what it does on
   * its own (eventType AwsServiceEvent — KMS rotating a key on schedule, deleting one at the end of
   * its waiting period) and without the key owner's copies of calls made from another account.
   */
  callsOnly?: boolean | undefined;
}

/** Calls in the bucket starting at `time` whose operation, region or error code is `key`. Successful calls have no error-code row. */
export interface AggregateRow {
  time: number;
  key: string;
  calls: number;
}

export interface ScanQuery {
  after?: number | undefined;
  limit?: number | undefined;
  runId?: string | undefined;
  startTime?: number | undefined;
  endTime?: number | undefined;
}

export interface ScanPage {
  events: StoredEvent[];
  /** Pass as `after` for the next page; undefined when this was the last. */
  next: number | undefined;
}

export interface ObservationQuery {
  /** One observation by its id (a drill's evidence cites observations by id). */
  observationId?: string | undefined;
  runId?: string | undefined;
  /** Inclusive bounds in ms; either may be left open. */
  startTime?: number | undefined;
  endTime?: number | undefined;
  region?: string | undefined;
  /** Newest first (the default) or oldest first. */
  order?: 'newest' | 'oldest' | undefined;
  /** 1 to MAX_PAGE_SIZE; default 50. */
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

export interface ObservationPage {
  observations: StoredObservation[];
  nextToken: string | undefined;
}

export interface ObservationCountQuery {
  by: ObservationDimension;
  startTime: number;
  endTime: number;
  /** A whole number of minutes, in ms; default one minute. */
  bucketMs?: number | undefined;
  runId?: string | undefined;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 10_000;
export const MINUTE_MS = 60_000;

/** An event the store cannot hold, naming the field: e.g. a time outside 1970–2106 or a plaintext field. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
  constructor(
    message: string,
    /** Where in the record, as a zod-style path (e.g. ['eventTime']). */
    readonly path: readonly (string | number)[],
    /** Position in the batch given to append(), when known. */
    readonly index?: number,
  ) {
    super(message);
  }

  /** "field: what is wrong", the field named once: most messages already begin with it ("eventTime 2026-02-30… is not a calendar time"). */
  get placed(): string {
    const field = this.path.join('.');
    return field && !this.message.startsWith(`${field} `) ? `${field}: ${this.message}` : this.message;
  }
}

/** A query the store refuses: a paging token that was altered or belongs to another query, a bad bucket size. */
export class InvalidQueryError extends Error {
  override name = 'InvalidQueryError';
  constructor(message: string, readonly field: 'nextToken' | 'maxResults' | 'timeRange' | 'bucketMs' | 'attribute') {
    super(message);
  }
}
