import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  type KMSClient,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * Multi-Region keys over real HTTP: one server answers for every region, a client's region is the
 * one it signs for. A primary in us-east-1 and its replica in eu-west-1 share key id and material.
 */
const DAY = 86_400_000;
const ACCOUNT = '111122223333';
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/keydrill-service`;
const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const SERVICE_STATEMENT = { Sid: 'AllowServiceRole', Effect: 'Allow', Principal: { AWS: SERVICE_ROLE }, Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: '*' };
const policyOf = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let h: KmsHarness;
let east: KMSClient;
let west: KMSClient;

beforeEach(async () => {
  h = await startKms();
  east = h.client('admin', 'us-east-1');
  west = h.client('admin', 'eu-west-1');
});

afterEach(async () => {
  await h.close();
});

async function multiRegionKey(policy?: string): Promise<string> {
  const { KeyMetadata } = await east.send(new CreateKeyCommand({ MultiRegion: true, ...(policy ? { Policy: policy } : {}) }));
  return KeyMetadata?.KeyId as string;
}

async function replicated(policy?: string): Promise<string> {
  const keyId = await multiRegionKey(policy);
  await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', ...(policy ? { Policy: policy } : {}) }));
  return keyId;
}

const describeIn = async (client: KMSClient, keyId: string) => (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;
const dataKey = (client: KMSClient, keyId: string) => client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { app: 'mrk-test' } }));
const decrypt = (client: KMSClient, blob: Uint8Array | undefined) => client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { app: 'mrk-test' } }));
const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array));

describe('creating and replicating a multi-Region key', () => {
  it('CreateKey with MultiRegion gives a key id beginning mrk- and a PRIMARY configuration', async () => {
    const keyId = await multiRegionKey();
    expect(keyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    const meta = await describeIn(east, keyId);
    expect(meta?.MultiRegion).toBe(true);
    expect(meta?.MultiRegionConfiguration).toEqual({ MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: meta?.Arn, Region: 'us-east-1' }, ReplicaKeys: [] });
  });

  it('ReplicateKey to eu-west-1 gives a replica with the same key id; both regions describe PRIMARY and REPLICA alike', async () => {
    const keyId = await multiRegionKey();
    const out = await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1', Description: 'replica' }));
    const primaryArn = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${keyId}`;
    const replicaArn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`;
    expect(out.ReplicaKeyMetadata?.Arn).toBe(replicaArn);

    const primary = await describeIn(east, keyId);
    const replica = await describeIn(west, keyId);
    expect(replica?.KeyId).toBe(primary?.KeyId);
    expect(primary?.Arn).toBe(primaryArn);
    expect(replica?.Arn).toBe(replicaArn);
    const shared = { PrimaryKey: { Arn: primaryArn, Region: 'us-east-1' }, ReplicaKeys: [{ Arn: replicaArn, Region: 'eu-west-1' }] };
    expect(primary?.MultiRegionConfiguration).toEqual({ MultiRegionKeyType: 'PRIMARY', ...shared });
    expect(replica?.MultiRegionConfiguration).toEqual({ MultiRegionKeyType: 'REPLICA', ...shared });
    expect(replica?.CurrentKeyMaterialId).toBe(primary?.CurrentKeyMaterialId);
  });

  it('ReplicateKey twice to the same region is an AlreadyExistsException', async () => {
    const keyId = await replicated();
    const err = await failure(east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' })));
    expect(err.name).toBe('AlreadyExistsException');
    expect(err.message).toContain(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);
  });

  it('ReplicateKey of a single-Region key is an UnsupportedOperationException', async () => {
    const { KeyMetadata } = await east.send(new CreateKeyCommand({}));
    const err = await failure(east.send(new ReplicateKeyCommand({ KeyId: KeyMetadata?.KeyId, ReplicaRegion: 'eu-west-1' })));
    expect(err.name).toBe('UnsupportedOperationException');
    expect(err.message).toContain('is not a multi-Region key');
    const missing = await failure(west.send(new DescribeKeyCommand({ KeyId: KeyMetadata?.KeyId })));
    expect(missing.name).toBe('NotFoundException');
  });
});

describe('cryptography across regions', () => {
  it('a ciphertext made in us-east-1 decrypts in eu-west-1, and one made in eu-west-1 decrypts in us-east-1', async () => {
    const keyId = await replicated();
    const fromEast = await dataKey(east, keyId);
    const inWest = await decrypt(west, fromEast.CiphertextBlob);
    expect(same(inWest.Plaintext, fromEast.Plaintext)).toBe(true);
    expect(inWest.KeyId).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);

    const fromWest = await west.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('made in Ireland'), EncryptionContext: { app: 'mrk-test' } }));
    const inEast = await decrypt(east, fromWest.CiphertextBlob);
    expect(Buffer.from(inEast.Plaintext as Uint8Array).toString()).toBe('made in Ireland');
  });

  it("a single-Region key's ciphertext does not decrypt in another region", async () => {
    const { KeyMetadata } = await east.send(new CreateKeyCommand({}));
    const dk = await dataKey(east, KeyMetadata?.KeyId as string);
    // The blob names a key eu-west-1 does not have: AWS answers InvalidCiphertextException.
    const err = await failure(decrypt(west, dk.CiphertextBlob));
    expect(err.name).toBe('InvalidCiphertextException');
    expect(err.message).toBe('UnknownError'); // AWS sends no message with it
    // Naming the key as well makes it a NotFoundException about that key in eu-west-1.
    const named = await failure(west.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, KeyId: KeyMetadata?.KeyId, EncryptionContext: { app: 'mrk-test' } })));
    expect(named.name).toBe('NotFoundException');
    expect(named.message).toContain(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${KeyMetadata?.KeyId}`);
    expect(same((await decrypt(east, dk.CiphertextBlob)).Plaintext, dk.Plaintext)).toBe(true);
  });
});

