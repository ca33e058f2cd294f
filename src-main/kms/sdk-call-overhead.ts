import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';

/**
 * Two things @aws-sdk/client-kms redoes on every call although their result never changes for a
 * client, done once instead. Neither changes a byte of what is sent: the SDK still builds, signs
 * and parses every request with its own code. A drill makes 100,000s of calls, and these were
 * ~15% of the SDK's own time per call.
 */

/**
 * The endpoint as the SDK's parsed form. Given a URL string, the SDK parses it again on every call,
 * twice (~20 µs a call); the parsed fields are the ones its own parser gives (a URL with a query
 * string is left to it).
 */
export function parsedEndpoint(url: string): KMSClientConfig['endpoint'] {
  const u = new URL(url);
  if (u.search) return url;
  return { protocol: u.protocol, hostname: u.hostname, port: u.port ? Number(u.port) : undefined, path: u.pathname };
}

/**
 * The SDK builds a new SigV4 signer for every call, copying the whole client configuration into it
 * (~40 µs a call, a tenth of its own cost per call). A signer holds nothing per call — it asks the
 * client's credential provider each time, so refreshed credentials are still used — so the first
 * one built for a signing region and service signs every later call: the same SDK code, the same
 * signatures.
 */
export function reuseSigner(client: KMSClient): void {
  const build = client.config.signer;
  const built = new Map<string, ReturnType<typeof build>>();
  client.config.signer = (authScheme) => {
    const key = `${authScheme?.signingRegion ?? ''}/${authScheme?.signingName ?? ''}`;
    let signer = built.get(key);
    if (!signer) {
      signer = build(authScheme);
      built.set(key, signer);
      // A signer that could not be built is built again next time, not remembered as a failure.
      signer.catch(() => built.delete(key));
    }
    return signer;
  };
}

