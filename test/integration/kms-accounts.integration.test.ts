import { CreateGrantCommand, CreateKeyCommand, DescribeKeyCommand, GenerateDataKeyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { VENDOR_ACCOUNT, vendorIamPolicy, type Identity } from '../../src-main/kms/embedded/identities';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * The BYOK account model over HTTP with the real SDK: the customer's account owns the key, the SaaS
 * vendor's role in its own account uses it — which AWS allows only with both the key's permission
 * (key policy or grant) and an IAM policy in the vendor's account — and key policies restrict use
 * to the network paths the vendor's nodes present (aws:SourceIp, aws:SourceVpce).
 */
let h: KmsHarness;
let admin: KMSClient;
let keyArn: string;
const clients: KMSClient[] = [];
const CUSTOMER = '111122223333';

function clientAs(identity: Identity): KMSClient {
  const c = new KMSClient({ endpoint: h.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: credentialsOf(identity) });
  clients.push(c);
  return c;
}

const policy = (...statements: object[]) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CUSTOMER}:root` }, Action: 'kms:*', Resource: '*' }, ...statements],
});
const VENDOR_ROLE = `arn:aws:iam::${VENDOR_ACCOUNT}:role/keydrill-vendor`;
const vendorUse = (extra: object = {}) => ({ Sid: 'VendorUse', Effect: 'Allow', Principal: { AWS: VENDOR_ROLE }, Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'], Resource: '*', ...extra });
const setKeyPolicy = (doc: string) => admin.send(new PutKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default', Policy: doc }));
const dataKey = (client: KMSClient, KeyId = keyArn) => client.send(new GenerateDataKeyCommand({ KeyId, KeySpec: 'AES_256' }));

beforeAll(async () => {
  h = await startKms();
  admin = h.client('admin');
  keyArn = (await admin.send(new CreateKeyCommand({ Policy: policy(vendorUse()) }))).KeyMetadata?.Arn as string;
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await h?.close();
});
beforeEach(async () => {
  h.kms.setIamPolicy('vendor', vendorIamPolicy(CUSTOMER));
  await setKeyPolicy(policy(vendorUse()));
});

describe('the customer\'s key used from the vendor\'s account', () => {
  it('the vendor role lives in its own account and reaches the key by its ARN; a bare key id means its own account', async () => {
    const vendor = h.kms.identity('vendor');
    expect(vendor.account).toBe(VENDOR_ACCOUNT);
    const c = clientAs(vendor);
    expect((await dataKey(c)).KeyId).toBe(keyArn);
    const bare = await failure(dataKey(c, keyArn.split('/')[1]));
    expect(bare.name).toBe('NotFoundException');
    expect(bare.message).toContain(`:${VENDOR_ACCOUNT}:key/`);
  });

  it('needs its own IAM policy as well as the key policy: removing the IAM permission (iam-permission-revoke) refuses it, restoring it lets it in again', async () => {
    const c = clientAs(h.kms.identity('vendor'));
    h.kms.setIamPolicy('vendor', undefined);
    const denied = await failure(dataKey(c));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('because no identity-based policy allows the kms:GenerateDataKey action');
    h.kms.setIamPolicy('vendor', vendorIamPolicy(CUSTOMER));
    expect((await dataKey(c)).KeyId).toBe(keyArn);
  });

  it('needs the key\'s permission as well as IAM: a key policy that does not name it refuses, one trusting its account admits it', async () => {
    const c = clientAs(h.kms.identity('vendor'));
    await setKeyPolicy(policy());
    expect((await failure(dataKey(c))).message).toContain('because no resource-based policy allows');
    await setKeyPolicy(policy({ Sid: 'VendorAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${VENDOR_ACCOUNT}:root` }, Action: 'kms:GenerateDataKey', Resource: '*' }));
    expect((await dataKey(c)).KeyId).toBe(keyArn);
    // The account trusts its IAM: without the IAM permission, nothing.
    h.kms.setIamPolicy('vendor', undefined);
    expect((await failure(dataKey(c))).name).toBe('AccessDeniedException');
  });

  it('a grant is the key\'s permission too, and still needs the IAM policy; an explicit Deny in IAM wins over everything', async () => {
    const c = clientAs(h.kms.identity('vendor'));
    // A key of its own: the grant stays on it.
    const granted = (await admin.send(new CreateKeyCommand({ Policy: policy() }))).KeyMetadata?.Arn as string;
    expect((await failure(dataKey(c, granted))).name).toBe('AccessDeniedException');
    await admin.send(new CreateGrantCommand({ KeyId: granted, GranteePrincipal: VENDOR_ROLE, Operations: ['GenerateDataKey'] }));
    expect((await dataKey(c, granted)).KeyId).toBe(granted);
    h.kms.setIamPolicy('vendor', undefined);
    expect((await failure(dataKey(c, granted))).name).toBe('AccessDeniedException');
    h.kms.setIamPolicy('vendor', JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:GenerateDataKey', Resource: `arn:aws:kms:*:${CUSTOMER}:key/*` },
      ],
    }));
    expect((await failure(dataKey(c, granted))).message).toContain('explicit deny in an identity-based policy');
  });

  it('same-account behaviour is unchanged: the customer\'s service role needs only the key policy', async () => {
    const service = h.kms.identity('service');
    expect(service.account).toBe(CUSTOMER);
    await setKeyPolicy(policy({ Sid: 'Service', Effect: 'Allow', Principal: { AWS: service.principalArn }, Action: 'kms:GenerateDataKey', Resource: '*' }));
    expect((await dataKey(h.client('service'))).KeyId).toBe(keyArn);
  });

  it('a malformed IAM policy is refused with the reason, and the old one stays', async () => {
    expect(() => h.kms.setIamPolicy('vendor', '{"Statement": []}')).toThrow(/not valid: .*at least one statement/);
    expect((await dataKey(clientAs(h.kms.identity('vendor')))).KeyId).toBe(keyArn);
  });
});

