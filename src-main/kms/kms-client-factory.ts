import { KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import { backendText } from '../../src-shared/backend-text';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { systemClock, type Clock } from '../common/clock';
import { randomIds, type IdSource } from '../common/id-source';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import { resolveKmsEndpoint, type ResolvedEndpoint } from './aws-endpoint-config';
import type { CallerIdentity, CallerNetwork, CiphertextInfo } from './cloudtrail-event';
import type { FaultInjector } from './fault-injector';
import type { InProcessHandler } from './in-process-handler';
import { installKmsMiddleware } from './kms-middleware';
import { OneShotSha256, dropLambdaTracing, parsedEndpoint, quicklyCopiedConfig, reuseSigner } from './sdk-call-overhead';
import { signQuickly } from './quick-request-signer';
import { attemptOnce } from './single-attempt-step';
import { rememberUserAgent } from './user-agent-step';

/**
 * The one place KeyDrill builds @aws-sdk/client-kms clients, for every backend: the embedded KMS
 * (an endpoint on loopback), LocalStack (default http://localhost:4566) or AWS (the standard
 * credential chain, AWS_PROFILE, per-region clients). Every client carries the CloudTrail recorder
 * and the fault injector, so the code that talks to AWS is the code the tests run.
 */
export type KmsBackend = 'embedded' | 'localstack' | 'aws';
export const KMS_BACKENDS: readonly KmsBackend[] = ['embedded', 'localstack', 'aws'];

export interface KmsClientFactoryOptions {
  backend: KmsBackend;
  /** Required for embedded; otherwise as the AWS CLI chooses: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile's endpoint_url, then $LOCALSTACK_ENDPOINT or http://localhost:4566 for LocalStack and AWS's own endpoints for AWS. */
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined;
  /** A named profile from ~/.aws (otherwise AWS_PROFILE): its endpoint_url for every backend, its credentials for AWS. */
  profile?: string | undefined;
  /** Who the calls are made as, for CloudTrail's userIdentity (resolved from the credentials if absent). */
  identity?: CallerIdentity | undefined;
  sink?: CloudTrailSink | undefined;
  faults?: FaultInjector | undefined;
  clock?: Clock | undefined;
  runId?: (() => string | undefined) | undefined;
  /** SDK attempts per call (default 3, the SDK's standard retry mode). */
  maxAttempts?: number | undefined;
  /** How injected latency waits; a drill on a virtual clock passes its own. */
  sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Source of CloudTrail event ids; a drill passes a seeded one for reproducible records. */
  ids?: IdSource | undefined;
  /** The SDK's request handler instead of HTTP: the embedded KMS in this process (see in-process-handler.ts). */
  inProcess?: InProcessHandler | undefined;
  /** Reads the backend's own ciphertexts, where it can (the embedded KMS): CloudTrail's keyMaterialId of an Encrypt. */
  ciphertextInfo?: ((blob: Uint8Array) => CiphertextInfo | undefined) | undefined;
  /** Where these clients call from, when a drill declares it (a node's address or VPC endpoint): asked at each call. */
  callerNetwork?: (() => CallerNetwork | undefined) | undefined;
  /** Credentials that change over time, asked at each call instead of `credentials` and `identity` (a role session renewed on the drill's clock: role-session.ts). */
  session?: SessionCredentials | undefined;
}

/** Credentials, and who they make the caller in CloudTrail, as of the call that asks: both answered without delay. */
export interface SessionCredentials {
  credentials(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  caller(): Promise<CallerIdentity>;
  /** The current session's access key and caller ARN. */
  readonly accessKeyId: string;
  readonly arn: string;
}

const USER_AGENT = 'keydrill/0.1.0';

export class KmsClientFactory {
  private readonly clients = new Map<string, KMSClient>();
  private readonly httpAgent = new Agent({ keepAlive: true, maxSockets: 64 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
  private identityPromise: Promise<CallerIdentity> | undefined;
  private resolved: ResolvedEndpoint | undefined;

  constructor(readonly options: KmsClientFactoryOptions) {
    if (options.backend === 'embedded' && !options.endpoint) throw new Error('The embedded backend needs the endpoint of a running embedded KMS');
  }

  /** Where the calls go: for LocalStack and AWS chosen as the AWS CLI chooses (aws-endpoint-config.ts); undefined for AWS's regional endpoints. */
  get endpoint(): string | undefined {
    return this.resolvedEndpoint().url;
  }

  /** The endpoint and where it came from (--endpoint, AWS_ENDPOINT_URL_KMS, a profile…), resolved once. */
  resolvedEndpoint(): ResolvedEndpoint {
    const { backend, endpoint, profile } = this.options;
    this.resolved ??= backend === 'embedded' ? { url: endpoint, source: 'the embedded KMS' } : resolveKmsEndpoint({ backend, explicit: endpoint, profile });
    return this.resolved;
  }

  /** The client for a region, built once and reused (its connections stay open). */
  clientFor(region: string): KMSClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.build(region);
      this.clients.set(region, client);
    }
    return client;
  }

  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private build(region: string): KMSClient {
    const { backend } = this.options;
    const config: KMSClientConfig = {
      region,
      maxAttempts: this.options.maxAttempts ?? 3,
      customUserAgent: USER_AGENT,
      requestHandler: this.options.inProcess ?? { httpAgent: this.httpAgent, httpsAgent: this.httpsAgent },
      // Resolve each command's middleware stack once, not on every call (a drill makes 100,000s of calls;
      // measured: ~0.1 ms a call). Our middleware reads everything per call from its arguments.
      cacheMiddleware: true,
      sha256: OneShotSha256,
    };
    if (this.endpoint) config.endpoint = parsedEndpoint(this.endpoint);
    const session = this.options.session;
    // Marked memoized so the SDK does not memoize it on the wall clock: the session answers each call itself.
    if (session) config.credentials = Object.assign(() => session.credentials(), { memoized: true });
    else if (this.options.credentials) config.credentials = this.options.credentials;
    else if (backend === 'localstack') config.credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
    if (backend === 'aws' && this.options.profile) config.profile = this.options.profile;
    const client = new KMSClient(config);
    // KeyDrill gives the SDK no logger, yet its logger step still copies every call's input and
    // output through the sensitive-data filter for the no-op logger (~2% of a drill's time).
    client.middlewareStack.remove('loggerMiddleware');
    dropLambdaTracing(client);
    // The embedded KMS's requests are signed by a quicker signer that writes the SDK's signatures
    // (quick-request-signer.ts); LocalStack and AWS get the SDK's own, built once (sdk-call-overhead.ts).
    if (backend === 'embedded') signQuickly(client);
    else reuseSigner(client);
    if (config.maxAttempts === 1) attemptOnce(client);
    rememberUserAgent(client);
    quicklyCopiedConfig(client);
    installKmsMiddleware(client, {
      region,
      sink: this.options.sink,
      faults: this.options.faults,
      clock: this.options.clock ?? systemClock,
      runId: this.options.runId,
      identity: () => this.identity(client),
      userAgent: USER_AGENT,
      sourceIPAddress: backend === 'aws' ? 'keydrill.client' : '127.0.0.1',
      sleep: this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      ids: this.options.ids ?? randomIds,
      ciphertextInfo: this.options.ciphertextInfo,
      network: this.options.callerNetwork,
    });
    return client;
  }

  private identity(client: KMSClient): Promise<CallerIdentity> {
    if (this.options.session) return this.options.session.caller();
    if (this.options.identity) return Promise.resolve(this.options.identity);
    const backend = this.options.backend;
    this.identityPromise ??= client.config.credentials().then(
      (creds) => (backend === 'localstack' ? localStackIdentity(creds.accessKeyId) : { type: 'Unknown', accessKeyId: creds.accessKeyId, accountId: awsAccount() }),
      () => ({ type: 'Unknown', accountId: backend === 'localstack' ? LOCALSTACK_ACCOUNT : awsAccount() }),
    );
    return this.identityPromise;
  }
}

const LOCALSTACK_ACCOUNT = '000000000000';

/**
 * Who calls LocalStack: it takes any credentials as the root of an account — the access key itself
 * when it is twelve digits, else 000000000000 — and CloudTrail writes a root caller so.
 */
function localStackIdentity(accessKeyId: string): CallerIdentity {
  const account = /^\d{12}$/.test(accessKeyId) ? accessKeyId : LOCALSTACK_ACCOUNT;
  return { type: 'Root', principalId: account, arn: `arn:aws:iam::${account}:root`, accountId: account, accessKeyId };
}

/** The AWS account when the user named it (KEYDRILL_AWS_ACCOUNT); otherwise records learn it from the key ARNs KMS answers with. */
function awsAccount(): string | undefined {
  const account = process.env.KEYDRILL_AWS_ACCOUNT;
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * The backend could not be used at all: nothing answers at its endpoint, or it refused the
 * credentials. Not a drill outcome (a drill's own faults are answered errors it expects): the CLI
 * exits 3 ("could not run") on it, so CI tells a broken pipeline from a failed drill.
 */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
  constructor(readonly backend: KmsBackend, readonly reason: 'unreachable' | 'credentials', message: string, options?: { cause: unknown }) {
    super(message, options);
  }
}

/** Socket-level failures: no server, no route, no name, no answer. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
/** What AWS, LocalStack and the SDK's credential chain answer when the caller cannot be authenticated. */
const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError', 'UnrecognizedClientException', 'InvalidSignatureException', 'IncompleteSignatureException',
  'SignatureDoesNotMatch', 'InvalidClientTokenId', 'ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired', 'MissingAuthenticationTokenException',
]);

/**
 * The typed reading of an error from a KMS call: a BackendUnavailableError when the SDK's error says
 * the endpoint is unreachable or the credentials were refused, else undefined (the caller keeps the
 * original error).
 */
export function backendUnavailable(err: unknown, backend: KmsBackend, endpoint: string | undefined): BackendUnavailableError | undefined {
  if (err instanceof BackendUnavailableError) return err;
  if (!(err instanceof Error)) return undefined;
  // "the embedded KMS", "LocalStack's KMS at http://…", "AWS KMS at its regional endpoints".
  const where = backendText(backend, endpoint);
  const e = err as Error & { code?: string; errors?: unknown[]; $metadata?: { httpStatusCode?: number } };
  const codes = [e.code, ...(Array.isArray(e.errors) ? e.errors.map((x) => (x as { code?: string }).code) : [])];
  if (codes.some((c) => c !== undefined && UNREACHABLE_CODES.has(c)) || e.name === 'TimeoutError' || (e.name === 'AbortError' && e.$metadata?.httpStatusCode === undefined)) {
    return new BackendUnavailableError(backend, 'unreachable', `${where} is unreachable (${e.code ?? e.name}: ${firstLine(e.message)})`, { cause: err });
  }
  if (CREDENTIAL_ERRORS.has(e.name)) {
    return new BackendUnavailableError(backend, 'credentials', `${where} refused the credentials (${e.name}: ${firstLine(e.message)})`, { cause: err });
  }
  return undefined;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').slice(0, 300) || 'no message';
}
