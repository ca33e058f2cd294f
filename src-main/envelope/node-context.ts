import type { Clock } from '../common/clock';
import type { IdSource } from '../common/id-source';
import type { EnvelopeEvents, Logger } from './envelope-events';
import type { CmkState } from './hierarchy-state';
import type { CacheLimits } from './key-cache';
import type { EncryptionContext, KmsPort } from './kms-port';
import type { KmsRegionRouter } from './kms-region-router';
import type { RecordCipherPool } from './record-cipher-pool';

/**
 * What a node shares with its cluster: identity, the KMS port and Region router, the record pool,
 * events, logger and clock. The cluster builds one and hands it to every node it owns.
 */
export interface NodeContext {
  readonly tenant: string;
  readonly cluster: string;
  readonly kms: KmsPort;
  /** The KMS port a node's own calls go through (its own credentials and network path); `kms` when it has none. */
  kmsFor(node: string | undefined): KmsPort;
  readonly router: KmsRegionRouter;
  readonly pool: RecordCipherPool;
  readonly events: EnvelopeEvents;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Where database key ids and snapshot ids come from (random; seeded in drills, so a run repeats). */
  readonly ids: IdSource;
  readonly cacheLimits: Partial<CacheLimits>;
  /** Whether a health check that KMS refuses (revocation, not an outage) shuts the node down. */
  readonly shutDownOnRevocation: boolean;
  /** The cluster's CMK now (it changes on replacement and refresh). */
  cmk(): CmkState;
  /** The encryption context of a node's master key. */
  encryptionContext(node: string): EncryptionContext;
  /** Times a KMS call and reports it as a 'kms-call' event attributed to `node`. */
  observe<T>(node: string | undefined, operation: string, region: string, call: () => Promise<T>): Promise<T>;
}

/** KMS answers that mean "this service may no longer use the key", as opposed to an outage or a throttle. */
export const REVOCATION_CODES: ReadonlySet<string> = new Set([
  'AccessDeniedException',
  'DisabledException',
  'KMSInvalidStateException',
  'NotFoundException',
  'InvalidCiphertextException',
  'IncorrectKeyException',
]);
