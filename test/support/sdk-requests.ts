import type { KMSClient } from '@aws-sdk/client-kms';
import { HttpRequest } from '@smithy/core/transport';

/**
 * A copy of every request a client sends, as it is just before it is signed ('unsigned') or just
 * after ('signed'): the SDK's own steps compared with KeyDrill's replacements for them.
 */
export function requestsSent(client: KMSClient, when: 'unsigned' | 'signed'): HttpRequest[] {
  const seen: HttpRequest[] = [];
  const step = (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => {
    if (HttpRequest.isInstance(args.request)) seen.push(HttpRequest.clone(args.request));
    return next(args);
  };
  client.middlewareStack.addRelativeTo(step as never, { relation: when === 'unsigned' ? 'before' : 'after', toMiddleware: 'httpSigningMiddleware', name: `keydrillTestSees${when}` });
  return seen;
}
