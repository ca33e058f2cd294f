import type { KMSClient } from '@aws-sdk/client-kms';
import { getUserAgentMiddlewareOptions, getUserAgentPlugin } from '@aws-sdk/core/client';
import { HttpRequest } from '@smithy/core/transport';

/**
 * The SDK's user-agent step, its answer remembered. On every call the SDK's step rebuilds the same
 * two headers (`user-agent`, `x-amz-user-agent`) from the client's configuration and the call's
 * "features" — escaping each of a dozen sections with regular expressions, ~10 µs a call. Those
 * headers change only with what the step reads that can differ between calls of one client: the
 * features already noted for the call, the caller's credential source, and the request's protocol
 * header. So the SDK's own step writes them the first time each such combination is seen and the
 * remembered values are written after that — the same bytes. A call the step would treat
 * differently (headers already set, a per-call user agent) goes through the SDK's step as it is.
 */
type Headers = Record<string, string | undefined>;
type Args = { request: unknown };
type Handler = (args: Args) => Promise<unknown>;
type Step = (next: Handler, context: StepContext) => Handler;
interface StepContext {
  userAgent?: unknown;
  __smithy_context?: { features?: Record<string, string>; selectedHttpAuthScheme?: { identity?: { $source?: Record<string, string>; accountId?: string } } };
  __aws_sdk_context?: { features?: Record<string, string> };
}

const USER_AGENT = 'user-agent';
const X_AMZ_USER_AGENT = 'x-amz-user-agent';
/** Combinations remembered per client: a client sees one or two. */
const REMEMBERED = 32;

/** Replaces a client's user-agent step with one that remembers what the SDK's writes (see above). */
export function rememberUserAgent(client: KMSClient): void {
  let sdkStep: Step | undefined;
  getUserAgentPlugin(client.config as never).applyToStack({ add: (step: Step) => (sdkStep = step) } as never);
  if (!sdkStep) return;
  const sdk = sdkStep;
  const remembered = new Map<string, { userAgent: string | undefined; amzUserAgent: string | undefined }>();
  const step: Step = (next, context) => {
    const throughSdk = sdk(next, context);
    return async (args) => {
      const request = args.request;
      if (!HttpRequest.isInstance(request) || context.userAgent !== undefined) return throughSdk(args);
      const headers = request.headers as Headers;
      if (headers[USER_AGENT] !== undefined || headers[X_AMZ_USER_AGENT] !== undefined) return throughSdk(args);
      const key = situation(context, headers);
      let values = remembered.get(key);
      if (!values) {
        // The SDK's step on a copy of the request, its next step only looking at what it wrote.
        let written: Headers = {};
        await sdk((a) => {
          written = (a.request as HttpRequest).headers;
          return Promise.resolve(undefined);
        }, context)({ ...args, request: HttpRequest.clone(request) });
        values = { userAgent: written[USER_AGENT], amzUserAgent: written[X_AMZ_USER_AGENT] };
        if (remembered.size >= REMEMBERED) remembered.clear();
        remembered.set(key, values);
      }
      if (values.amzUserAgent !== undefined) headers[X_AMZ_USER_AGENT] = values.amzUserAgent;
      if (values.userAgent !== undefined) headers[USER_AGENT] = values.userAgent;
      return next(args);
    };
  };
  client.middlewareStack.add(step as never, { ...getUserAgentMiddlewareOptions, override: true });
}

/** What the SDK's step reads that may change from one call of a client to the next, as one string. */
function situation(context: StepContext, headers: Headers): string {
  const identity = context.__smithy_context?.selectedHttpAuthScheme?.identity;
  let key = `${headers['smithy-protocol'] ?? ''}|${identity?.accountId ? 'account' : ''}|`;
  for (const source of [context.__smithy_context?.features, context.__aws_sdk_context?.features, identity?.$source]) {
    for (const name in source) key += `${name}=${source[name]},`;
    key += '|';
  }
  return key;
}
