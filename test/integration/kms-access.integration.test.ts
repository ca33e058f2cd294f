import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  type KMSClient,
  PutKeyPolicyCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultIdentities } from '../../src-main/kms/embedded/identities';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * Key policies decide who may use a key, over real HTTP through @aws-sdk/client-kms: the admin
 * (IAM policy kms:* in its account) gets in through the account root; the service role (no IAM
 * policy) only through a statement that names it.
 */
const ACCOUNT = '111122223333';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:user/keydrill-admin`;
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/keydrill-service`;
const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'kms:*', Resource: '*' };

const policyWith = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: [ROOT_STATEMENT, ...statements] });

/** A statement letting the service role generate and decrypt data keys, optionally only under `condition`. */
const serviceUse = (condition?: object): object => ({
  Sid: 'AllowServiceRoleUse',
  Effect: 'Allow',
  Principal: { AWS: SERVICE_ROLE },
  Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});

async function expectRefused(call: Promise<unknown>, action: string, resource: string, why?: string): Promise<void> {
  const err = await failure(call);
  expect(err.name).toBe('AccessDeniedException');
  expect(err.message).toContain(`is not authorized to perform: ${action} on resource: ${resource}`);
  if (why) expect(err.message).toContain(why);
}

let h: KmsHarness;
let admin: KMSClient;
let service: KMSClient;

beforeEach(async () => {
  h = await startKms();
  admin = h.client('admin');
  service = h.client('service');
});

afterEach(async () => {
  await h.close();
});

async function createKey(policy?: string): Promise<{ keyId: string; arn: string }> {
  const { KeyMetadata } = await admin.send(new CreateKeyCommand({ Description: 'access test', ...(policy ? { Policy: policy } : {}) }));
  return { keyId: KeyMetadata?.KeyId as string, arn: KeyMetadata?.Arn as string };
}

/** GenerateDataKey as `client` with `context`: resolves when allowed. */
const dataKey = (client: KMSClient, keyId: string, context?: Record<string, string>) =>
  client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', ...(context ? { EncryptionContext: context } : {}) }));

describe('the default key policy', () => {
  it('refuses the service role GenerateDataKey, naming the action and the key ARN', async () => {
    const key = await createKey();
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn, 'because no resource-based policy allows the kms:GenerateDataKey action');
  });

  it('lets the admin in through the account root, which delegates to its IAM policy', async () => {
    const key = await createKey();
    const dk = await dataKey(admin, key.keyId);
    expect(dk.KeyId).toBe(key.arn);
    expect(dk.Plaintext).toHaveLength(32);
    const back = await admin.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(Buffer.from(back.Plaintext as Uint8Array).equals(Buffer.from(dk.Plaintext as Uint8Array))).toBe(true);
  });
});

describe('key policy statements naming the service role', () => {
  it('a statement for the service role lets it GenerateDataKey and Decrypt, and nothing more', async () => {
    const key = await createKey(policyWith(serviceUse()));
    const dk = await dataKey(service, key.keyId);
    const back = await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(back.KeyId).toBe(key.arn);
    expect(Buffer.from(back.Plaintext as Uint8Array).equals(Buffer.from(dk.Plaintext as Uint8Array))).toBe(true);
    await expectRefused(service.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from('x') })), 'kms:Encrypt', key.arn);
  });

  it('drill key-policy-revoke: removing the statement with PutKeyPolicy makes the very next Decrypt fail', async () => {
    const key = await createKey(policyWith(serviceUse()));
    const dk = await dataKey(service, key.keyId);
    await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));

    await admin.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: policyWith() }));

    await expectRefused(service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })), 'kms:Decrypt', key.arn);
    const { Policy } = await admin.send(new GetKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default' }));
    expect(Policy).not.toContain(SERVICE_ROLE);
    // The admin still decrypts what the service role can no longer read.
    await admin.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
  });

  it('an explicit Deny for the admin wins over the account root Allow', async () => {
    const deny = { Sid: 'DenyAdminEncrypt', Effect: 'Deny', Principal: { AWS: ADMIN }, Action: 'kms:Encrypt', Resource: '*' };
    const key = await createKey(policyWith(deny));
    await expectRefused(
      admin.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from('secret') })),
      'kms:Encrypt',
      key.arn,
      'with an explicit deny in a resource-based policy',
    );
    // Everything the Deny does not name is still allowed through the root statement.
    const { KeyMetadata } = await admin.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    expect(KeyMetadata?.KeyState).toBe('Enabled');
  });
});