describe('rotation of a multi-Region key', () => {
  it('an on-demand rotation of the primary reaches the replica, whose new ciphertexts decrypt in the primary region', async () => {
    const keyId = await replicated();
    const original = (await describeIn(west, keyId))?.CurrentKeyMaterialId;
    await east.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));

    const primaryMaterial = (await describeIn(east, keyId))?.CurrentKeyMaterialId;
    expect(primaryMaterial).not.toBe(original);
    expect((await describeIn(west, keyId))?.CurrentKeyMaterialId).toBe(primaryMaterial);

    const fromReplica = await dataKey(west, keyId);
    expect(fromReplica.KeyMaterialId).toBe(primaryMaterial);
    const back = await decrypt(east, fromReplica.CiphertextBlob);
    expect(back.KeyMaterialId).toBe(primaryMaterial);
    expect(same(back.Plaintext, fromReplica.Plaintext)).toBe(true);
  });

  it('an automatic rotation of the primary, when the clock passes its date, reaches the replica', async () => {
    const keyId = await replicated();
    const old = await dataKey(west, keyId);
    await east.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    h.clock.advance(91 * DAY);

    const replicaMaterial = (await describeIn(west, keyId))?.CurrentKeyMaterialId;
    expect(replicaMaterial).not.toBe(old.KeyMaterialId);
    expect((await describeIn(east, keyId))?.CurrentKeyMaterialId).toBe(replicaMaterial);
    const fresh = await dataKey(west, keyId);
    expect(fresh.KeyMaterialId).toBe(replicaMaterial);
    expect((await decrypt(east, fresh.CiphertextBlob)).KeyMaterialId).toBe(replicaMaterial);
    expect((await decrypt(east, old.CiphertextBlob)).KeyMaterialId).toBe(old.KeyMaterialId);
  });

  it('EnableKeyRotation and RotateKeyOnDemand on the replica are UnsupportedOperationException', async () => {
    const keyId = await replicated();
    const enable = await failure(west.send(new EnableKeyRotationCommand({ KeyId: keyId })));
    expect(enable.name).toBe('UnsupportedOperationException');
    expect(enable.message).toContain('replica');
    expect(enable.message).toContain('us-east-1');
    const rotate = await failure(west.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    expect(rotate.name).toBe('UnsupportedOperationException');
    expect(rotate.message).toContain('replica');
  });
});

describe('what replicas do not share', () => {
  it("the replica has its own key policy: revoking the service role there leaves the primary's policy in force", async () => {
    const policy = policyOf(ROOT_STATEMENT, SERVICE_STATEMENT);
    const keyId = await replicated(policy);
    const serviceEast = h.client('service', 'us-east-1');
    const serviceWest = h.client('service', 'eu-west-1');
    const dk = await dataKey(serviceEast, keyId);
    await decrypt(serviceWest, dk.CiphertextBlob);

    await west.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: policyOf(ROOT_STATEMENT) }));

    const err = await failure(decrypt(serviceWest, dk.CiphertextBlob));
    expect(err.name).toBe('AccessDeniedException');
    expect(err.message).toContain(`kms:Decrypt on resource: arn:aws:kms:eu-west-1:${ACCOUNT}:key/${keyId}`);
    const back = await decrypt(serviceEast, dk.CiphertextBlob);
    expect(same(back.Plaintext, dk.Plaintext)).toBe(true);
  });

  it('disabling the primary leaves the replica usable', async () => {
    const keyId = await replicated();
    await east.send(new DisableKeyCommand({ KeyId: keyId }));
    expect((await describeIn(east, keyId))?.KeyState).toBe('Disabled');
    expect((await describeIn(west, keyId))?.KeyState).toBe('Enabled');

    const refused = await failure(dataKey(east, keyId));
    expect(refused.name).toBe('DisabledException');
    expect(refused.message).toContain('is disabled');
    const dk = await dataKey(west, keyId);
    expect(same((await decrypt(west, dk.CiphertextBlob)).Plaintext, dk.Plaintext)).toBe(true);
  });
});
