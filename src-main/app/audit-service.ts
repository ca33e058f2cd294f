import type {
  AggregateQuery, AggregateResult, AuditEvent, AuditPage, AuditQuery, AuditRow, ObservationAggregateQuery, ObservationPage, ObservationQuery,
} from '../../src-shared/api';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidQueryError, MINUTE_MS, type AggregateRow, type EventStore, type StoredEvent } from '../audit/event-store';
import { usernameOf } from '../audit/record-codec';
import { isKeyOwnerCopy } from '../kms/cloudtrail-cross-account';
import { AppError } from './app-error';
import { slicedAggregate } from './sliced-aggregate';

/**
 * The CloudTrail event history as the Audit page asks for it: console lookups a page at a time,
 * per-bucket aggregates, and one event's full record; and apart from them, the client-side
 * observations of calls that never reached KMS, with their own per-bucket counts. A query the store
 * refuses (an altered paging token, an impossible range) is the caller's bad request.
 */
export class AuditService {
  constructor(private readonly store: () => EventStore) {}

  lookup(query: AuditQuery): AuditPage {
    const page = this.guard(() => this.store().lookup({
      attribute: query.attribute,
      startTime: time(query.startTime),
      endTime: time(query.endTime),
      errorsOnly: query.errorsOnly,
      runId: query.runId,
      region: query.region,
      maxResults: query.maxResults ?? 200,
      order: query.order,
      nextToken: query.nextToken,
    }));
    return { events: page.events.map(toRow), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  /**
   * Counted a slice of buckets at a time, so a long count does not hold up the window's other calls
   * (sliced-aggregate.ts); stopped between slices once `signal` says nobody waits for it any more.
   */
  async aggregate(query: AggregateQuery, signal?: AbortSignal): Promise<AggregateResult> {
    const rows = await slicedAggregate((q) => this.guard(() => this.store().aggregate(q)), {
      by: query.by,
      startTime: Date.parse(query.startTime),
      endTime: Date.parse(query.endTime),
      bucketMs: (query.bucketMinutes ?? 1) * MINUTE_MS,
      runId: query.runId,
      attribute: query.attribute,
      errorsOnly: query.errorsOnly,
      region: query.region,
      callsOnly: query.callsOnly,
    }, { signal });
    return aggregateResult(rows);
  }

  /**
   * The record with this eventID; given the eventTime of the row it was picked from, the one of that
   * second: the store skips a second copy of a record only within its second, so an import may hold
   * another record under the same eventID at another time, and the row picked is the one meant.
   */
  event(eventId: string, eventTime?: string): AuditEvent {
    const second = eventTime === undefined ? undefined : Math.floor(Date.parse(eventTime) / 1000) * 1000;
    const within = second === undefined ? {} : { startTime: second, endTime: second + 999 };
    const found = this.guard(() => this.store().lookup({ attribute: { key: 'EventId', value: eventId }, ...within, maxResults: 1 })).events[0];
    if (!found) throw new AppError('not-found', `No event ${eventId} in the event store.`);
    return { record: found.record, runId: found.runId ?? null };
  }

  /** Calls that never reached KMS, newest first (unless asked otherwise), 200 a page by default. */
  observations(query: ObservationQuery): ObservationPage {
    const page = this.guard(() => this.store().observations({
      observationId: query.observationId,
      runId: query.runId,
      startTime: time(query.startTime),
      endTime: time(query.endTime),
      region: query.region,
      maxResults: query.maxResults ?? 200,
      order: query.order,
      nextToken: query.nextToken,
    }));
    return {
      observations: page.observations.map((o) => ({ ...o.observation, runId: o.runId ?? null })),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  observationAggregate(query: ObservationAggregateQuery): AggregateResult {
    const rows = this.guard(() => this.store().observationCounts({
      by: query.by,
      startTime: Date.parse(query.startTime),
      endTime: Date.parse(query.endTime),
      bucketMs: (query.bucketMinutes ?? 1) * MINUTE_MS,
      runId: query.runId,
    }));
    return aggregateResult(rows);
  }

  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (err) {
      if (err instanceof InvalidQueryError) throw new AppError('bad-request', err.message);
      throw err;
    }
  }
}

const time = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

const aggregateResult = (rows: AggregateRow[]): AggregateResult => ({ rows: rows.map((r) => ({ time: new Date(r.time).toISOString(), key: r.key, calls: r.calls })) });

function toRow(e: StoredEvent): AuditRow {
  const r = e.record;
  return {
    eventId: r.eventID,
    eventTime: r.eventTime,
    eventName: r.eventName,
    region: r.awsRegion,
    username: username(r),
    resource: resource(r),
    errorCode: r.errorCode ?? null,
    encryptionContext: context(r),
    readOnly: r.readOnly ?? null,
    runId: e.runId ?? null,
    account: r.recipientAccountId ?? null,
    keyOwnerCopy: isKeyOwnerCopy(r),
  };
}

/**
 * What the CloudTrail console shows as "User name": the name LookupEvents filters on (usernameOf: the
 * IAM user, the role session, "root", the invoking service), so the column and the User name filter
 * agree; else the ARN's last part or the identity's type.
 */
function username(r: CloudTrailRecord): string {
  const id = r.userIdentity;
  const arn = id.arn ?? '';
  return usernameOf(id) ?? (arn.slice(arn.lastIndexOf('/') + 1) || id.type || '');
}

function resource(r: CloudTrailRecord): string {
  const keyId = r.requestParameters?.keyId;
  if (typeof keyId === 'string') return keyId;
  return r.resources?.[0]?.ARN ?? '';
}

function context(r: CloudTrailRecord): Record<string, string> | null {
  const ctx = r.requestParameters?.encryptionContext;
  if (!ctx || typeof ctx !== 'object' || Array.isArray(ctx)) return null;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx)) if (typeof v === 'string') out[k] = v;
  return out;
}
