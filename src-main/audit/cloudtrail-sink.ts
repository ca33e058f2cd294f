import type { CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * Where the KMS client middleware hands each CloudTrail record. `record` must not block or throw:
 * it is on the path of every KMS call, so an implementation queues and writes in batches elsewhere
 * (see the event store's batched ingest). `runId` ties the record to a drill run.
 */
export interface CloudTrailSink {
  record(event: CloudTrailRecord, runId: string | undefined): void;
}
