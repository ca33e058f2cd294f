import type { IdSource } from '../common/id-source';
import { KMS_READ_ONLY_EVENTS, type CloudTrailRecord } from '../../src-shared/cloudtrail';
import { accountOfKmsArn, keyOwnerToNotify } from './cloudtrail-cross-account';
import {
  DROPPED_MEMBERS, KEEP_RESPONSE, KEY_ARN_RESPONSE, KEY_MATERIAL_OPERATIONS, KMS_EVENT_VERSION, NO_REQUEST_PARAMETERS, OMITTED_WHEN_EMPTY, REQUEST_DEFAULTS, RESPONSE_KEY_ID_BARE, TWIN_PARAMETERS, VERBATIM_MAPS,
} from './cloudtrail-kms-rules';

/**
 * Builds the CloudTrail record of one KMS call that reached KMS, field for field as AWS KMS writes
 * it (see cloudtrail-kms-rules.ts for the per-operation rules and where each comes from): the
 * request as KMS understood it (defaults filled in, lowerCamelCase, encryption contexts verbatim),
 * responseElements only where KMS keeps them, the key material a cryptographic call used, the keys
 * it touched under resources (ReEncrypt: source, then destination), who called (an assumed role with
 * its session context), and tlsDetails when the call went over TLS. Blobs — plaintext, ciphertext,
 * grant tokens — are dropped before anything is kept: no key material can reach a record.
 *
 * A call that never reached KMS is not a CloudTrail record: see client-observation-event.ts.
 */
export interface CallerIdentity {
  type: string;
  principalId?: string | undefined;
  arn?: string | undefined;
  accountId?: string | undefined;
  accessKeyId?: string | undefined;
  userName?: string | undefined;
  /** For temporary credentials: the role the session was issued for, and when. */
  sessionContext?: {
    sessionIssuer: { type: string; principalId: string; arn: string; accountId: string; userName: string };
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  } | undefined;
}

/** What a KMS server can tell of one of its own ciphertexts (the embedded KMS's name their key and key material). */
export interface CiphertextInfo {
  keyId: string;
  keyMaterialId: string;
}

/** How the call travelled, as the SDK sent it. */
export interface CallTransport {
  /** The User-Agent header sent. */
  userAgent: string | undefined;
  /** Present when the call went over TLS (https): what CloudTrail's tlsDetails records. */
  tls: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string } | undefined;
}

export interface KmsCallFacts {
  operation: string; // "Decrypt"
  region: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown> | undefined;
  /** The error KMS answered with (its exception name and message). */
  error?: { name: string; message: string } | undefined;
  identity: CallerIdentity;
  account: string | undefined;
  /** Epoch ms of the call, from the drill's clock. */
  at: number;
  requestId: string | undefined;
  transport: CallTransport;
  /** Used when the transport did not say (a test building a record by hand). */
  userAgent: string;
  sourceIPAddress: string;
  /**
   * Where the caller called from, when the drill declares it (a node's address, the VPC endpoint it
   * goes through): CloudTrail's sourceIPAddress and vpcEndpointId (KMS guide, vpce-logging), which
   * show the path a key policy's aws:SourceIp / aws:SourceVpce judged.
   */
  network?: CallerNetwork | undefined;
  /** Identifier source for eventID (and requestID when KMS sent none). */
  ids: IdSource;
  /** Reads a ciphertext of this backend, where it can (the embedded KMS): the key material an Encrypt used, the key a failed Decrypt named. */
  ciphertextInfo?: ((blob: Uint8Array) => CiphertextInfo | undefined) | undefined;
}

/** A caller's declared network path. */
export interface CallerNetwork {
  sourceIp?: string | undefined;
  sourceVpce?: string | undefined;
}

