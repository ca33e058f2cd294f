import type { ClientObservation, ObservationCause } from '../../src-shared/client-observation';
import type { IdSource } from '../common/id-source';
import type { CallerIdentity } from './cloudtrail-event';

/**
 * The client-side observation of a KMS call that never reached KMS: the SDK raised an error before
 * any answer came back (no connection, a timeout, a fault the drill injected or a step it played on
 * the client). It names the call, the key, the caller and the error — never data or key material —
 * and is handed to the sink's observe(), never as a CloudTrail record.
 */
export interface UnreachedCallFacts {
  operation: string;
  region: string;
  input: Record<string, unknown>;
  error: Error & { code?: string | undefined };
  /** Set on errors the drill raised itself (fault-injector decisions): why the call was not sent. */
  injectedCause: ObservationCause | undefined;
  identity: CallerIdentity;
  /** Epoch ms of the call, from the drill's clock. */
  at: number;
  ids: IdSource;
}

export function buildObservation(facts: UnreachedCallFacts): ClientObservation {
  const { input, error } = facts;
  const keyId = [input.KeyId, input.SourceKeyId, input.DestinationKeyId, input.TargetKeyId].find((v): v is string => typeof v === 'string');
  const context = [input.EncryptionContext, input.DestinationEncryptionContext].find((v) => v !== null && typeof v === 'object') as Record<string, string> | undefined;
  return {
    observationId: facts.ids.uuid(),
    time: new Date(facts.at).toISOString(),
    region: facts.region,
    operation: facts.operation,
    ...(keyId ? { keyId } : {}),
    errorCode: unreachedErrorCode(error),
    errorMessage: error.message.slice(0, 4096),
    cause: facts.injectedCause ?? (timedOut(error) ? 'timeout' : 'unreachable'),
    ...(facts.identity.arn ? { principal: facts.identity.arn } : {}),
    ...(facts.identity.accessKeyId ? { accessKeyId: facts.identity.accessKeyId } : {}),
    ...(context ? { encryptionContext: { ...context } } : {}),
  };
}

/** The SDK names connection failures inconsistently: NetworkingError / TimeoutError make them searchable. */
export function unreachedErrorCode(error: Error & { code?: string | undefined }): string {
  if (error.name && error.name !== 'Error') return error.name;
  if (error.code === 'ETIMEDOUT') return 'TimeoutError';
  if (error.code) return 'NetworkingError';
  return 'Error';
}

function timedOut(error: Error & { code?: string | undefined }): boolean {
  return error.name === 'TimeoutError' || error.code === 'ETIMEDOUT' || error.name === 'AbortError';
}
