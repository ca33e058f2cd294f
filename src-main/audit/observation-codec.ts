import { ClientObservation, type ObservationCause } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidEventError } from './event-store';
import { MAX_EPOCH_SECONDS } from './event-time';

/**
 * How a client-side observation becomes a row of the `observations` table and back: the looked-up
 * fields as dictionary-encoded columns, the whole observation as the row's JSON. Observations are
 * few beside CloudTrail records (a call that never reached KMS), so they are stored plainly.
 */
export interface EncodedObservation {
  /** Whole seconds since the epoch of its time: the row id is (second * 2^21 + sequence), as for events. */
  second: number;
  observationId: string;
  runId: string | undefined;
  region: string;
  operation: string;
  errorCode: string;
  cause: string;
  body: string;
}

/** A client-side observation handed to the store, and the drill run it belongs to. */
export interface NewObservation {
  observation: ClientObservation;
  runId?: string | undefined;
}

/** Checks an observation (it comes from the middleware, or from a caller of the store) and encodes it. */
export function encodeObservation(item: NewObservation): EncodedObservation {
  const parsed = ClientObservation.safeParse(item.observation);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventError(`observation: ${issue?.message ?? 'not a client-side observation'}`, ['observation', ...((issue?.path ?? []) as (string | number)[])]);
  }
  const o = parsed.data;
  const ms = Date.parse(o.time);
  const second = Math.floor(ms / 1000);
  if (!Number.isFinite(ms) || second < 0 || second > MAX_EPOCH_SECONDS) throw new InvalidEventError(`observation time ${o.time} is not a time between 1970 and 2106`, ['observation', 'time']);
  return {
    second,
    observationId: o.observationId,
    runId: item.runId,
    region: o.region,
    operation: o.operation,
    errorCode: o.errorCode,
    cause: o.cause,
    body: JSON.stringify(o),
  };
}

/** An observation as stored, and the run it belongs to. */
export interface StoredObservation {
  observation: ClientObservation;
  runId: string | undefined;
}

export function decodeObservation(body: string, runId: string | undefined): StoredObservation {
  return { observation: JSON.parse(body) as ClientObservation, runId };
}

/**
 * KeyDrill before event store schema 2 wrote calls that never reached KMS as CloudTrail-shaped
 * records marked `additionalEventData.reachedKms: false` — in the store and in the log files it
 * exported. Such a record is not CloudTrail: this is the observation it stands for (same id, same
 * time), or undefined for a real record.
 */
export function legacyObservationOf(record: CloudTrailRecord): ClientObservation | undefined {
  // Anything may come in (an import, a caller's bad record): only a record marked so, with what an observation needs, is one.
  if (typeof record !== 'object' || record === null || (record.additionalEventData as { reachedKms?: unknown } | undefined)?.reachedKms !== false) return undefined;
  if (typeof record.eventID !== 'string' || typeof record.eventName !== 'string' || typeof record.awsRegion !== 'string' || typeof record.eventTime !== 'string') return undefined;
  const params = (record.requestParameters ?? {}) as Record<string, unknown>;
  const errorCode = typeof record.errorCode === 'string' && record.errorCode ? record.errorCode : 'Error';
  const errorMessage = typeof record.errorMessage === 'string' ? record.errorMessage : '';
  const keyId = [params.keyId, params.destinationKeyId, record.resources?.[0]?.ARN].find((k): k is string => typeof k === 'string');
  const context = params.encryptionContext;
  const time = Date.parse(record.eventTime);
  return {
    observationId: record.eventID,
    time: Number.isFinite(time) ? new Date(time).toISOString() : record.eventTime,
    region: record.awsRegion,
    operation: record.eventName,
    ...(keyId ? { keyId } : {}),
    errorCode,
    errorMessage,
    cause: legacyCause(errorCode, errorMessage),
    ...(typeof record.userIdentity?.arn === 'string' ? { principal: record.userIdentity.arn } : {}),
    ...(typeof record.userIdentity?.accessKeyId === 'string' ? { accessKeyId: record.userIdentity.accessKeyId } : {}),
    ...(context && typeof context === 'object' && !Array.isArray(context) ? { encryptionContext: context as Record<string, string> } : {}),
  };
}

/** Why an old client-side record never reached KMS, from what it says. */
function legacyCause(errorCode: string, message: string): ObservationCause {
  const injected = message.includes('(regional outage)');
  if (errorCode === 'TimeoutError') return injected ? 'injected-timeout' : 'timeout';
  if (errorCode === 'AccessDeniedException') return 'simulated-denial';
  if (errorCode === 'NotFoundException') return 'simulated-deletion';
  if (errorCode === 'ThrottlingException') return 'injected-throttling';
  return injected ? 'injected-outage' : 'unreachable';
}