export function buildKmsEvent(facts: KmsCallFacts): CloudTrailRecord {
  const eventName = facts.operation;
  const resources = keyArns(facts);
  const additional = facts.error ? undefined : keyMaterial(facts);
  // A call on another account's key is written to that account too; both records share an id (cloudtrail-cross-account.ts).
  // Only when the caller's account is known, not guessed from a key ARN.
  const keyOwner = keyOwnerToNotify(facts.identity.accountId, resources, facts.error?.name);
  // CloudTrail's own field order.
  const record: CloudTrailRecord = {
    eventVersion: KMS_EVENT_VERSION,
    userIdentity: userIdentity(facts.identity),
    eventTime: cloudTrailTime(facts.at),
    eventSource: 'kms.amazonaws.com',
    eventName,
    awsRegion: facts.region,
    sourceIPAddress: facts.network?.sourceIp ?? facts.sourceIPAddress,
    userAgent: facts.transport.userAgent ?? facts.userAgent,
    ...(facts.error ? { errorCode: facts.error.name, errorMessage: facts.error.message } : {}),
    requestParameters: requestParameters(eventName, facts.input),
    responseElements: responseElements(eventName, facts, resources),
    ...(additional ? { additionalEventData: additional } : {}),
    requestID: facts.requestId ?? facts.ids.uuid(),
    eventID: facts.ids.uuid(),
    readOnly: KMS_READ_ONLY_EVENTS.has(eventName),
    // The key's account, not the caller's: a vendor's call on its customer's key names the customer's account here.
    resources: resources.map((ARN) => ({ accountId: accountOfKmsArn(ARN) ?? facts.account, type: 'AWS::KMS::Key', ARN })),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: facts.account,
    ...(keyOwner ? { sharedEventID: facts.ids.uuid() } : {}),
    ...(facts.network?.sourceVpce ? { vpcEndpointId: facts.network.sourceVpce } : {}),
    eventCategory: 'Management',
    ...(facts.transport.tls ? { tlsDetails: { ...facts.transport.tls } } : {}),
  };
  return record;
}

/** CloudTrail's time format: ISO 8601, UTC, whole seconds. */
export function cloudTrailTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  // A drill's records come many to a second of its clock: the last second's text is kept.
  if (second !== lastSecond.second) lastSecond = { second, text: new Date(second * 1000).toISOString().replace('.000Z', 'Z') };
  return lastSecond.text;
}

let lastSecond = { second: Number.NaN, text: '' };

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * How KMS writes dates inside responseElements (keyMetadata.creationDate, deletionDate): "Aug 10,
 * 2022, 10:38:27 PM", in UTC (ct-createkey, ct-schedule-key-deletion, ct-replicate-key).
 */
export function responseDate(date: Date): string {
  const h = date.getUTCHours();
  const two = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}, ${h % 12 === 0 ? 12 : h % 12}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** userIdentity in CloudTrail's field order; sessionContext only for temporary credentials. */
function userIdentity(identity: CallerIdentity): CloudTrailRecord['userIdentity'] {
  const { type, principalId, arn, accountId, accessKeyId, userName, sessionContext } = identity;
  return compact({
    type, principalId, arn, accountId, accessKeyId, userName,
    sessionContext: sessionContext && { sessionIssuer: { ...sessionContext.sessionIssuer }, attributes: { ...sessionContext.attributes } },
  }) as CloudTrailRecord['userIdentity'];
}

function requestParameters(eventName: string, input: Record<string, unknown>): Record<string, unknown> | null {
  if (NO_REQUEST_PARAMETERS.has(eventName)) return null;
  const params = { ...(sanitize(input) as Record<string, unknown>) };
  for (const [a, b] of TWIN_PARAMETERS[eventName] ?? []) {
    params[a] ??= params[b];
    params[b] ??= params[a];
  }
  for (const [name, value] of Object.entries(REQUEST_DEFAULTS[eventName] ?? {})) params[name] ??= value;
  return Object.keys(params).length === 0 ? null : params;
}

function responseElements(eventName: string, facts: KmsCallFacts, resources: string[]): Record<string, unknown> | null {
  if (facts.error || !facts.output) return null;
  // The key's ARN, not the alias's: an alias call lists both (keyArns).
  const key = KEY_ARN_RESPONSE.has(eventName) ? resources.find((arn) => arn.includes(':key/')) : undefined;
  if (KEEP_RESPONSE.has(eventName)) {
    const kept = sanitize(facts.output) as Record<string, unknown>;
    if (RESPONSE_KEY_ID_BARE.has(eventName) && typeof kept.keyId === 'string') kept.keyId = kept.keyId.slice(kept.keyId.lastIndexOf('/') + 1);
    if (key) kept.keyId ??= key;
    return kept;
  }
  return key ? { keyId: key } : null;
}

