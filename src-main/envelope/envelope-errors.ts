import type { KmsCallError } from './kms-port';

/**
 * The envelope core's typed failures. Each carries a stable `code` a drill or the UI can branch on,
 * and a message a person can act on. None carries key bytes: messages are built from ids, ARNs,
 * versions and KMS error names only.
 */
export type EnvelopeErrorCode =
  | 'KEY_UNAVAILABLE'
  | 'FAILOVER_REFUSED'
  | 'NODE_NOT_RUNNING'
  | 'RECORD_FORMAT'
  | 'RECORD_INTEGRITY'
  | 'UNKNOWN_RECORD_KEY'
  | 'KEY_UNWRAP_FAILED'
  | 'SNAPSHOT_UNRECOVERABLE'
  | 'STATE_INVALID'
  | 'CMK_REPLACEMENT_INCOMPLETE'
  | 'NOT_FOUND'
  | 'CONFLICT';

/** Base of the core's errors; `code` is stable, the message is for people. */
export class EnvelopeError extends Error {
  override name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A node could not get a key from KMS: revoked, disabled, deleted, or the region is unreachable. */
export class KeyUnavailableError extends EnvelopeError {
  override name = 'KeyUnavailableError';
  /** The KMS error name (AccessDeniedException, DisabledException, NetworkingError, ...). */
  readonly kmsCode: string;
  readonly region: string;
  constructor(message: string, cause: KmsCallError) {
    super('KEY_UNAVAILABLE', message, { cause });
    this.kmsCode = cause.code;
    this.region = cause.region;
  }
}

/** A switch to another KMS Region that cannot work, e.g. because the CMK is a single-Region key. */
export class FailoverRefusedError extends EnvelopeError {
  override name = 'FailoverRefusedError';
  constructor(
    message: string,
    readonly reason: 'single-region-key' | 'no-replica-in-region' | 'all-regions-unreachable',
    options?: { cause?: unknown },
  ) {
    super('FAILOVER_REFUSED', message, options);
  }
}

/** Work was asked of a node that is stopped, starting or failed; it makes no KMS call. */
export class NodeNotRunningError extends EnvelopeError {
  override name = 'NodeNotRunningError';
  constructor(message: string) {
    super('NODE_NOT_RUNNING', message);
  }
}

/** The bytes are not a record this build can read (too short, wrong magic, unknown version). */
export class RecordFormatError extends EnvelopeError {
  override name = 'RecordFormatError';
  constructor(message: string) {
    super('RECORD_FORMAT', message);
  }
}

/** AES-GCM authentication failed: the record was altered, or it is presented under another record id. */
export class RecordIntegrityError extends EnvelopeError {
  override name = 'RecordIntegrityError';
  constructor(readonly recordId: string) {
    super('RECORD_INTEGRITY', `Record '${recordId}' failed authentication: its bytes were altered, or it was sealed under a different record id.`);
  }
}

/** The record names a key (database key version or snapshot) this node or snapshot does not hold. */
export class UnknownRecordKeyError extends EnvelopeError {
  override name = 'UnknownRecordKeyError';
  constructor(message: string) {
    super('UNKNOWN_RECORD_KEY', message);
  }
}

/** A snapshot whose data key KMS will not (or can no longer) decrypt. */
export class SnapshotUnrecoverableError extends EnvelopeError {
  override name = 'SnapshotUnrecoverableError';
  constructor(
    message: string,
    readonly reason: 'key-deleted' | 'key-pending-deletion' | 'key-disabled' | 'access-denied' | 'unreachable' | 'kms-refused',
    /** True when no action can bring the data back (the CMK is gone). */
    readonly lost: boolean,
    cause: unknown,
  ) {
    super('SNAPSHOT_UNRECOVERABLE', message, { cause });
  }
}
