import type { KMSClient, KMSClientConfig } from '@aws-sdk/client-kms';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import { createHmac, hash } from 'node:crypto';

/**
 * Work @aws-sdk/client-kms redoes on every call although its result never changes for a client,
 * done once instead, and its hashing done with fewer objects. None of it changes a byte of what is
 * sent: the SDK still builds and parses every request with its own code. A drill makes 100,000s of
 * calls; the endpoint and the signer were ~15% of the SDK's own time per call. The steps replaced
 * outright, each tested against the SDK's own on the requests it builds, are elsewhere:
 * quick-request-signer.ts (the embedded KMS's signatures), single-attempt-step.ts and user-agent-step.ts.
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
 * (~40 µs a call, a tenth of its own cost per call). A signer holds nothing per call but the
 * client's credential provider, which it asks each time, so refreshed credentials are still used.
 * So the first one built for a signing region and service signs every later call with the same
 * provider — the same SDK code, the same signatures — and one is built afresh when the client is
 * given another provider (`client.config.credentials = …`), as the SDK's own signer would then be.
 */
export function reuseSigner(client: KMSClient): void {
  const sdkConfig = client.config;
  const build = sdkConfig.signer;
  const built = new Map<string, { credentials: unknown; signer: ReturnType<typeof build> }>();
  sdkConfig.signer = (authScheme) => {
    const key = `${authScheme?.signingRegion ?? ''}/${authScheme?.signingName ?? ''}`;
    const credentials: unknown = sdkConfig.credentials;
    let entry = built.get(key);
    if (!entry || entry.credentials !== credentials) {
      const signer = build(authScheme);
      entry = { credentials, signer };
      built.set(key, entry);
      // A signer that could not be built is built again next time, not remembered as a failure.
      signer.catch(() => {
        if (built.get(key)?.signer === signer) built.delete(key);
      });
    }
    return entry.signer;
  };
}

/**
 * The client's resolved configuration as an object V8 copies quickly. The SDK copies the whole
 * configuration on every call, three times (`{ ...config }` in its endpoint, serialize and
 * deserialize steps). Its own object is in V8's slow dictionary mode — the SDK redefines
 * `credentials` on it as an accessor, which turns an object so — and each copy of its 44 properties
 * costs ~8 µs on Node 20 (~6 on Node 24), ten times a copy of the same properties in fast mode,
 * and allocates a dictionary of ~7 KB.
 *
 * The copy has the same properties in the same order, and a `credentials` accessor that reads and
 * writes the SDK's own: credentials set through either object are what both give. Its getter and
 * setter are the same two functions for every client's copy, because V8 keeps an object fast only
 * while it follows the shape of the objects built before it: a copy whose accessor has functions
 * of its own is put in dictionary mode at once. (Copying the SDK's accessor itself, as this did
 * first, kept only the first client of a process fast; a drill's nodes each have a client of their
 * own, so a thousand-tenant drill copied in dictionary mode on all but one.) The steps that write
 * to the configuration as calls go (the signer's clock-skew offset, its signing region) hold the
 * SDK's object and keep reading and writing it; the copy serves the steps that only read it:
 * endpoint resolution (per command, from `client.config`) and serialization (re-registered here,
 * under the names it had, so it replaces the SDK's). Call it after anything that changes
 * `client.config`, as `reuseSigner`.
 */
export function quicklyCopiedConfig(client: KMSClient): void {
  const sdkConfig = client.config;
  const descriptors = Object.getOwnPropertyDescriptors(sdkConfig);
  for (const [name, descriptor] of Object.entries(descriptors)) {
    if (descriptor.get || descriptor.set) descriptors[name] = { ...sharedAccessor(name), enumerable: descriptor.enumerable ?? false, configurable: descriptor.configurable ?? false };
  }
  const copy = Object.create(Object.getPrototypeOf(sdkConfig) as object | null, descriptors) as typeof sdkConfig;
  configBehind.set(copy, sdkConfig);
  (client as { config: typeof sdkConfig }).config = copy;
  client.middlewareStack.use(getSchemaSerdePlugin(copy as unknown as Parameters<typeof getSchemaSerdePlugin>[0]));
}

