import type { WireRequest, WireResponse } from './embedded/embedded-kms';

/**
 * The SDK's request handler for the embedded KMS running in this same process: it hands each signed
 * request to the server's `answer()` instead of a socket. Everything else is the real path —
 * `@aws-sdk/client-kms` builds, signs (the SDK's signature, written by quick-request-signer.ts) and
 * parses the request, our middleware records it, and the embedded KMS checks the signature, the
 * policy and the state exactly as over HTTP — but a drill of a thousand tenants does not pay the
 * loopback HTTP round trip on each of its 100,000s of calls
 * (measured: ~700 µs a Decrypt over loopback HTTP, ~400 µs handed over in-process).
 *
 * Only for a server in this process: `keydrill kms serve` and every external client use HTTP, and
 * `KEYDRILL_EMBEDDED_TRANSPORT=http` makes drills use it too.
 */
export interface WireServer {
  answer(request: WireRequest): WireResponse;
}

/** The parts of the SDK's HttpRequest the handler reads (the smithy types are not a direct dependency). */
interface SdkRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null> | undefined;
  headers: Record<string, string>;
  body?: unknown;
}

export class InProcessHandler {
  /** The SDK asks for this to merge per-client settings; there are none. */
  readonly metadata = { handlerProtocol: 'in-process' };

  constructor(private readonly server: WireServer) {}

  async handle(request: SdkRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Uint8Array } }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const answer = this.server.answer({ method: request.method, url: pathWithQuery(request), headers, body: bodyBytes(request.body) });
    // A microtask turn, as a socket would give: callers never see an answer before send() returns its promise.
    await Promise.resolve();
    // The body as bytes, not a stream: the SDK collects a byte body as it is (a stream costs more than the call's JSON).
    return { response: { statusCode: answer.status, headers: answer.headers, body: Buffer.from(answer.body) } };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {}
}

function pathWithQuery(request: SdkRequest): string {
  const query = Object.entries(request.query ?? {}).flatMap(([k, v]) => (v === null ? [k] : (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`)));
  return query.length ? `${request.path}?${query.join('&')}` : request.path;
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('the in-process KMS transport carries string or byte bodies only');
}

/** Whether drills use the in-process transport to the embedded KMS (the default) or loopback HTTP. */
export function inProcessTransport(): boolean {
  return process.env.KEYDRILL_EMBEDDED_TRANSPORT !== 'http';
}
