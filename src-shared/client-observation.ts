import { z } from 'zod';

/**
 * A KMS call that never reached KMS, as the client saw it: the region was unreachable (a real or
 * injected outage: connection refused, timeout), or the drill played on the client a step the
 * backend cannot enforce (a key-policy revocation or a key deletion on LocalStack, injected
 * throttling). AWS CloudTrail has no record of such a call — KMS never saw it — so KeyDrill keeps it
 * apart from the CloudTrail records, in its own table, and never exports it as CloudTrail.
 *
 * Holds no key material: the operation, the key it named, the encryption context (which CloudTrail
 * would have shown too), and the error the SDK raised.
 */
export const OBSERVATION_CAUSES = [
  /** The drill's injected regional outage refused the connection. */
  'injected-outage',
  /** The drill's injected regional outage let the call time out. */
  'injected-timeout',
  /** The drill played a key-policy or grant revocation on the client (the backend does not enforce it). */
  'simulated-denial',
  /** The drill played a key deletion on the client (the backend keeps wall-clock time). */
  'simulated-deletion',
  /** The drill's injected throttling refused the call before it was sent. */
  'injected-throttling',
  /** A real network failure: no connection, reset, no route, no such host. */
  'unreachable',
  /** A real timeout: the connection or the answer took too long. */
  'timeout',
] as const;
export type ObservationCause = (typeof OBSERVATION_CAUSES)[number];

export const ClientObservation = z.object({
  /** A UUID; a drill derives it from its run id and the observation's number. */
  observationId: z.string().min(1).max(200),
  /** When the call was made, on the clock of whoever made it (a drill's virtual clock): ISO 8601 UTC with milliseconds. */
  time: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, 'expected an ISO 8601 UTC time like 2026-01-01T00:00:00.000Z'),
  /** The AWS region the call was for. */
  region: z.string().min(1).max(64),
  /** The KMS operation, as CloudTrail names it (Decrypt, GenerateDataKey, ...). */
  operation: z.string().min(1).max(128),
  /** The key the call named (ARN, key id or alias), when it named one. */
  keyId: z.string().max(2048).optional(),
  /** The error the SDK raised: NetworkingError, TimeoutError, AccessDeniedException, NotFoundException, ThrottlingException... */
  errorCode: z.string().min(1).max(128),
  errorMessage: z.string().max(4096),
  cause: z.enum(OBSERVATION_CAUSES),
  /** The caller: an IAM user or assumed-role ARN, when known. */
  principal: z.string().max(2048).optional(),
  accessKeyId: z.string().max(128).optional(),
  /** The call's encryption context (its cluster and tenant, for a drill's node): CloudTrail would have shown it. */
  encryptionContext: z.record(z.string().max(8192), z.string().max(8192)).optional(),
}).strict();
export type ClientObservation = z.infer<typeof ClientObservation>;

const CAUSE_TEXT: Record<ObservationCause, string> = {
  'injected-outage': 'injected outage (connection refused)',
  'injected-timeout': 'injected outage (timed out)',
  'simulated-denial': 'revocation played on the client',
  'simulated-deletion': 'key deletion played on the client',
  'injected-throttling': 'injected throttling',
  unreachable: 'unreachable (a real network failure)',
  timeout: 'timed out (a real timeout)',
};

/**
 * A cause in words, for charts and tables: the drill's own doing or a real failure, and how the call
 * failed — the SDK's error (NetworkingError, TimeoutError…) says only the second. Unknown text is kept.
 */
export function causeText(cause: string): string {
  return Object.hasOwn(CAUSE_TEXT, cause) ? CAUSE_TEXT[cause as ObservationCause] : cause;
}

/** True for causes the drill made on purpose (injected faults, steps played on the client), false for real failures. */
export function injectedCause(cause: ObservationCause): boolean {
  return cause !== 'unreachable' && cause !== 'timeout';
}
