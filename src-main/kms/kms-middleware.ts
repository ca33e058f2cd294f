import type { KMSClient } from '@aws-sdk/client-kms';
import type { Clock } from '../common/clock';
import type { IdSource } from '../common/id-source';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import { buildKmsEvent, type CallerIdentity } from './cloudtrail-event';
import type { FaultInjector } from './fault-injector';

/**
 * Two pieces of SDK middleware on every KMS client KeyDrill builds, whatever the backend:
 *  - the recorder (outermost): turns every call, successful or not, into a CloudTrail record
 *    stamped with the drill's clock and hands it to the sink;
 *  - the fault injector (inside it, outside the SDK's retries): makes a region unreachable, slow
 *    or throttled, so each logical call meets the fault once and the recorder sees the result.
 */
export interface MiddlewareOptions {
  region: string;
  sink?: CloudTrailSink | undefined;
  faults?: FaultInjector | undefined;
  clock: Clock;
  runId?: (() => string | undefined) | undefined;
  identity: () => Promise<CallerIdentity>;
  userAgent: string;
  sourceIPAddress: string;
  sleep: (ms: number) => Promise<void>;
  ids: IdSource;
}

type SdkError = Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; code?: string };

export function installKmsMiddleware(client: KMSClient, options: MiddlewareOptions): void {
  const { region, sink, faults } = options;
  if (faults) {
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = (args.input ?? {}) as Record<string, unknown>;
        const keyRef = [input.KeyId, input.SourceKeyId, input.DestinationKeyId].find((v): v is string => typeof v === 'string');
        const decision = faults.decide(region, keyRef);
        if (decision.delayMs > 0) await options.sleep(decision.delayMs);
        if (decision.kind === 'outage') throw outageError(region, decision.mode);
        if (decision.kind === 'throttle') throw throttlingError(region);
        if (decision.kind === 'denied') throw deniedError(region, keyRef ?? '');
        if (decision.kind === 'deleted') throw deletedError(region, keyRef ?? '');
        return next(args);
      },
      { step: 'initialize', name: 'keydrillFaultInjection', priority: 'low' },
    );
  }
  if (sink) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const at = options.clock.now();
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const input = (args.input ?? {}) as Record<string, unknown>;
        const identity = await options.identity();
        const record = (output: Record<string, unknown> | undefined, error: SdkError | undefined) => {
          const reachedKms = !error || error.$metadata?.httpStatusCode !== undefined;
          sink.record(
            buildKmsEvent({
              operation,
              region,
              input,
              output,
              error: error ? { name: errorCode(error), message: error.message } : undefined,
              identity,
              account: identity.accountId ?? accountFrom(output),
              at,
              requestId: error?.$metadata?.requestId ?? (output?.$metadata as { requestId?: string } | undefined)?.requestId,
              userAgent: options.userAgent,
              sourceIPAddress: options.sourceIPAddress,
              reachedKms,
              ids: options.ids,
            }),
            options.runId?.(),
          );
        };
        try {
          const result = await next(args);
          record(result.output as unknown as Record<string, unknown>, undefined);
          return result;
        } catch (err) {
          record(undefined, err as SdkError);
          throw err;
        }
      },
      { step: 'initialize', name: 'keydrillCloudTrailRecorder', priority: 'high' },
    );
  }
}

/** The SDK names connection failures inconsistently; CloudTrail-style codes make them searchable. */
function errorCode(error: SdkError): string {
  if (error.name && error.name !== 'Error') return error.name;
  if (error.code === 'ECONNREFUSED' || error.code === 'ECONNRESET' || error.code === 'ENOTFOUND') return 'NetworkingError';
  if (error.code === 'ETIMEDOUT') return 'TimeoutError';
  return error.code ?? 'Error';
}

function accountFrom(output: Record<string, unknown> | undefined): string | undefined {
  const arn = [output?.KeyId, (output?.KeyMetadata as { Arn?: unknown } | undefined)?.Arn].find((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
  return arn?.split(':')[4];
}

function outageError(region: string, mode: 'refused' | 'timeout'): SdkError {
  const error: SdkError = new Error(
    mode === 'refused'
      ? `connect ECONNREFUSED: the KMS endpoint in ${region} is unreachable (regional outage)`
      : `Connection to the KMS endpoint in ${region} timed out (regional outage)`,
  );
  error.name = mode === 'refused' ? 'NetworkingError' : 'TimeoutError';
  error.code = mode === 'refused' ? 'ECONNREFUSED' : 'ETIMEDOUT';
  error.$metadata = {};
  return error;
}

function deniedError(region: string, keyRef: string): SdkError {
  const error: SdkError = new Error(`Access to ${keyRef} in ${region} is refused on the client: the drill simulates a key policy or grant revocation this backend does not enforce.`);
  error.name = 'AccessDeniedException';
  error.$metadata = {}; // never reached KMS: the record says so (reachedKms: false)
  return error;
}

function deletedError(region: string, keyRef: string): SdkError {
  const error: SdkError = new Error(`Key ${keyRef} in ${region} does not exist: its deletion window ended on the drill's clock (played on the client; this backend keeps wall-clock time).`);
  error.name = 'NotFoundException';
  error.$metadata = {};
  return error;
}

function throttlingError(region: string): SdkError {
  const error: SdkError = new Error(`Rate exceeded (throttling injected in ${region})`);
  error.name = 'ThrottlingException';
  error.$metadata = { httpStatusCode: 400 };
  return error;
}
