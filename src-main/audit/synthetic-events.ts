import { KMS_READ_ONLY_EVENTS, type CloudTrailRecord } from '../../src-shared/cloudtrail';
import { formatEventTime } from './event-time';
import { seededRandom } from '../common/seeded-random';

/**
 * Realistic KMS CloudTrail records from a seed, for the store benchmark, tests and demo data:
 * the mix of a SaaS fleet using customer-managed keys — mostly Decrypt and GenerateDataKey by
 * service-role sessions (a fresh session and access key every hour), a few administrative calls
 * by people, several regions and keys, tenant encryption contexts, about 2% errors.
 * Same seed, same records. Never any key material: key ids and encryption contexts only.
 */
export interface SyntheticOptions {
  count: number;
  /** Time of the first event, ms. */
  start: number;
  /** Events are spread evenly (with jitter, still in time order) over this many ms. */
  durationMs: number;
  seed?: number;
  /** Share of calls that fail, 0..1 (default 0.02). */
  errorRate?: number;
  account?: string;
  regions?: readonly string[];
}

const OPERATIONS: readonly [string, number][] = [
  ['Decrypt', 46], ['GenerateDataKey', 24], ['Encrypt', 9], ['GenerateDataKeyWithoutPlaintext', 4], ['ReEncrypt', 3],
  ['DescribeKey', 8], ['ListAliases', 1], ['GetKeyRotationStatus', 1], ['CreateGrant', 1], ['RetireGrant', 0.5],
  ['DisableKey', 0.3], ['EnableKey', 0.3], ['RotateKeyOnDemand', 0.3], ['PutKeyPolicy', 0.3], ['ScheduleKeyDeletion', 0.1],
];
const ERRORS: readonly [string, string][] = [
  ['AccessDenied', 'is not authorized to perform: kms:Decrypt on this resource because no resource-based policy allows the kms:Decrypt action'],
  ['DisabledException', 'is disabled.'],
  ['KMSInvalidStateException', 'is pending deletion.'],
  ['ThrottlingException', 'Rate exceeded'],
  ['InvalidCiphertextException', 'The ciphertext is invalid or the encryption context does not match.'],
  ['NotFoundException', 'does not exist.'],
];
const NODES = 12;
const TLS = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384' };

