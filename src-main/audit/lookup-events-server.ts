import { z } from 'zod';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidQueryError, LOOKUP_ATTRIBUTE_KEYS, type EventStore, type StoredEvent } from './event-store';
import { usernameOf } from './record-codec';

/**
 * CloudTrail's LookupEvents (X-Amz-Target `CloudTrail_20131101.LookupEvents`, JSON 1.1, times in
 * epoch seconds) answered from the event store, so `@aws-sdk/client-cloudtrail` and the AWS CLI
 * read KeyDrill's events as they read CloudTrail's — and the import path is tested with the real
 * client. Errors carry AWS's names. Deviation: without StartTime, events older than 90 days are
 * returned too (a drill's virtual clock may be anywhere).
 */
export const CLOUDTRAIL_TARGET_PREFIX = 'CloudTrail_20131101.';
/**
 * Every prefix an SDK puts before the operation: Smithy-based SDKs (JS v3, Go v2, Java v2) send the
 * service shape's name, botocore (boto3, the AWS CLI) the model's full `targetPrefix`.
 */
export const CLOUDTRAIL_TARGET_PREFIXES = ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.', CLOUDTRAIL_TARGET_PREFIX] as const;

/** The CloudTrail operation an X-Amz-Target names, or undefined if it names none. */
export function cloudTrailOperation(target: string): string | undefined {
  const prefix = CLOUDTRAIL_TARGET_PREFIXES.find((p) => target.startsWith(p));
  return prefix === undefined ? undefined : target.slice(prefix.length);
}
const MAX_RESULTS = 50;

export type CloudTrailErrorName =
  | 'InvalidLookupAttributesException' | 'InvalidTimeRangeException' | 'InvalidNextTokenException' | 'InvalidMaxResultsException'
  | 'InvalidEventCategoryException' | 'SerializationException' | 'UnknownOperationException' | 'AccessDeniedException';

/** A CloudTrail error on the wire: `{"__type": name, "message": ...}` with HTTP 400. */
export class CloudTrailServiceError extends Error {
  readonly httpStatus = 400;
  constructor(readonly code: CloudTrailErrorName, message: string) {
    super(message);
    this.name = code;
  }

  toWire(): { __type: string; message: string } {
    return { __type: this.code, message: this.message };
  }
}

const LookupEventsRequest = z.object({
  LookupAttributes: z.array(z.object({
    AttributeKey: z.enum(LOOKUP_ATTRIBUTE_KEYS, { error: (issue) => `AttributeKey must be one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}, not ${JSON.stringify(issue.input)}` }),
    AttributeValue: z.string().min(1, 'AttributeValue must not be empty').max(2000, 'AttributeValue is longer than 2000 characters'),
  })).max(1, 'only one lookup attribute may be given').optional(),
  StartTime: z.number().finite().nonnegative().optional(),
  EndTime: z.number().finite().nonnegative().optional(),
  EventCategory: z.literal('insight', { error: 'EventCategory must be insight' }).optional(),
  MaxResults: z.number().int('MaxResults must be a whole number').min(1, 'MaxResults must be between 1 and 50').max(MAX_RESULTS, 'MaxResults must be between 1 and 50').optional(),
  NextToken: z.string().min(1).optional(),
});

const ERROR_BY_FIELD: Record<string, CloudTrailErrorName> = {
  LookupAttributes: 'InvalidLookupAttributesException',
  StartTime: 'InvalidTimeRangeException',
  EndTime: 'InvalidTimeRangeException',
  EventCategory: 'InvalidEventCategoryException',
  MaxResults: 'InvalidMaxResultsException',
  NextToken: 'InvalidNextTokenException',
};

export interface LookupEventsResponse {
  Events: {
    EventId: string;
    EventName: string;
    ReadOnly?: string;
    AccessKeyId?: string;
    EventTime: number;
    EventSource: string;
    Username?: string;
    Resources: { ResourceType?: string; ResourceName?: string }[];
    CloudTrailEvent: string;
  }[];
  NextToken?: string;
}

/**
 * Answers one CloudTrail operation; only LookupEvents is served. Event history is an account's and
 * a Region's: `region` is the one the request was signed for, `account` the caller's, whose trail
 * alone it reads (a vendor's role sees its own side of its cross-account calls, never its
 * customer's history).
 */
export function serveCloudTrail(store: EventStore, operation: string, body: Buffer | string, where: { region: string; account: string }): unknown {
  if (operation !== 'LookupEvents') throw new CloudTrailServiceError('UnknownOperationException', `Unknown operation ${CLOUDTRAIL_TARGET_PREFIX}${operation}`);
  return lookupEvents(store, body, where.region, where.account);
}

/** LookupEvents from the raw request body: validated, then at most 50 events newest first, in CloudTrail's response shape. */
export function lookupEvents(store: EventStore, body: Buffer | string, region: string, account?: string): LookupEventsResponse {
  let json: unknown;
  try {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new CloudTrailServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CloudTrailServiceError('SerializationException', 'The request body must be a JSON object.');
  const parsed = LookupEventsRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new CloudTrailServiceError(ERROR_BY_FIELD[field] ?? 'SerializationException', `${where}${issue?.message ?? 'invalid request'}`);
  }
  const request = parsed.data;
  if (request.StartTime !== undefined && request.EndTime !== undefined && request.StartTime > request.EndTime) {
    throw new CloudTrailServiceError('InvalidTimeRangeException', 'StartTime is later than EndTime.');
  }
  // KeyDrill records management events only: a request for Insights events finds none.
  if (request.EventCategory === 'insight') return { Events: [] };
  const attribute = request.LookupAttributes?.[0];
  try {
    const page = store.lookup({
      attribute: attribute ? { key: attribute.AttributeKey, value: attribute.AttributeValue } : undefined,
      startTime: request.StartTime === undefined ? undefined : request.StartTime * 1000,
      endTime: request.EndTime === undefined ? undefined : request.EndTime * 1000,
      region,
      recipientAccount: account,
      maxResults: request.MaxResults ?? MAX_RESULTS,
      nextToken: request.NextToken,
    });
    return { Events: page.events.map(toLookupEvent), ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
  } catch (err) {
    if (!(err instanceof InvalidQueryError)) throw err;
    const code: CloudTrailErrorName = err.field === 'nextToken' ? 'InvalidNextTokenException' : err.field === 'timeRange' ? 'InvalidTimeRangeException' : err.field === 'maxResults' ? 'InvalidMaxResultsException' : 'InvalidLookupAttributesException';
    throw new CloudTrailServiceError(code, err.message);
  }
}

/** One event as LookupEvents lists it: summary fields beside the whole record as a JSON string. */
export function toLookupEvent({ record }: StoredEvent): LookupEventsResponse['Events'][number] {
  const identity: CloudTrailRecord['userIdentity'] | undefined = record.userIdentity;
  const username = usernameOf(identity);
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ...(record.readOnly === undefined ? {} : { ReadOnly: String(record.readOnly) }),
    ...(identity?.accessKeyId ? { AccessKeyId: identity.accessKeyId } : {}),
    EventTime: Date.parse(record.eventTime) / 1000,
    EventSource: record.eventSource,
    ...(username ? { Username: username } : {}),
    Resources: (record.resources ?? []).map((r) => ({ ...(r.type ? { ResourceType: r.type } : {}), ...(r.ARN ? { ResourceName: r.ARN } : {}) })),
    CloudTrailEvent: JSON.stringify(record),
  };
}
