import { createHash, createHmac } from 'node:crypto';
import { randomIds, type IdSource } from '../../common/id-source';

/**
 * Who may call the embedded KMS, as in a BYOK setup. In the customer's account (111122223333): the
 * administrator who owns the keys (IAM policy kms:* in its account, so a key policy that trusts the
 * account root lets it in) and a service role with no IAM policy (only a key policy statement naming
 * it, or a grant, lets it in). In the SaaS vendor's own account (444455556666): the vendor's role,
 * which uses the customer's keys across accounts and so needs both the key's permission and its own
 * IAM policy, as in AWS.
 */
export interface Identity {
  /** Short name used on the command line and in logs, e.g. "admin". */
  readonly name: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /**
   * Temporary (ASIA…) credentials come with a session token, as STS issues them; a request signed
   * with such a key must carry it in X-Amz-Security-Token. Undefined for long-term (AKIA…) keys.
   */
  readonly sessionToken?: string | undefined;
  readonly account: string;
  /** The IAM ARN a key policy names in `Principal` (user or role ARN). */
  readonly principalArn: string;
  /** The ARN CloudTrail shows as the caller (an assumed-role session for roles). */
  readonly callerArn: string;
  readonly type: 'IAMUser' | 'AssumedRole';
  /** The identity's own IAM policy as JSON, or undefined for none. */
  readonly iamPolicy: string | undefined;
  /** Request context the identity's calls carry, to exercise kms:ViaService / aws:SourceVpce conditions. */
  readonly viaService?: string | undefined;
  readonly sourceVpce?: string | undefined;
  /** The address the identity's requests come from, for aws:SourceIp (a session's declared network path). */
  readonly sourceIp?: string | undefined;
  /**
   * The 17 characters after AIDA/AROA of the user's or role's unique id, as CloudTrail shows it. A
   * role's sessions carry their role's, so every session of a role shows the same one; a named
   * identity has none and its unique id comes from its own long-lived key (uniqueIdOf).
   */
  readonly uniqueId?: string | undefined;
}

/** The unique id (after AIDA/AROA) of a named identity: 17 characters of its own access key, so it stays put across restarts. */
export function uniqueIdOf(identity: Pick<Identity, 'accessKeyId' | 'uniqueId'>): string {
  return identity.uniqueId ?? identity.accessKeyId.slice(4).padEnd(17, 'X').slice(0, 17);
}

/**
 * The credentials of the session that renews a role session at `createdAt` (ms): derived from the
 * current session's secret, as STS hands a refreshing client new ones, so a seeded drill gets the
 * same sessions on every run and spends none of its seeded random bytes on them (key ids and other
 * seeded ids stay as they were). Distinct sessions have distinct secrets, hence distinct renewals.
 * One SHAKE256 output gives key, secret and a token as long as sessionTokenFor's (~6 µs; ten HMACs
 * took ~40 µs, and a drill whose nodes call less than hourly renews at nearly every call).
 */
export function renewedCredentials(current: Pick<Identity, 'secretAccessKey'>, createdAt: number): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  const bytes = createHash('shake256', { outputLength: 16 + 30 + 256 }).update(`keydrill-renewal\0${current.secretAccessKey}\0${createdAt}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let accessKeyId = 'ASIA';
  for (let i = 0; i < 16; i++) accessKeyId += alphabet[(bytes[i] as number) % 32];
  return { accessKeyId, secretAccessKey: bytes.subarray(16, 46).toString('base64'), sessionToken: `IQoJb3JpZ2luX2Vj${bytes.subarray(46).toString('base64')}` };
}

export const DEFAULT_ACCOUNT = '111122223333';
/** The SaaS vendor's own AWS account, whose role uses the customer's keys across accounts (the seeds' BYOK model). */
export const VENDOR_ACCOUNT = '444455556666';

/**
 * The vendor role's IAM policy: in AWS a caller from another account needs both the key's permission
 * (key policy or grant) and this, in its own account. It allows using keys of `customerAccount`.
 */
export function vendorIamPolicy(customerAccount: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{
      Sid: 'UseCustomerManagedKeys',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant', 'kms:RetireGrant'],
      Resource: `arn:aws:kms:*:${customerAccount}:key/*`,
    }],
  });
}

/** The administrator's IAM policy: its account's keys, and its account's CloudTrail event history. */
export function adminIamPolicy(account: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      ...adminKmsStatements(account),
      { Sid: 'ReadThisAccountsEventHistory', Effect: 'Allow', Action: 'cloudtrail:LookupEvents', Resource: '*' },
    ],
  });
}

