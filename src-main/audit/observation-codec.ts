import { ClientObservation } from '../../src-shared/client-observation';
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
