import type { IdSource } from '../common/id-source';
import { KMS_READ_ONLY_EVENTS, type CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * Builds the CloudTrail record of one KMS call from what the SDK saw: the command's input, its
 * output or error. The shape follows CloudTrail's KMS events (requestParameters in lowerCamelCase,
 * responseElements null for cryptographic calls, the key ARN under resources). Blobs — plaintext,
 * ciphertext, grant tokens — are dropped before anything is kept: no key material can reach a record.
 */
export interface CallerIdentity {
  type: string;
  arn?: string | undefined;
  accountId?: string | undefined;
  accessKeyId?: string | undefined;
  principalId?: string | undefined;
}

export interface KmsCallFacts {
  operation: string; // "Decrypt"
  region: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown> | undefined;
  error?: { name: string; message: string } | undefined;
  identity: CallerIdentity;
  account: string | undefined;
  /** Epoch ms of the call, from the drill's clock. */
  at: number;
  requestId: string | undefined;
  userAgent: string;
  sourceIPAddress: string;
  /** False when the call never reached the KMS (an injected or real outage). */
  reachedKms: boolean;
  /** Identifier source for eventID (and requestID when the call got no answer). */
  ids: IdSource;
}

const DROPPED = new Set(['Plaintext', 'CiphertextBlob', 'GrantTokens', 'GrantToken', 'Recipient', 'CiphertextForRecipient', '$metadata']);
/** Members that are maps of caller-chosen keys: their keys are kept verbatim, not camelCased. */
const VERBATIM_MAPS = new Set(['EncryptionContext', 'SourceEncryptionContext', 'DestinationEncryptionContext', 'EncryptionContextSubset', 'EncryptionContextEquals']);
/** Write calls whose response CloudTrail keeps (identifiers and metadata only). */
const KEEP_RESPONSE = new Set(['CreateKey', 'ScheduleKeyDeletion', 'CancelKeyDeletion', 'ReplicateKey', 'CreateGrant', 'RotateKeyOnDemand']);

export function buildKmsEvent(facts: KmsCallFacts): CloudTrailRecord {
  const eventName = facts.operation;
  const record: CloudTrailRecord = {
    eventVersion: '1.11',
    userIdentity: { ...compact(facts.identity as unknown as Record<string, unknown>), type: facts.identity.type },
    eventTime: cloudTrailTime(facts.at),
    eventSource: 'kms.amazonaws.com',
    eventName,
    awsRegion: facts.region,
    sourceIPAddress: facts.sourceIPAddress,
    userAgent: facts.userAgent,
    requestParameters: sanitize(facts.input) as Record<string, unknown>,
    responseElements: facts.output && KEEP_RESPONSE.has(eventName) ? (sanitize(facts.output) as Record<string, unknown>) : null,
    requestID: facts.requestId ?? facts.ids.uuid(),
    eventID: facts.ids.uuid(),
    readOnly: KMS_READ_ONLY_EVENTS.has(eventName),
    resources: keyArns(facts).map((ARN) => ({ accountId: facts.account, type: 'AWS::KMS::Key', ARN })),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: facts.account,
    eventCategory: 'Management',
  };
  if (facts.error) {
    record.errorCode = facts.error.name;
    record.errorMessage = facts.error.message;
  }
  // CloudTrail never sees a call that did not reach KMS; KeyDrill records it so a drill can show the
  // outage, and marks it as such.
  if (!facts.reachedKms) record.additionalEventData = { keydrillClientSide: true, reachedKms: false };
  return record;
}

/** CloudTrail's time format: ISO 8601, UTC, whole seconds. */
export function cloudTrailTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function sanitize(value: unknown, verbatim = false): unknown {
  if (value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => sanitize(v)).filter((v) => v !== undefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!verbatim && DROPPED.has(key)) continue;
    const clean = sanitize(v, !verbatim && VERBATIM_MAPS.has(key));
    if (clean !== undefined) out[verbatim ? key : key.charAt(0).toLowerCase() + key.slice(1)] = clean;
  }
  return out;
}

function compact(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const KEY_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;

/** The key ARNs a call touched: from the response where KMS named them, else from the request. */
function keyArns(facts: KmsCallFacts): string[] {
  const arns = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v !== 'string') return;
    if (v.startsWith('arn:aws:kms:') && v.includes(':key/')) arns.add(v);
    else if (KEY_ID.test(v) && facts.account) arns.add(`arn:aws:kms:${facts.region}:${facts.account}:key/${v}`);
  };
  const out = facts.output ?? {};
  add(out.KeyId);
  add(out.SourceKeyId);
  add((out.KeyMetadata as { Arn?: unknown } | undefined)?.Arn);
  if (arns.size === 0) {
    add(facts.input.KeyId);
    add(facts.input.TargetKeyId);
    add(facts.input.SourceKeyId);
    add(facts.input.DestinationKeyId);
  }
  return [...arns];
}