export function* syntheticKmsEvents(options: SyntheticOptions): Generator<CloudTrailRecord> {
  const random = seededRandom(options.seed ?? 1);
  const account = options.account ?? '111122223333';
  const regions = options.regions ?? ['us-east-1', 'us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
  const errorRate = options.errorRate ?? 0.02;
  const keys = regions.map((region, r) => Array.from({ length: 24 }, (_, k) => `arn:aws:kms:${region}:${account}:key/${k % 4 === 0 ? 'mrk-' : ''}${uuid(seededRandom(r * 1000 + k + 7))}`));
  const totalWeight = OPERATIONS.reduce((n, [, w]) => n + w, 0);
  const step = options.count > 0 ? options.durationMs / options.count : 0;
  const sessions = new Map<string, { key: string; identity: CloudTrailRecord['userIdentity'] }>();

  for (let i = 0; i < options.count; i++) {
    const at = Math.floor(options.start + i * step + random() * step * 0.5);
    const second = Math.floor(at / 1000);
    const eventName = pick(OPERATIONS, random() * totalWeight);
    const readOnly = KMS_READ_ONLY_EVENTS.has(eventName);
    const admin = !readOnly && random() < 0.7;
    // A node calls KMS in its own region; people administer keys anywhere.
    const node = Math.floor(random() * NODES);
    const r = admin ? Math.floor(random() * regions.length) : node % regions.length;
    const region = regions[r] as string;
    const regionKeys = keys[r] as string[];
    const keyArn = regionKeys[Math.floor(random() * random() * regionKeys.length)] as string;
    const identity = admin ? person(account, Math.floor(random() * 3)) : session(sessions, account, node, Math.floor(second / 3600), random);
    const tenant = `t-${String(Math.floor(random() * random() * 400)).padStart(4, '0')}`;
    const context = { tenant, cluster: `c${Math.floor(random() * 8)}`, node: `n${Math.floor(random() * 3)}` };
    const failed = random() < errorRate ? ERRORS[Math.floor(random() * ERRORS.length)] : undefined;
    const record: CloudTrailRecord = {
      eventVersion: '1.11',
      userIdentity: identity,
      eventTime: formatEventTime(second),
      eventSource: 'kms.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: admin ? '198.51.100.24' : `10.0.${r}.${12 + node}`,
      userAgent: admin ? 'aws-cli/2.27.40 md/awscrt#0.26.1 ua/2.1 os/macos#24.5.0 md/arch#arm64 lang/python#3.13.4 cfg/retry-mode#standard md/command#kms' : 'aws-sdk-js/3.1162.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.20.2 api/kms#3.1162.0 m/E,N',
      requestParameters: requestParameters(eventName, keyArn, context),
      responseElements: eventName === 'CreateGrant' ? { grantId: hex(random, 64), keyId: keyArn } : null,
      ...(failed ? { errorCode: failed[0], errorMessage: failed[0] === 'AccessDenied' ? `User: ${identity.arn} ${failed[1]}` : failed[0] === 'ThrottlingException' ? failed[1] : `${keyArn} ${failed[1]}` } : {}),
      requestID: uuid(random),
      eventID: uuid(random),
      readOnly,
      resources: eventName === 'ListAliases' ? undefined : [{ accountId: account, type: 'AWS::KMS::Key', ARN: keyArn }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
      tlsDetails: { ...TLS, clientProvidedHostHeader: `kms.${region}.amazonaws.com` },
    };
    if (record.resources === undefined) delete record.resources;
    yield record;
  }
}

function requestParameters(eventName: string, keyId: string, encryptionContext: Record<string, string>): Record<string, unknown> {
  switch (eventName) {
    case 'Decrypt': return { encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    case 'GenerateDataKey': return { keyId, encryptionContext, keySpec: 'AES_256' };
    case 'GenerateDataKeyWithoutPlaintext': return { keyId, encryptionContext, keySpec: 'AES_256' };
    case 'Encrypt': return { keyId, encryptionContext, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    case 'ReEncrypt': return { sourceEncryptionContext: encryptionContext, destinationKeyId: keyId, destinationEncryptionContext: encryptionContext, sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    case 'ListAliases': return { limit: 100 };
    case 'CreateGrant': return { keyId, granteePrincipal: 'arn:aws:iam::111122223333:role/keydrill-service', operations: ['Decrypt', 'GenerateDataKey'], constraints: { encryptionContextSubset: encryptionContext } };
    case 'ScheduleKeyDeletion': return { keyId, pendingWindowInDays: 7 };
    default: return { keyId };
  }
}

function person(account: string, n: number): CloudTrailRecord['userIdentity'] {
  const name = ['key-admin', 'security-oncall', 'release-bot'][n] as string;
  return { type: 'IAMUser', principalId: `AIDA${'EXAMPLE'.padEnd(17, String(n))}`, arn: `arn:aws:iam::${account}:user/${name}`, accountId: account, accessKeyId: `AKIA${'EXAMPLEKEY'.padEnd(16, String(n))}`, userName: name };
}

/** A service-role session per node and hour: a new access key each time, as STS hands out. */
function session(cache: Map<string, { key: string; identity: CloudTrailRecord['userIdentity'] }>, account: string, node: number, hour: number, random: () => number): CloudTrailRecord['userIdentity'] {
  const cacheKey = `${node}`;
  const hit = cache.get(cacheKey);
  if (hit && hit.key === `${hour}`) return hit.identity;
  const sessionName = `node-${node}-${hour}`;
  const identity = {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLESERVICE01:${sessionName}`,
    arn: `arn:aws:sts::${account}:assumed-role/keydrill-service/${sessionName}`,
    accountId: account,
    accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLESERVICE01', arn: `arn:aws:iam::${account}:role/keydrill-service`, accountId: account, userName: 'keydrill-service' },
      attributes: { creationDate: formatEventTime(hour * 3600), mfaAuthenticated: 'false' },
    },
  };
  cache.set(cacheKey, { key: `${hour}`, identity });
  return identity;
}

function pick(weighted: readonly [string, number][], roll: number): string {
  for (const [name, weight] of weighted) {
    if (roll < weight) return name;
    roll -= weight;
  }
  return (weighted[0] as [string, number])[0];
}


const HEX = '0123456789abcdef';
function hex(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += HEX[Math.floor(random() * 16)];
  return s;
}

/** A version-4-shaped UUID from the PRNG. */
export function uuid(random: () => number): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${HEX[8 + Math.floor(random() * 4)]}${h.slice(17, 20)}-${h.slice(20)}`;
}
