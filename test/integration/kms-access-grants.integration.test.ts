import {
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type GrantOperation,
  type KMSClient,
  ListGrantsCommand,
  ListKeysCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * Grants over real HTTP: the admin (allowed through the default key policy) grants the service
 * role (no IAM policy, not named in the key policy) the use of a key, with and without
 * encryption-context constraints, and takes it away again.
 */
const ACCOUNT = '111122223333';
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/keydrill-service`;

let h: KmsHarness;
let admin: KMSClient;
let service: KMSClient;
let key: { keyId: string; arn: string };

beforeEach(async () => {
  h = await startKms();
  admin = h.client('admin');
  service = h.client('service');
  const { KeyMetadata } = await admin.send(new CreateKeyCommand({ Description: 'grants test' }));
  key = { keyId: KeyMetadata?.KeyId as string, arn: KeyMetadata?.Arn as string };
});

afterEach(async () => {
  await h.close();
});

async function expectRefused(call: Promise<unknown>, action: string, resource: string = key.arn): Promise<void> {
  const err = await failure(call);
  expect(err.name).toBe('AccessDeniedException');
  expect(err.message).toContain(`is not authorized to perform: ${action} on resource: ${resource}`);
}

const dataKey = (client: KMSClient, context?: Record<string, string>) =>
  client.send(new GenerateDataKeyCommand({ KeyId: key.keyId, KeySpec: 'AES_256', ...(context ? { EncryptionContext: context } : {}) }));

async function grant(operations: GrantOperation[], extra: Partial<ConstructorParameters<typeof CreateGrantCommand>[0]> = {}): Promise<{ GrantId: string; GrantToken: string }> {
  const out = await admin.send(new CreateGrantCommand({ KeyId: key.keyId, GranteePrincipal: SERVICE_ROLE, Operations: operations, ...extra }));
  expect(out.GrantId).toMatch(/^[0-9a-f]{64}$/);
  return { GrantId: out.GrantId as string, GrantToken: out.GrantToken as string };
}

describe('grants to the service role', () => {
  it('a grant for GenerateDataKey and Decrypt lets the service role call both, but not Encrypt', async () => {
    await expectRefused(dataKey(service), 'kms:GenerateDataKey');
    await grant(['GenerateDataKey', 'Decrypt']);
    const dk = await dataKey(service);
    const back = await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(Buffer.from(back.Plaintext as Uint8Array).equals(Buffer.from(dk.Plaintext as Uint8Array))).toBe(true);
    await expectRefused(service.send(new EncryptCommand({ KeyId: key.keyId, Plaintext: Buffer.from('x') })), 'kms:Encrypt');
  });

  it('EncryptionContextSubset allows a matching or larger context and refuses a different or missing one', async () => {
    await grant(['GenerateDataKey', 'Decrypt'], { Constraints: { EncryptionContextSubset: { tenant: 'acme' } } });
    await dataKey(service, { tenant: 'acme' });
    const dk = await dataKey(service, { tenant: 'acme', purpose: 'backup' });
    await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { tenant: 'acme', purpose: 'backup' } }));
    await expectRefused(dataKey(service, { tenant: 'globex' }), 'kms:GenerateDataKey');
    await expectRefused(dataKey(service, { purpose: 'backup' }), 'kms:GenerateDataKey');
    await expectRefused(dataKey(service), 'kms:GenerateDataKey');
  });

  it('EncryptionContextEquals allows exactly the constrained context and refuses a larger or different one', async () => {
    await grant(['GenerateDataKey', 'Decrypt'], { Constraints: { EncryptionContextEquals: { tenant: 'acme' } } });
    const dk = await dataKey(service, { tenant: 'acme' });
    await service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { tenant: 'acme' } }));
    await expectRefused(dataKey(service, { tenant: 'acme', purpose: 'backup' }), 'kms:GenerateDataKey');
    await expectRefused(dataKey(service, { tenant: 'globex' }), 'kms:GenerateDataKey');
    await expectRefused(dataKey(service), 'kms:GenerateDataKey');
  });

  it('in a grant constraint the context key is not case-sensitive but the value is', async () => {
    // AWS GrantConstraints: "in a grant constraint, the key in each key-value pair is not case sensitive, but the value is".
    await grant(['GenerateDataKey'], { Constraints: { EncryptionContextSubset: { Tenant: 'acme' } } });
    await dataKey(service, { tenant: 'acme' });
    await dataKey(service, { TENANT: 'acme', purpose: 'backup' });
    await expectRefused(dataKey(service, { tenant: 'ACME' }), 'kms:GenerateDataKey');
  });

  it('a grant with a context constraint may include DescribeKey, and the constraint does not apply to DescribeKey', async () => {
    // AWS CreateGrant: "Grants with grant constraints can include the DescribeKey and RetireGrant
    // operations, but the constraint doesn't apply to these operations."
    await grant(['Decrypt', 'DescribeKey'], { Constraints: { EncryptionContextEquals: { tenant: 'acme' } } });
    const { KeyMetadata } = await service.send(new DescribeKeyCommand({ KeyId: key.keyId }));
    expect(KeyMetadata?.Arn).toBe(key.arn);
  });

  it('ListGrants shows the grant with its grantee, retiring principal, operations, constraints, name and issuing account', async () => {
    const { GrantId } = await grant(['GenerateDataKey', 'Decrypt'], {
      RetiringPrincipal: SERVICE_ROLE,
      Name: 'invoice-service',
      Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
    });
    const { Grants, Truncated } = await admin.send(new ListGrantsCommand({ KeyId: key.keyId }));
    expect(Truncated).toBe(false);
    expect(Grants).toHaveLength(1);
    expect(Grants?.[0]).toMatchObject({
      KeyId: key.arn,
      GrantId,
      Name: 'invoice-service',
      GranteePrincipal: SERVICE_ROLE,
      RetiringPrincipal: SERVICE_ROLE,
      IssuingAccount: `arn:aws:iam::${ACCOUNT}:root`,
      Operations: ['GenerateDataKey', 'Decrypt'],
      Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
    });
    expect(Grants?.[0]?.CreationDate?.getTime()).toBe(h.clock.now());
  });
});

describe('taking a grant away', () => {
  it('RetireGrant with the grant token, by the retiring principal, takes access away immediately', async () => {
    const { GrantToken } = await grant(['GenerateDataKey', 'Decrypt'], { RetiringPrincipal: SERVICE_ROLE });
    const dk = await dataKey(service);
    await service.send(new RetireGrantCommand({ GrantToken }));
    await expectRefused(service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })), 'kms:Decrypt');
    const { Grants } = await admin.send(new ListGrantsCommand({ KeyId: key.keyId }));
    expect(Grants).toEqual([]);
  });

  it('RevokeGrant by the admin takes access away immediately', async () => {
    const { GrantId } = await grant(['GenerateDataKey', 'Decrypt']);
    const dk = await dataKey(service);
    await admin.send(new RevokeGrantCommand({ KeyId: key.keyId, GrantId }));
    await expectRefused(service.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob })), 'kms:Decrypt');
    await expectRefused(dataKey(service), 'kms:GenerateDataKey');
  });

  it('a grantee whose grant lacks RetireGrant cannot retire it; with RetireGrant in the grant it can', async () => {
    const plain = await grant(['Decrypt']);
    await expectRefused(service.send(new RetireGrantCommand({ GrantToken: plain.GrantToken })), 'kms:RetireGrant');
    const { Grants } = await admin.send(new ListGrantsCommand({ KeyId: key.keyId }));
    expect(Grants?.map((g) => g.GrantId)).toEqual([plain.GrantId]);

    const retirable = await grant(['Decrypt', 'RetireGrant']);
    await service.send(new RetireGrantCommand({ GrantToken: retirable.GrantToken }));
    const after = await admin.send(new ListGrantsCommand({ KeyId: key.keyId }));
    expect(after.Grants?.map((g) => g.GrantId)).toEqual([plain.GrantId]);
  });
});

describe('grants the server refuses to create', () => {
  it('CreateGrant for Sign on a symmetric encryption key is a ValidationException', async () => {
    const err = await failure(admin.send(new CreateGrantCommand({ KeyId: key.keyId, GranteePrincipal: SERVICE_ROLE, Operations: ['Decrypt', 'Sign'] })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toContain('Sign');
    expect(err.message).toContain('symmetric');
    const { Grants } = await admin.send(new ListGrantsCommand({ KeyId: key.keyId }));
    expect(Grants).toEqual([]);
  });
});

describe('operations on no particular key', () => {
  it('the service role, having no IAM policy, cannot ListKeys or CreateKey', async () => {
    await expectRefused(service.send(new ListKeysCommand({})), 'kms:ListKeys', '*');
    const err = await failure(service.send(new CreateKeyCommand({})));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toContain('kms:CreateKey');
    expect(err.message).toContain('because no identity-based policy allows the kms:CreateKey action');
    const { Keys } = await admin.send(new ListKeysCommand({}));
    expect(Keys?.map((k) => k.KeyId)).toEqual([key.keyId]);
  });
});