/** Each quick copy's SDK configuration, which its accessors read and write. */
const configBehind = new WeakMap<object, object>();
/** One getter and setter per accessor property name, shared by every copy (see quicklyCopiedConfig). */
const accessors = new Map<string, { get: () => unknown; set: (value: unknown) => void }>();

function sharedAccessor(name: string): { get: () => unknown; set: (value: unknown) => void } {
  let pair = accessors.get(name);
  if (!pair) {
    pair = {
      get(this: object) {
        const behind = configBehind.get(this);
        return behind ? Reflect.get(behind, name) : undefined;
      },
      set(this: object, value: unknown) {
        const behind = configBehind.get(this);
        if (behind) Reflect.set(behind, name, value);
      },
    };
    accessors.set(name, pair);
  }
  return pair;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

/**
 * SHA-256 and HMAC-SHA256 for the SDK's signer (its `sha256` option), the same digests as its own
 * class with fewer objects per call. The SDK's class builds a Node Hash per hash and copies it to
 * read the digest; the signer hashes the body and the canonical request of every call, each fed in
 * one piece, so this one keeps the pieces and hashes them with the one-shot `crypto.hash` (no Hash
 * object at all), and builds an HMAC only when asked for its digest. Measured: ~7 µs off a call of
 * ~200 µs through the SDK to the embedded KMS.
 */
export class OneShotSha256 {
  private readonly parts: Uint8Array[] = [];
  private text: string | undefined;

  constructor(private readonly secret?: SourceData) {}

  update(data: SourceData): void {
    // The SDK's signer hands bytes; text from any other caller is kept as text when it is the only piece.
    if (typeof data === 'string' && this.text === undefined && this.parts.length === 0) {
      this.text = data;
      return;
    }
    if (this.text !== undefined) {
      this.parts.push(Buffer.from(this.text, 'utf8'));
      this.text = undefined;
    }
    this.parts.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : bytesOf(data));
  }

  digest(): Promise<Uint8Array> {
    const input = this.text ?? (this.parts.length === 1 ? (this.parts[0] as Uint8Array) : Buffer.concat(this.parts));
    const out = this.secret === undefined ? hash('sha256', input, 'buffer') : typeof this.secret === 'string' ? keyedByText(this.secret, input) : createHmac('sha256', bytesOf(this.secret)).update(input).digest();
    return Promise.resolve(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  }

  reset(): void {
    this.parts.length = 0;
    this.text = undefined;
  }
}

function bytesOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * HMACs whose key is text: the signer's HMAC(secret key, access key id), which it computes on every
 * call only to name its cache of signing keys, and the first step of deriving a signing key
 * (HMAC("AWS4" + secret, date)). Both are the same for a client's credentials from one call to the
 * next, so each is computed once (per process, at most MEMO_LIMIT of them; the map is emptied when
 * full, as the SDK's own signing-key cache is). A digest handed out is a copy: a caller may change it.
 */
const MEMO_LIMIT = 256;
const memo = new Map<string, Buffer>();

function keyedByText(secret: string, input: string | Uint8Array): Buffer {
  // Only short inputs (an access key id, a date) repeat; the string to sign never does.
  if (input.length > 64) return createHmac('sha256', secret).update(input).digest();
  const key = `${secret}\0${typeof input === 'string' ? `t${input}` : `b${Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('hex')}`}`;
  let digest = memo.get(key);
  if (!digest) {
    digest = createHmac('sha256', secret).update(input).digest();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, digest);
  }
  return Buffer.from(digest);
}

/**
 * Drops the SDK's Lambda trace step from a client outside AWS Lambda. The step passes a Lambda
 * invocation's trace on to the calls it makes (X-Amzn-Trace-Id, traceparent): it writes them only
 * where AWS_LAMBDA_FUNCTION_NAME is set and the Lambda runtime has opened an invocation, so
 * elsewhere it adds nothing, yet costs ~5 µs a call (two awaits, and a scan of the headers for
 * trace headers in other letter cases, which no KeyDrill request carries).
 */
export function dropLambdaTracing(client: KMSClient): void {
  if (!process.env.AWS_LAMBDA_FUNCTION_NAME) client.middlewareStack.remove('recursionDetectionMiddleware');
}
