import type { KMSClient } from '@aws-sdk/client-kms';
import { HttpRequest } from '@smithy/core/transport';
import { randomUUID } from 'node:crypto';

/**
 * The SDK's retry step for a client that makes one attempt per call (`maxAttempts: 1`: a drill's
 * clients, whose failures are what the drill is there to see). With one attempt the SDK's step
 * only names it — an invocation id and "attempt=1; max=1" in the request, the attempt count in the
 * answer or the error — yet it costs ~8 µs a call (a retry token, a stack trace for an error it
 * may never throw, three awaits). This step writes the same headers and metadata, and nothing
 * else changes: no call is retried by either.
 */
type Args = { request: unknown };
type Metadata = { attempts?: number; totalRetryDelay?: number };
type Next = (args: Args) => Promise<{ output: { $metadata: Metadata } }>;

/** Replaces the SDK's retry step of a client built with `maxAttempts: 1` (under its name, so the signing step stays after it). */
export function attemptOnce(client: KMSClient): void {
  client.middlewareStack.add(singleAttempt as never, { name: 'retryMiddleware', tags: ['RETRY'], step: 'finalizeRequest', priority: 'high', override: true });
}

function singleAttempt(next: Next) {
  return async (args: Args) => {
    if (HttpRequest.isInstance(args.request)) {
      args.request.headers['amz-sdk-invocation-id'] = randomUUID();
      args.request.headers['amz-sdk-request'] = 'attempt=1; max=1';
    }
    try {
      const result = await next(args);
      result.output.$metadata.attempts = 1;
      result.output.$metadata.totalRetryDelay = 0;
      return result;
    } catch (err) {
      // As the SDK's step rethrows a failed last attempt: an Error, with the attempts in its metadata.
      const error = asError(err) as Error & { $metadata?: Metadata };
      error.$metadata ??= {};
      error.$metadata.attempts = 1;
      error.$metadata.totalRetryDelay = 0;
      throw error;
    }
  };
}

/** The SDK's asSdkError: what was thrown, as an Error. */
function asError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  if (thrown instanceof Object) return Object.assign(new Error(), thrown);
  if (typeof thrown === 'string') return new Error(thrown);
  return new Error(`AWS SDK error wrapper for ${String(thrown)}`);
}
