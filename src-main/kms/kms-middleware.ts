import type { KMSClient } from '@aws-sdk/client-kms';
import type { TLSSocket } from 'node:tls';
import type { ObservationCause } from '../../src-shared/client-observation';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import type { Clock } from '../common/clock';
import type { IdSource } from '../common/id-source';
import { buildObservation } from './client-observation-event';
import { keyOwnerCopy } from './cloudtrail-cross-account';
import { buildKmsEvent, type CallerIdentity, type CallerNetwork, type CallTransport, type CiphertextInfo } from './cloudtrail-event';
import type { FaultInjector } from './fault-injector';

/**
 * Three pieces of SDK middleware on every KMS client KeyDrill builds, whatever the backend:
 *  - the recorder (outermost): when the call is over, hands the sink a CloudTrail record if KMS
 *    answered it (successfully or not), or a client-side observation if it never reached KMS —
 *    stamped with the drill's clock either way;
 *  - the fault injector (inside it, outside the SDK's retries): makes a region unreachable, slow
 *    or throttled, or refuses a key the drill revoked or deleted on the client, so each logical call
 *    meets the fault once — such a call is never sent;
 *  - the transport witness (innermost, next to the request handler): notes for each attempt that an
 *    answer came back, the User-Agent sent, and the TLS session when there was one. An answer is
 *    what makes a call a CloudTrail record: no answer, no record.
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
  /** The caller's declared network path at the time of each call (a node that moves changes it). */
  network?: (() => CallerNetwork | undefined) | undefined;
  sleep: (ms: number) => Promise<void>;
  ids: IdSource;
  /** Reads this backend's own ciphertexts (the embedded KMS): the key material an Encrypt used. */
  ciphertextInfo?: ((blob: Uint8Array) => CiphertextInfo | undefined) | undefined;
}

type SdkError = Error & { $metadata?: { httpStatusCode?: number; requestId?: string }; code?: string; $keydrillCause?: ObservationCause };

/** What the transport witness saw of a call's last attempt. */
interface Witnessed extends CallTransport {
  answered: boolean;
}

/**
 * What the transport witness saw, per call, travels with the call's own middleware arguments under
 * this symbol: each step hands the next a copy (`{ ...args, request }`), and a spread keeps symbol
 * keys. Not kept on the SDK's handler context: with `cacheMiddleware` one context serves every call
 * of a command, concurrent ones included. (An AsyncLocalStorage did this before; it switched on
 * Node's promise hooks for the whole process, ~4% of a drill's time.)
 */
const WITNESS = Symbol('keydrill.transportWitness');
type WitnessedArgs = { [WITNESS]?: Witnessed };

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
  if (!sink) return;
  // An account the caller's identity does not name is learned from the first key ARN KMS answers with.
  let learnedAccount: string | undefined;
  client.middlewareStack.add(
    (next) => async (args) => {
      const seen = (args as WitnessedArgs)[WITNESS];
      if (!seen) return next(args);
      // A retried call: what counts is its last attempt.
      Object.assign(seen, { answered: false, userAgent: undefined, tls: undefined });
      const request = (args as { request?: { headers?: Record<string, string>; hostname?: string } }).request;
      const result = await next(args);
      const response = (result as { response?: { statusCode?: number; body?: { socket?: unknown } } }).response;
      seen.answered = typeof response?.statusCode === 'number';
      seen.userAgent = request?.headers?.['user-agent'];
      seen.tls = tlsDetails(response?.body?.socket, request?.headers?.host ?? request?.hostname);
      return result;
    },
    { step: 'deserialize', name: 'keydrillTransportWitness', priority: 'low' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const at = options.clock.now();
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = (args.input ?? {}) as Record<string, unknown>;
      const identity = await options.identity();
      const runId = options.runId?.();
      const seen: Witnessed = { answered: false, userAgent: undefined, tls: undefined };
      const hand = (output: Record<string, unknown> | undefined, error: SdkError | undefined) => {
        if (error && !seen.answered) {
          sink.observe(buildObservation({ operation, region, input, error, injectedCause: error.$keydrillCause, identity, at, ids: options.ids }), runId);
          return;
        }
        const record = buildKmsEvent({
          operation,
          region,
          input,
          output,
          error: error ? { name: error.name, message: error.message } : undefined,
          identity,
          account: identity.accountId ?? (learnedAccount ??= accountFrom(output)),
          at,
          requestId: error?.$metadata?.requestId ?? (output?.$metadata as { requestId?: string } | undefined)?.requestId,
          transport: { userAgent: seen.userAgent, tls: seen.tls },
          userAgent: options.userAgent,
          sourceIPAddress: options.sourceIPAddress,
          network: options.network?.(),
          ids: options.ids,
          ciphertextInfo: options.ciphertextInfo,
        });
        // A call on another account's key: the key owner's account gets its own record of it (cloudtrail-cross-account.ts).
        const ownerCopy = keyOwnerCopy(record, () => options.ids.uuid());
        sink.record(record, runId);
        if (ownerCopy) sink.record(ownerCopy, runId);
      };
      try {
        const result = await next({ ...args, [WITNESS]: seen } as typeof args);
        safely(() => hand(result.output as unknown as Record<string, unknown>, undefined));
        return result;
      } catch (err) {
        safely(() => hand(undefined, err as SdkError));
        throw err;
      }
    },
    { step: 'initialize', name: 'keydrillCloudTrailRecorder', priority: 'high' },
  );
}

