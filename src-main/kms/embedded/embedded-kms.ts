import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStore } from '../../audit/event-store';
import { CloudTrailServiceError, cloudTrailOperation, serveCloudTrail } from '../../audit/lookup-events-server';
import { systemClock, type Clock } from '../../common/clock';
import type { IdSource } from '../../common/id-source';
import { lockDataFolder, loadOrCreateIdentities, prepareDataFolder, saveIdentities } from './data-folder';
import { IdentityRegistry, type SessionNetwork } from './identity-registry';
import { KmsError } from './errors';
import { DEFAULT_ACCOUNT, defaultIdentities, type Identity } from './identities';
import { KmsCore, type KmsServiceEvent } from './kms-core';
import { KmsStore } from './kms-store';
import { MaterialVault } from './material-vault';
import { KMS_OPERATIONS } from './operations/index';
import { RequestQuota } from './request-quota';
import { SigV4Verifier } from './sigv4-verify';
import { isJsonProtocol, UNKNOWN_OPERATION_RESPONSE } from './wire-protocol';
import { healthAnswer } from './health';
import { answerBeforeBodyEnds, declaredOversize, MAX_BODY, readRequestBody, sendAnswer, tooLargeMessage, type OversizedBody } from './request-body';

export interface EmbeddedKmsOptions {
  /** Folder for kms.sqlite, root.key and identities.json; undefined keeps everything in memory. */
  dataDir?: string | undefined;
  /** Drives rotation dates and deletion windows; a drill passes its virtual clock. */
  clock?: Clock;
  account?: string;
  /** Fixed identities (otherwise the data folder's, or fresh ones for an in-memory KMS). */
  identities?: Identity[];
  /** Cryptographic requests per second per region before ThrottlingException; undefined = no quota. */
  requestsPerSecond?: number | undefined;
  /** Source of key, material and grant ids and request ids; a drill passes a seeded one. Key material stays random. */
  ids?: IdSource | undefined;
  /**
   * Also accept LocalStack's habitual `test`/`test` credentials as the administrator (opt-in: anyone
   * who can reach the port could then administer the keys, as with LocalStack).
   */
  acceptTestCredentials?: boolean | undefined;
  /** What the health check reports as the version (the CLI passes KeyDrill's). */
  version?: string | undefined;
  /** Answers CloudTrail LookupEvents (any SDK's `…CloudTrail_20131101.*` target, signed for `cloudtrail`) from this store; undefined = not served. */
  eventStore?: EventStore | undefined;
  /** What KMS does on its own (a rotation, a deletion at the end of its window), as it happens: a drill records them as CloudTrail's AwsServiceEvents. */
  onServiceEvent?: ((event: KmsServiceEvent) => void) | undefined;
}

/** What every served request reports, for a request log; never carries request or response bodies. */
export interface RequestRecord {
  operation: string;
  region: string | undefined;
  caller: string | undefined;
  status: number;
  errorCode: string | undefined;
  durationMs: number;
}

/**
 * A KMS call the server answered for an authenticated caller, as `keydrill kms serve` writes it to
 * CloudTrail (AWS writes every such call, refusals included). The request's members are as they came
 * off the wire (blobs in base64), the answer's as they go back; the request id is the one answered.
 */
export interface ServedCall {
  operation: string;
  region: string;
  identity: Identity;
  input: Record<string, unknown>;
  output: Record<string, unknown> | undefined;
  error: { name: string; message: string } | undefined;
  requestId: string;
  userAgent: string | undefined;
  /** When it was answered, on the server's clock (epoch ms). */
  at: number;
}

/** What dispatch learns of a KMS call, for onCall: who called, in which region, with what, and what came back. */
type CallFacts = Partial<Pick<ServedCall, 'region' | 'identity' | 'input' | 'output' | 'error'>>;

/** One request as it came off the wire: what the server needs of it, whether it came over HTTP or in-process. */
export interface WireRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The answer to a WireRequest: status, headers and the JSON body. */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const TARGET_PREFIX = 'TrentService.';