describe('network paths in key policies', () => {
  it('aws:SourceIp: a node whose session presents an address in the block is served; another node, or the same node after its address changed, is refused', async () => {
    await setKeyPolicy(policy(vendorUse({ Condition: { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } } })));
    const nodeA = h.kms.startSession('vendor', 'node-a', { sourceIp: '203.0.113.10' });
    const nodeB = h.kms.startSession('vendor', 'node-b', { sourceIp: '198.51.100.7' });
    const nodeV6 = h.kms.startSession('vendor', 'node-v6', { sourceIp: '2001:db8::42' });
    expect(nodeA.callerArn).toBe(`arn:aws:sts::${VENDOR_ACCOUNT}:assumed-role/keydrill-vendor/node-a`);
    const a = clientAs(nodeA);
    expect((await dataKey(a)).KeyId).toBe(keyArn);
    expect((await dataKey(clientAs(nodeV6))).KeyId).toBe(keyArn);
    const b = await failure(dataKey(clientAs(nodeB)));
    expect(b.name).toBe('AccessDeniedException');
    expect(b.message).toContain('assumed-role/keydrill-vendor/node-b');
    h.kms.setSessionNetwork(nodeA.accessKeyId, { sourceIp: '198.51.100.8' });
    expect((await failure(dataKey(a))).name).toBe('AccessDeniedException');
    h.kms.setSessionNetwork(nodeA.accessKeyId, { sourceIp: '203.0.113.11' });
    expect((await dataKey(a)).KeyId).toBe(keyArn);
    // Sessions carry the role's IAM policy: revoking it reaches every node at once.
    h.kms.setIamPolicy('vendor', undefined);
    expect((await failure(dataKey(a))).name).toBe('AccessDeniedException');
    h.kms.endSession(nodeB.accessKeyId);
    expect((await failure(dataKey(clientAs(nodeB)))).name).toBe('UnrecognizedClientException');
  });

  it('aws:SourceVpce: a Deny for calls not through the customer\'s VPC endpoint (seed 000\'s control)', async () => {
    await setKeyPolicy(policy(vendorUse(), {
      Sid: 'OnlyThroughOurEndpoint', Effect: 'Deny', Principal: '*', Action: 'kms:*', Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-0a1b2c3d4e5f60718' }, StringNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${CUSTOMER}:*` } },
    }));
    const through = clientAs(h.kms.startSession('vendor', 'node-vpce', { sourceVpce: 'vpce-0a1b2c3d4e5f60718' }));
    const around = clientAs(h.kms.startSession('vendor', 'node-internet', { sourceIp: '203.0.113.9' }));
    expect((await dataKey(through)).KeyId).toBe(keyArn);
    expect((await failure(dataKey(around))).message).toContain('explicit deny in a resource-based policy');
    // The customer's own administrator is not caught by the vendor's restriction.
    expect((await admin.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata?.Arn).toBe(keyArn);
  });

  it('per-node client factories (sessionFactory) present their node\'s address, over HTTP and handed over in-process alike', async () => {
    for (const inProcess of [false, true]) {
      const backend = await startEmbeddedBackend({ inProcess });
      try {
        const owner = backend.factory('admin').clientFor('us-east-1');
        const arn = (await owner.send(new CreateKeyCommand({ Policy: policy(vendorUse({ Condition: { IpAddress: { 'aws:SourceIp': '10.20.0.0/16' } } })) }))).KeyMetadata?.Arn as string;
        const inside = backend.sessionFactory('vendor', 'node-1', { sourceIp: '10.20.3.4' });
        const outside = backend.sessionFactory('vendor', 'node-2', { sourceIp: '10.21.3.4' });
        expect((await dataKey(inside.clientFor('us-east-1'), arn)).KeyId).toBe(arn);
        expect((await failure(dataKey(outside.clientFor('us-east-1'), arn))).name).toBe('AccessDeniedException');
        backend.kms.setSessionNetwork(outside.options.session?.accessKeyId as string, { sourceIp: '10.20.9.9' });
        expect((await dataKey(outside.clientFor('us-east-1'), arn)).KeyId).toBe(arn);
      } finally {
        await backend.close();
      }
    }
  });

  it('an IP condition with a value that is no address or block is a malformed policy', async () => {
    const err = await failure(setKeyPolicy(policy(vendorUse({ Condition: { IpAddress: { 'aws:SourceIp': 'office' } } }))));
    expect(err.name).toBe('MalformedPolicyDocumentException');
  });
});

describe('kept in the data folder', () => {
  it('an IAM policy changed by the administrator survives a restart', async () => {
    const first = await startKms({ persistent: true });
    const dataDir = first.dataDir as string;
    first.kms.setIamPolicy('vendor', undefined);
    await first.kms.close();
    const again = await startKms({ dataDir });
    try {
      expect(again.kms.identity('vendor').iamPolicy).toBeUndefined();
      expect(again.kms.identity('vendor').accessKeyId).toBe(first.kms.identity('vendor').accessKeyId);
    } finally {
      await again.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