/** Auditing must never turn a KMS call into a failure (the sink itself never throws; building might, on a malformed answer). */
function safely(work: () => void): void {
  try {
    work();
  } catch (err) {
    process.emitWarning(`keydrill: a KMS call could not be recorded: ${(err as Error).message}`);
  }
}

/**
 * CloudTrail's tlsDetails for a call whose answer came over TLS: protocol, cipher suite (OpenSSL's
 * name, as CloudTrail writes it: "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384") and the
 * Host header the client sent. Undefined over plain HTTP or in-process, where there was no TLS.
 */
function tlsDetails(socket: unknown, host: string | undefined): CallTransport['tls'] {
  const tls = socket as Partial<TLSSocket> | undefined;
  if (!tls || typeof tls.getProtocol !== 'function' || typeof tls.getCipher !== 'function') return undefined;
  const version = tls.getProtocol();
  const cipher = tls.getCipher();
  if (!version || !cipher) return undefined;
  return { tlsVersion: version, cipherSuite: cipher.name, clientProvidedHostHeader: (host ?? '').replace(/:443$/, '') };
}

function accountFrom(output: Record<string, unknown> | undefined): string | undefined {
  const arn = [output?.KeyId, (output?.KeyMetadata as { Arn?: unknown } | undefined)?.Arn].find((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
  return arn?.split(':')[4];
}

function injected(message: string, name: string, cause: ObservationCause, code?: string): SdkError {
  const error: SdkError = new Error(message);
  error.name = name;
  if (code) error.code = code;
  error.$metadata = {};
  error.$keydrillCause = cause;
  return error;
}

function outageError(region: string, mode: 'refused' | 'timeout'): SdkError {
  return mode === 'refused'
    ? injected(`connect ECONNREFUSED: the KMS endpoint in ${region} is unreachable (regional outage)`, 'NetworkingError', 'injected-outage', 'ECONNREFUSED')
    : injected(`Connection to the KMS endpoint in ${region} timed out (regional outage)`, 'TimeoutError', 'injected-timeout', 'ETIMEDOUT');
}

function deniedError(region: string, keyRef: string): SdkError {
  return injected(`Access to ${keyRef} in ${region} is refused on the client: the drill simulates a key policy or grant revocation this backend does not enforce.`, 'AccessDeniedException', 'simulated-denial');
}

function deletedError(region: string, keyRef: string): SdkError {
  return injected(`Key ${keyRef} in ${region} does not exist: its deletion window ended on the drill's clock (played on the client; this backend keeps wall-clock time).`, 'NotFoundException', 'simulated-deletion');
}

function throttlingError(region: string): SdkError {
  return injected(`Rate exceeded (throttling injected in ${region})`, 'ThrottlingException', 'injected-throttling');
}