/**
 * The embedded KMS: an HTTP server on 127.0.0.1 that speaks the AWS KMS JSON 1.1 protocol, so
 * `@aws-sdk/client-kms`, the AWS CLI and any AWS SDK use it as they would use AWS.
 */
export class EmbeddedKms {
  readonly core: KmsCore;
  /** Every credential accepted, and the administrator's levers: IAM policies, role sessions and their network path. */
  readonly registry: IdentityRegistry;
  readonly account: string;
  readonly acceptsTestCredentials: boolean;
  private readonly version: string;
  onRequest: ((record: RequestRecord) => void) | undefined;
  /** Each KMS call of an authenticated caller, answered or refused (`keydrill kms serve` writes them to CloudTrail; a drill records its calls on the client). */
  onCall: ((call: ServedCall) => void) | undefined;
  private readonly verifier: SigV4Verifier;
  private readonly cloudTrailVerifier: SigV4Verifier;
  private readonly eventStore: EventStore | undefined;
  private readonly quota: RequestQuota | undefined;
  private readonly onServiceEvent: ((event: KmsServiceEvent) => void) | undefined;
  private readonly releaseLock: () => void;
  private server: Server | undefined;

  constructor(options: EmbeddedKmsOptions = {}) {
    this.account = options.account ?? DEFAULT_ACCOUNT;
    const dir = options.dataDir;
    if (dir) prepareDataFolder(dir);
    this.releaseLock = dir ? lockDataFolder(dir) : () => undefined;
    try {
      const identities = options.identities ?? (dir ? loadOrCreateIdentities(dir, this.account) : defaultIdentities(this.account, options.ids));
      this.registry = new IdentityRegistry(identities, options.ids, dir && !options.identities ? (ids) => saveIdentities(dir, ids) : undefined);
      const vault = dir ? MaterialVault.openOrCreate(dir) : MaterialVault.ephemeral();
      this.core = new KmsCore(KmsStore.open(dir, vault), options.clock ?? systemClock, options.ids);
      this.core.principalExists = (arn) => this.registry.principalExists(arn);
    } catch (err) {
      this.releaseLock();
      throw err;
    }
    this.acceptsTestCredentials = options.acceptTestCredentials ?? false;
    this.version = options.version ?? 'dev';
    // LocalStack's test/test, signing as the administrator (same ARN, so CloudTrail and policies see the admin).
    if (this.acceptsTestCredentials) this.registry.addAlias('admin', 'test', 'test');
    const lookup = (accessKeyId: string) => this.registry.byAccessKey(accessKeyId);
    this.verifier = new SigV4Verifier(lookup, 'kms');
    this.cloudTrailVerifier = new SigV4Verifier(lookup, 'cloudtrail');
    this.eventStore = options.eventStore;
    this.quota = options.requestsPerSecond ? new RequestQuota(options.requestsPerSecond) : undefined;
    this.onServiceEvent = options.onServiceEvent;
  }

  /**
   * Lets the clock act now — rotations and deletions whose date has come happen — as it does before
   * every request. A drill calls this before each of its events, so what KMS does on its own is
   * written at its own moment, not inside the next call that happens to reach KMS.
   */
  letTimeAct(): void {
    try {
      this.core.processDue();
    } catch (err) {
      this.core.dropServiceEvents();
      throw err;
    }
    this.publishServiceEvents();
  }

  private publishServiceEvents(): void {
    const events = this.core.takeServiceEvents();
    if (this.onServiceEvent) for (const e of events) this.onServiceEvent(e);
  }

  /** The named identities (admin, service, vendor), with their current IAM policies. */
  get identities(): readonly Identity[] {
    return this.registry.identities;
  }

  identity(name: string): Identity {
    return this.registry.identity(name);
  }

  /**
   * The administrator's side of IAM: replaces an identity's IAM policy (undefined removes it), for all
   * its sessions at once. A malformed policy is refused with the reason. Kept in the data folder.
   */
  setIamPolicy(name: string, policy: string | undefined): void {
    if (policy !== undefined) {
      try {
        this.core.access.policy(policy, false);
      } catch (err) {
        throw new Error(`The IAM policy for ${name} is not valid: ${(err as Error).message}`, { cause: err });
      }
    }
    this.registry.setIamPolicy(name, policy);
  }

