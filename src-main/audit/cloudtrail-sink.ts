import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * Where the KMS client middleware hands what every KMS call left behind: a CloudTrail record when
 * the call reached KMS (answered, successfully or not), a client-side observation when it never did
 * (an unreachable region, a step the drill played on the client). The two are never mixed: what
 * AWS would not have written is not a CloudTrail record.
 *
 * Neither method may block or throw: they are on the path of every KMS call, so an implementation
 * queues and writes in batches elsewhere (see the event store's batched ingest). `runId` ties what
 * is handed over to a drill run. What is handed over belongs to the sink from then on.
 */
export interface CloudTrailSink {
  record(event: CloudTrailRecord, runId: string | undefined): void;
  observe(observation: ClientObservation, runId: string | undefined): void;
}