describe('conditions in key policy statements', () => {
  it('StringEquals on kms:EncryptionContext:tenant allows the right tenant and refuses another tenant or no context', async () => {
    const key = await createKey(policyWith(serviceUse({ StringEquals: { 'kms:EncryptionContext:tenant': 'acme' } })));
    const dk = await dataKey(service, key.keyId, { tenant: 'acme' });
    await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { tenant: 'acme' } }));
    await expectRefused(dataKey(service, key.keyId, { tenant: 'globex' }), 'kms:GenerateDataKey', key.arn);
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn);
  });

  it('StringLike on an encryption context value allows only values matching the pattern', async () => {
    const key = await createKey(policyWith(serviceUse({ StringLike: { 'kms:EncryptionContext:bucket': 'invoices-*' } })));
    await dataKey(service, key.keyId, { bucket: 'invoices-2026' });
    await expectRefused(dataKey(service, key.keyId, { bucket: 'payroll-2026' }), 'kms:GenerateDataKey', key.arn);
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn);
  });

  it('Null "false" on a context key requires the key to be present, whatever its value', async () => {
    const key = await createKey(policyWith(serviceUse({ Null: { 'kms:EncryptionContext:tenant': 'false' } })));
    await dataKey(service, key.keyId, { tenant: 'acme' });
    await dataKey(service, key.keyId, { tenant: 'globex', purpose: 'backup' });
    await expectRefused(dataKey(service, key.keyId, { purpose: 'backup' }), 'kms:GenerateDataKey', key.arn);
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn);
  });

  it('ForAllValues:StringEquals on kms:EncryptionContextKeys refuses unlisted keys and, as in AWS, allows an empty context', async () => {
    const key = await createKey(policyWith(serviceUse({ 'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['tenant', 'purpose'] } })));
    await dataKey(service, key.keyId, { tenant: 'acme' });
    await dataKey(service, key.keyId, { tenant: 'acme', purpose: 'backup' });
    await expectRefused(dataKey(service, key.keyId, { tenant: 'acme', region: 'eu' }), 'kms:GenerateDataKey', key.arn);
    await dataKey(service, key.keyId); // no keys at all: "for all values" holds vacuously
  });

  it('ForAnyValue:StringEquals on kms:EncryptionContextKeys needs at least one listed key', async () => {
    const key = await createKey(policyWith(serviceUse({ 'ForAnyValue:StringEquals': { 'kms:EncryptionContextKeys': 'tenant' } })));
    await dataKey(service, key.keyId, { tenant: 'acme', region: 'eu' });
    await expectRefused(dataKey(service, key.keyId, { region: 'eu' }), 'kms:GenerateDataKey', key.arn);
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn);
  });

  it('a key policy naming a principal that does not exist is refused when it is set, as AWS refuses it; one of an account KeyDrill does not model is taken on trust', async () => {
    const typo = policyWith({ ...serviceUse(), Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/keydrill-servise` } });
    const invalid = { name: 'MalformedPolicyDocumentException', message: 'Policy contains a statement with one or more invalid principals.' };
    expect(await failure(admin.send(new CreateKeyCommand({ Policy: typo })))).toMatchObject(invalid);
    const key = await createKey(policyWith(serviceUse()));
    for (const principal of [`arn:aws:iam::${ACCOUNT}:user/nobody`, `arn:aws:sts::${ACCOUNT}:assumed-role/no-such-role/s1`]) {
      const policy = policyWith({ ...serviceUse(), Principal: { AWS: [SERVICE_ROLE, principal] } });
      expect(await failure(admin.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: policy })))).toMatchObject(invalid);
    }
    // The policy in force is the one the key had: the service role still uses the key.
    await dataKey(service, key.keyId);
    const known = policyWith({ ...serviceUse(), Principal: { AWS: [`arn:aws:sts::${ACCOUNT}:assumed-role/keydrill-service/any-session`, 'arn:aws:iam::444455556666:role/keydrill-vendor', 'arn:aws:iam::999988887777:role/elsewhere', ADMIN] } });
    await admin.send(new PutKeyPolicyCommand({ KeyId: key.keyId, PolicyName: 'default', Policy: known }));
  });

  it('kms:CallerAccount allows callers of the named account only', async () => {
    const own = await createKey(policyWith(serviceUse({ StringEquals: { 'kms:CallerAccount': ACCOUNT } })));
    await dataKey(service, own.keyId);
    const other = await createKey(policyWith(serviceUse({ StringEquals: { 'kms:CallerAccount': '444455556666' } })));
    await expectRefused(dataKey(service, other.keyId), 'kms:GenerateDataKey', other.arn);
  });

  it('aws:PrincipalArn with ArnLike matches the role ARN behind the assumed-role session', async () => {
    const any = (pattern: string): object => ({ ...serviceUse({ ArnLike: { 'aws:PrincipalArn': pattern } }), Principal: { AWS: '*' } });
    const matching = await createKey(policyWith(any(`arn:aws:iam::${ACCOUNT}:role/keydrill-*`)));
    await dataKey(service, matching.keyId);
    const other = await createKey(policyWith(any(`arn:aws:iam::${ACCOUNT}:role/billing-*`)));
    await expectRefused(dataKey(service, other.keyId), 'kms:GenerateDataKey', other.arn);
  });

  it('a kms:ViaService condition refuses a direct call that comes through no AWS service', async () => {
    const key = await createKey(policyWith(serviceUse({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })));
    await expectRefused(dataKey(service, key.keyId), 'kms:GenerateDataKey', key.arn);
  });

  it('the same kms:ViaService condition allows a call that arrives through S3', async () => {
    await h.close();
    const identities = defaultIdentities().map((id) => (id.name === 'service' ? { ...id, viaService: 's3.us-east-1.amazonaws.com' } : id));
    h = await startKms({ identities });
    admin = h.client('admin');
    const key = await createKey(policyWith(serviceUse({ StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } })));
    const dk = await dataKey(h.client('service'), key.keyId);
    expect(dk.KeyId).toBe(key.arn);
  });

  it('BoolIfExists passes when the key is absent from the request, while plain Bool refuses', async () => {
    // kms:GrantIsForAWSResource exists only in grant requests, so a GenerateDataKey request lacks it.
    const ifExists = await createKey(policyWith(serviceUse({ BoolIfExists: { 'kms:GrantIsForAWSResource': 'true' } })));
    await dataKey(service, ifExists.keyId);
    const plain = await createKey(policyWith(serviceUse({ Bool: { 'kms:GrantIsForAWSResource': 'true' } })));
    await expectRefused(dataKey(service, plain.keyId), 'kms:GenerateDataKey', plain.arn);
  });
});