  /** A session of a role for one client (a node), on a declared network path: see identity-registry.ts. */
  startSession(name: string, sessionName: string, network: SessionNetwork = {}): Identity {
    return this.registry.startSession(name, sessionName, network);
  }

  /** The session that renews a role session, created at `createdAt`: see identity-registry.ts. */
  renewSession(accessKeyId: string, createdAt: number): Identity {
    return this.registry.renewSession(accessKeyId, createdAt);
  }

  /** The network path a session calls from now (undefined for an identity that is no session, or one without a path). */
  sessionNetwork(accessKeyId: string): SessionNetwork | undefined {
    const identity = this.registry.byAccessKey(accessKeyId);
    return identity && (identity.sourceIp !== undefined || identity.sourceVpce !== undefined) ? { sourceIp: identity.sourceIp, sourceVpce: identity.sourceVpce } : undefined;
  }

  setSessionNetwork(accessKeyId: string, network: SessionNetwork): Identity {
    return this.registry.setSessionNetwork(accessKeyId, network);
  }

  endSession(accessKeyId: string): void {
    this.registry.endSession(accessKeyId);
  }

  /** Starts serving on 127.0.0.1; port 0 picks a free port. Returns the endpoint URL. */
  async listen(port = 0): Promise<string> {
    const server = createServer({ keepAlive: true }, (req, res) => this.serve(req, res));
    // A client that asks before sending a body (Expect: 100-continue) and declares one too large is
    // answered without being invited to send it.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (!declaredOversize(req)) res.writeContinue();
      this.serve(req, res);
    });
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.endpoint;
  }

  get endpoint(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('The embedded KMS is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.core.store.close();
    this.releaseLock();
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const wire = (body: Buffer): WireRequest => ({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
    readRequestBody(
      req,
      (body) => sendAnswer(res, this.answer(wire(body))),
      (oversized) => answerBeforeBodyEnds(req, res, this.answer(wire(Buffer.alloc(0)), oversized)),
    );
  }

  /**
   * Answers one request exactly as the HTTP server does — signature, quota, operation, errors — for
   * the server itself and for clients in this process that hand requests over without a socket (a
   * drill's SDK clients: see src-main/kms/in-process-handler.ts). `oversized` says that the body on the
   * wire was too large to read (request.body is then empty).
   */
  answer(request: WireRequest, oversized?: OversizedBody): WireResponse {
    const started = performance.now();
    const record: RequestRecord = { operation: '', region: undefined, caller: undefined, status: 200, errorCode: undefined, durationMs: 0 };
    const health = healthAnswer(request.method, request.url, { version: this.version, cloudTrail: this.eventStore !== undefined });
    if (health) return health;
    if (!isJsonProtocol(request.method, request.headers)) {
      record.status = UNKNOWN_OPERATION_RESPONSE.status;
      record.errorCode = 'UnknownOperationException';
      record.durationMs = performance.now() - started;
      this.onRequest?.(record);
      return { ...UNKNOWN_OPERATION_RESPONSE, headers: { ...UNKNOWN_OPERATION_RESPONSE.headers, 'x-amzn-requestid': this.core.ids.uuid() } };
    }
    let status = 200;
    let payload: unknown;
    // Gathered only for a listener (kms serve): a drill's calls, recorded on the client, pay nothing for it.
    const call: CallFacts | undefined = this.onCall ? {} : undefined;
    try {
      const tooLarge = oversized ?? (request.body.length > MAX_BODY ? { bytes: request.body.length } : undefined);
      if (tooLarge) throw new KmsError('ValidationException', tooLargeMessage(tooLarge));
      payload = this.dispatch(request, request.body, record, call);
    } catch (err) {
      const error = err instanceof KmsError || err instanceof CloudTrailServiceError ? err : internalError(err);
      status = error.httpStatus;
      record.errorCode = error.code;
      if (call) call.error = { name: error.code, message: error.message };
      payload = error.toWire();
    }
    const body = JSON.stringify(payload);
    record.status = status;
    record.durationMs = performance.now() - started;
    this.onRequest?.(record);
    const requestId = this.core.ids.uuid();
    if (this.onCall && call?.identity && call.region && call.input) {
      const userAgent = request.headers['user-agent'];
      this.onCall({ operation: record.operation, region: call.region, identity: call.identity, input: call.input, output: call.output, error: call.error, requestId, userAgent: Array.isArray(userAgent) ? userAgent[0] : userAgent, at: this.core.clock.now() });
    }
    return {
      status,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': requestId,
        ...(record.errorCode ? { 'x-amzn-errortype': record.errorCode } : {}),
      },
      body,
    };
  }

  private dispatch(req: WireRequest, body: Buffer, record: RequestRecord, call: CallFacts | undefined): unknown {
    const target = String(req.headers['x-amz-target'] ?? '');
    const cloudTrail = cloudTrailOperation(target);
    if (this.eventStore && cloudTrail !== undefined) return this.dispatchCloudTrail(this.eventStore, req, body, record, target, cloudTrail);
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    record.operation = name || target;
    const operation = Object.hasOwn(KMS_OPERATIONS, name) ? KMS_OPERATIONS[name] : undefined;
    if (!operation) throw new KmsError('UnknownOperationException', target ? `Unknown operation ${target}` : 'Missing X-Amz-Target header');
    const { identity, region } = this.verifier.verify(req.method, req.url, req.headers, body);
    record.region = region;
    record.caller = identity.name;
    let json: unknown;
    try {
      json = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      throw new KmsError('SerializationException', 'The request body is not valid JSON.');
    }
    // What CloudTrail would hold of it: an authenticated caller's request read as JSON (a body that is not an object is refused below, and written as {}).
    if (call) Object.assign(call, { identity, region, input: json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>) : {} });
    this.quota?.take(identity.account, region, name);
    this.letTimeAct();
    let result: Record<string, unknown>;
    try {
      result = operation.handle(this.core, { caller: identity, region }, json);
    } catch (err) {
      // Refused or failed: its changes were not kept, so neither are its service events.
      this.core.dropServiceEvents();
      throw err;
    }
    this.publishServiceEvents();
    if (call) call.output = result;
    return result;
  }

  /** CloudTrail requests: signed for service `cloudtrail`, answered from the event store (audit/lookup-events-server.ts). */
  private dispatchCloudTrail(store: EventStore, req: WireRequest, body: Buffer, record: RequestRecord, target: string, name: string): unknown {
    record.operation = target;
    if (name !== 'LookupEvents') throw new CloudTrailServiceError('UnknownOperationException', `Unknown operation ${target}`);
    const { identity, region } = this.cloudTrailVerifier.verify('POST', req.url, req.headers, body);
    record.region = region;
    record.caller = identity.name;
    if (name === 'LookupEvents') authorizeTrailRead(this.core, identity);
    return serveCloudTrail(store, name, body, { region, account: identity.account });
  }
}

/** As in AWS, reading event history takes cloudtrail:LookupEvents in the caller's IAM policy (the service role has none). */
function authorizeTrailRead(core: KmsCore, caller: Identity): void {
  try {
    core.access.authorize({ caller, action: 'cloudtrail:LookupEvents', key: undefined });
  } catch (err) {
    if (err instanceof KmsError) throw new CloudTrailServiceError('AccessDeniedException', err.message);
    throw err;
  }
}

function internalError(err: unknown): KmsError {
  // The message stays generic: an internal error's text could quote state it should not.
  process.emitWarning(`embedded KMS internal error: ${(err as Error)?.name ?? 'Error'}: ${(err as Error)?.stack ?? String(err)}`);
  return new KmsError('KMSInternalException', 'The request was rejected because an internal exception occurred. The request can be retried.');
}