function adminKmsStatements(account: string): object[] {
  return [
    { Sid: 'AdministerKeysOfThisAccount', Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:*:${account}:*` },
    { Sid: 'OperationsOnNoKey', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:ListKeys', 'kms:ListAliases', 'kms:GenerateRandom'], Resource: '*' },
  ];
}

/** What adminIamPolicy was before LookupEvents asked for cloudtrail:LookupEvents: an older data folder's admin holds it. */
function adminIamPolicyWithoutEventHistory(account: string): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: adminKmsStatements(account) });
}

/** Access key ids look like AWS's: a 4-letter prefix and 16 upper-case base32 characters. */
function accessKeyId(prefix: 'AKIA' | 'ASIA', ids: IdSource): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = ids.bytes(16);
  let id = prefix;
  for (const b of bytes) id += alphabet[b % 32];
  return id;
}

function secret(ids: IdSource): string {
  return ids.bytes(30).toString('base64');
}

/**
 * The session token of a temporary identity: derived from its secret (so it is as hard to guess,
 * stays the same across restarts of a data folder, and costs a seeded drill no random bytes), and
 * as long as STS's tokens so clients that size buffers for them see a realistic one.
 */
export function sessionTokenFor(secretAccessKey: string): string {
  const block = (i: number): Buffer => createHmac('sha256', secretAccessKey).update(`keydrill-session-token-${i}`).digest();
  return `IQoJb3JpZ2luX2Vj${Buffer.concat([0, 1, 2, 3, 4, 5, 6, 7].map(block)).toString('base64')}`;
}

/**
 * The vendor's role in its own account (`vendor`): temporary credentials like the service role's,
 * derived from the service role's secret so a seeded drill spends no random bytes on them and an
 * older data folder can be given the identity on its next start.
 */
export function vendorIdentity(service: Identity, customerAccount: string): Identity {
  const derive = (label: string): Buffer => createHmac('sha256', service.secretAccessKey).update(`keydrill-vendor-${label}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const accessKeyId = `ASIA${[...derive('access-key').subarray(0, 16)].map((b) => alphabet[b % 32]).join('')}`;
  const secretAccessKey = derive('secret').subarray(0, 30).toString('base64');
  return withSessionToken({
    name: 'vendor',
    accessKeyId,
    secretAccessKey,
    account: VENDOR_ACCOUNT,
    principalArn: `arn:aws:iam::${VENDOR_ACCOUNT}:role/keydrill-vendor`,
    callerArn: `arn:aws:sts::${VENDOR_ACCOUNT}:assumed-role/keydrill-vendor/keydrill-session`,
    type: 'AssumedRole',
    iamPolicy: vendorIamPolicy(customerAccount),
  });
}

/** Identities from an older data folder gain what they now have: session tokens, the vendor identity, the admin's reading of its event history. */
export function upgradeIdentities(identities: readonly Identity[], customerAccount: string): Identity[] {
  const upgraded = identities.map(withSessionToken).map((i) =>
    i.name === 'admin' && i.iamPolicy === adminIamPolicyWithoutEventHistory(i.account) ? { ...i, iamPolicy: adminIamPolicy(i.account) } : i);
  const service = upgraded.find((i) => i.name === 'service');
  if (service && !upgraded.some((i) => i.name === 'vendor')) upgraded.push(vendorIdentity(service, customerAccount));
  return upgraded;
}

/** An identity read from an older data folder gets the session token its temporary key now needs. */
export function withSessionToken(identity: Identity): Identity {
  return identity.accessKeyId.startsWith('ASIA') && !identity.sessionToken ? { ...identity, sessionToken: sessionTokenFor(identity.secretAccessKey) } : identity;
}

/** Fresh credentials for the two default identities of `account`. */
export function defaultIdentities(account: string = DEFAULT_ACCOUNT, ids: IdSource = randomIds): Identity[] {
  return upgradeIdentities([
    {
      name: 'admin',
      accessKeyId: accessKeyId('AKIA', ids),
      secretAccessKey: secret(ids),
      account,
      principalArn: `arn:aws:iam::${account}:user/keydrill-admin`,
      callerArn: `arn:aws:iam::${account}:user/keydrill-admin`,
      type: 'IAMUser',
      iamPolicy: adminIamPolicy(account),
    },
    withSessionToken({
      name: 'service',
      accessKeyId: accessKeyId('ASIA', ids),
      secretAccessKey: secret(ids),
      account,
      principalArn: `arn:aws:iam::${account}:role/keydrill-service`,
      callerArn: `arn:aws:sts::${account}:assumed-role/keydrill-service/keydrill-session`,
      type: 'AssumedRole',
      iamPolicy: undefined,
    }),
  ], account);
}