/** additionalEventData.keyMaterialId (ReEncrypt: source and destination) of a successful cryptographic call. */
function keyMaterial(facts: KmsCallFacts): Record<string, string> | undefined {
  if (!KEY_MATERIAL_OPERATIONS.has(facts.operation) || !facts.output) return undefined;
  const out = facts.output;
  const read = (blob: unknown) => (blob instanceof Uint8Array ? facts.ciphertextInfo?.(blob) : undefined);
  if (facts.operation === 'ReEncrypt') {
    const destination = text(out.DestinationKeyMaterialId) ?? read(out.CiphertextBlob)?.keyMaterialId;
    const source = text(out.SourceKeyMaterialId) ?? read(facts.input.CiphertextBlob)?.keyMaterialId;
    if (!destination && !source) return undefined;
    return compact({ destinationKeyMaterialId: destination, sourceKeyMaterialId: source }) as Record<string, string>;
  }
  // Encrypt's response does not name its key material (AWS's API has no such member): only the server's own ciphertext can.
  const id = text(out.KeyMaterialId) ?? read(out.CiphertextBlob)?.keyMaterialId ?? (facts.operation === 'Decrypt' ? read(facts.input.CiphertextBlob)?.keyMaterialId : undefined);
  return id ? { keyMaterialId: id } : undefined;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

function sanitize(value: unknown, verbatim = false): unknown {
  if (value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return responseDate(value);
  if (Array.isArray(value)) return value.map((v) => sanitize(v)).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!verbatim && (DROPPED_MEMBERS.has(key) || (OMITTED_WHEN_EMPTY.has(key) && Array.isArray(v) && v.length === 0))) continue;
    const clean = sanitize(v, !verbatim && VERBATIM_MAPS.has(key));
    if (clean !== undefined) out[verbatim ? key : key.charAt(0).toLowerCase() + key.slice(1)] = clean;
  }
  return out;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** A key's ARN inside a message. */
const KEY_ARN_IN_TEXT = /arn:aws:kms:[a-z0-9-]+:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})/;

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/**
 * The key (and alias) ARNs a call touched, in AWS's order: from the response where KMS named them,
 * else from the request, else (a failed Decrypt or ReEncrypt naming no key) from the ciphertext
 * where the backend can read it. ReEncrypt lists its source, then its destination (ct-reencrypt);
 * CreateAlias the key, then the alias (ct-createalias); UpdateAlias the alias, then the key it now
 * points to (ct-updatealias).
 */
function keyArns(facts: KmsCallFacts): string[] {
  const { input, region, account } = facts;
  const out = facts.output ?? {};
  const arns: string[] = [];
  const add = (v: unknown) => {
    const arn = typeof v === 'string' ? keyArn(v, region, account) : undefined;
    if (arn && !arns.includes(arn)) arns.push(arn);
  };
  const fromBlob = (blob: unknown) => (blob instanceof Uint8Array ? facts.ciphertextInfo?.(blob)?.keyId : undefined);
  switch (facts.operation) {
    case 'ReEncrypt':
      add(out.SourceKeyId ?? input.SourceKeyId ?? fromBlob(input.CiphertextBlob));
      add(out.KeyId ?? input.DestinationKeyId);
      return arns;
    case 'CreateAlias':
      add(input.TargetKeyId);
      add(aliasArn(input.AliasName, region, account));
      return arns;
    case 'UpdateAlias':
      add(aliasArn(input.AliasName, region, account));
      add(input.TargetKeyId);
      return arns;
    case 'DeleteAlias':
      add(aliasArn(input.AliasName, region, account));
      return arns;
    case 'CreateKey':
      add((out.KeyMetadata as { Arn?: unknown } | undefined)?.Arn);
      return arns;
    default:
      add(out.KeyId ?? (out.KeyMetadata as { Arn?: unknown } | undefined)?.Arn);
      if (arns.length === 0) add(input.KeyId);
      if (arns.length === 0 && facts.operation === 'Decrypt') add(fromBlob(input.CiphertextBlob));
      // Named by an alias and refused: KMS found the key before it refused, and its answer names it
      // ("… is not authorized to perform: kms:Encrypt on resource: arn:aws:kms:…:key/…", "arn:… is disabled.").
      if (arns.length === 0 && facts.error) add(KEY_ARN_IN_TEXT.exec(facts.error.message)?.[0]);
      return arns;
  }
}

function keyArn(v: string, region: string, account: string | undefined): string | undefined {
  if (v.startsWith('arn:aws:kms:') && (v.includes(':key/') || v.includes(':alias/'))) return v;
  if (KEY_ID.test(v) && account) return `arn:aws:kms:${region}:${account}:key/${v}`;
  return undefined;
}

function aliasArn(name: unknown, region: string, account: string | undefined): string | undefined {
  return typeof name === 'string' && name.startsWith('alias/') && account ? `arn:aws:kms:${region}:${account}:${name}` : undefined;
}
