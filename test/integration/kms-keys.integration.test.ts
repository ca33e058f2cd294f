import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteAliasCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeyPoliciesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

const ACCOUNT = '111122223333';
const DAY = 86_400_000;
const data = Buffer.from('the quick brown fox');
const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };

let h: KmsHarness;
let kms: KMSClient;

async function newKey(client: KMSClient = kms, description = ''): Promise<{ KeyId: string; Arn: string }> {
  const out = await client.send(new CreateKeyCommand({ Description: description }));
  return { KeyId: out.KeyMetadata!.KeyId!, Arn: out.KeyMetadata!.Arn! };
}

const describeKey = async (keyId: string, client: KMSClient = kms) => (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
const encrypt = (keyId: string, client: KMSClient = kms) => client.send(new EncryptCommand({ KeyId: keyId, Plaintext: data }));

beforeAll(async () => {
  h = await startKms();
  kms = h.client('admin');
});
afterAll(async () => {
  await h?.close();
});

describe('creating and describing keys', () => {
  it('CreateKey returns an enabled symmetric key with the given description, tags and policy', async () => {
    const keyPolicy = policy(ROOT_STATEMENT, { Sid: 'Service uses the key', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/keydrill-service` }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' });
    const out = await kms.send(new CreateKeyCommand({ Description: 'orders table', Tags: [{ TagKey: 'team', TagValue: 'payments' }], Policy: keyPolicy }));
    const meta = out.KeyMetadata!;
    expect(meta).toMatchObject({ Description: 'orders table', KeyState: 'Enabled', Enabled: true, KeySpec: 'SYMMETRIC_DEFAULT', KeyUsage: 'ENCRYPT_DECRYPT', MultiRegion: false, AWSAccountId: ACCOUNT });
    expect(meta.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(meta.Arn).toBe(`arn:aws:kms:us-east-1:${ACCOUNT}:key/${meta.KeyId}`);
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: meta.KeyId }));
    expect(tags.Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' }))).Policy).toBe(keyPolicy);
    // The policy took effect: the service role may now encrypt with the key.
    await expect(encrypt(meta.KeyId!, h.client('service'))).resolves.toMatchObject({ KeyId: meta.Arn });
  });

  it('CreateKey with MultiRegion gives an mrk- key that is its own primary', async () => {
    const meta = (await kms.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
    expect(meta.KeyId).toMatch(/^mrk-[0-9a-f]{32}$/);
    expect(meta.MultiRegion).toBe(true);
    expect(meta.MultiRegionConfiguration).toMatchObject({ MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: meta.Arn, Region: 'us-east-1' }, ReplicaKeys: [] });
  });

  it('CreateKey refuses a key spec the embedded KMS does not model, and an unknown one', async () => {
    const rsa = await failure(kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048' })));
    expect(rsa.name).toBe('UnsupportedOperationException');
    expect(rsa.message).toContain('RSA_2048');
    const bogus = await failure(kms.send(new CreateKeyCommand({ KeySpec: 'AES_999' as never })));
    expect(bogus.name).toBe('ValidationException');
    expect(bogus.message).toContain("'keySpec'");
  });

  it('DescribeKey finds a key by id, key ARN, alias name and alias ARN', async () => {
    const key = await newKey(kms, 'found four ways');
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/four-ways', TargetKeyId: key.KeyId }));
    for (const ref of [key.KeyId, key.Arn, 'alias/four-ways', `arn:aws:kms:us-east-1:${ACCOUNT}:alias/four-ways`]) {
      expect(await describeKey(ref)).toMatchObject({ KeyId: key.KeyId, Description: 'found four ways' });
    }
  });

  it('DescribeKey of a key that does not exist is NotFoundException naming it', async () => {
    const err = await failure(describeKey('11111111-2222-3333-4444-555555555555'));
    expect(err.name).toBe('NotFoundException');
    expect(err.message).toContain('11111111-2222-3333-4444-555555555555');
  });

  it('UpdateKeyDescription changes what DescribeKey reports', async () => {
    const key = await newKey(kms, 'before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: 'after' }));
    expect((await describeKey(key.KeyId)).Description).toBe('after');
  });
});

describe('listing keys', () => {
  it('ListKeys pages with Limit and Marker through every key of the region, once each', async () => {
    const region = 'ap-south-2';
    const client = h.client('admin', region);
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await newKey(client)).KeyId);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      expect(page.Keys!.length).toBeLessThanOrEqual(2);
      seen.push(...page.Keys!.map((k) => k.KeyId!));
      for (const k of page.Keys!) expect(k.KeyArn).toBe(`arn:aws:kms:${region}:${ACCOUNT}:key/${k.KeyId}`);
      marker = page.Truncated ? page.NextMarker : undefined;
      if (page.Truncated) expect(page.NextMarker).toBeTruthy();
      pages++;
    } while (marker);
    expect(pages).toBe(3);
    // AWS documents no order for ListKeys: every key exactly once is the contract.
    expect(seen).toHaveLength(created.length);
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it('keys live in one region: another region neither lists nor finds them', async () => {
    const here = h.client('admin', 'eu-west-3');
    const there = h.client('admin', 'ca-west-1');
    const key = await newKey(here);
    const listedThere = (await there.send(new ListKeysCommand({}))).Keys ?? [];
    expect(listedThere.map((k) => k.KeyId)).not.toContain(key.KeyId);
    expect((await here.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId)).toContain(key.KeyId);
    const byId = await failure(describeKey(key.KeyId, there));
    expect(byId.name).toBe('NotFoundException');
    const byArn = await failure(describeKey(key.Arn, there));
    expect(byArn.name).toBe('NotFoundException');
    expect(byArn.message).toContain('eu-west-3');
  });

  it('ListKeys with a marker it never issued is InvalidMarkerException', async () => {
    const err = await failure(kms.send(new ListKeysCommand({ Marker: 'not-a-marker' })));
    expect(err.name).toBe('InvalidMarkerException');
    expect(err.message).toContain('marker');
  });
});

describe('enabling and disabling keys', () => {
  it('a disabled key refuses Encrypt with DisabledException, and works again once enabled', async () => {
    const key = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    expect(await describeKey(key.KeyId)).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    const err = await failure(encrypt(key.KeyId));
    expect(err.name).toBe('DisabledException');
    expect(err.message).toContain(key.Arn);
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    expect(await describeKey(key.KeyId)).toMatchObject({ KeyState: 'Enabled', Enabled: true });
    await expect(encrypt(key.KeyId)).resolves.toMatchObject({ KeyId: key.Arn });
  });
});

describe('scheduling key deletion', () => {
  let d: KmsHarness;
  let c: KMSClient;
  beforeAll(async () => {
    d = await startKms();
    c = d.client('admin');
  });
  afterAll(async () => {
    await d?.close();
  });

  it('PendingWindowInDays must be between 7 and 30', async () => {
    const key = await newKey(c);
    for (const [days, bound] of [[6, 'greater than or equal to 7'], [31, 'less than or equal to 30']] as const) {
      const err = await failure(c.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: days })));
      expect(err.name).toBe('ValidationException');
      expect(err.message).toContain('pendingWindowInDays');
      expect(err.message).toContain(bound);
    }
    expect((await describeKey(key.KeyId, c)).KeyState).toBe('Enabled');
  });

  it('a key pending deletion refuses crypto, survives until its window ends, then is gone with its ciphertexts and aliases', async () => {
    const key = await newKey(c);
    await c.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: key.KeyId }));
    const { CiphertextBlob } = await encrypt(key.KeyId, c);
    const scheduled = await c.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    const deletionDate = d.clock.now() + 7 * DAY;
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: 'PendingDeletion', PendingWindowInDays: 7 });
    expect(scheduled.DeletionDate!.getTime()).toBe(deletionDate);
    expect(await describeKey(key.KeyId, c)).toMatchObject({ KeyState: 'PendingDeletion', Enabled: false, PendingDeletionWindowInDays: 7 });

    const enc = await failure(encrypt(key.KeyId, c));
    expect(enc.name).toBe('KMSInvalidStateException');
    expect(enc.message).toContain('pending deletion');
    const dec = await failure(c.send(new DecryptCommand({ CiphertextBlob })));
    expect(dec.name).toBe('KMSInvalidStateException');
    expect(dec.message).toContain('pending deletion');

    d.clock.advance(7 * DAY - 60_000); // a minute before the end of the window
    expect((await describeKey(key.KeyId, c)).KeyState).toBe('PendingDeletion');
    expect((await c.send(new ListAliasesCommand({ KeyId: key.KeyId }))).Aliases!.map((a) => a.AliasName)).toEqual(['alias/doomed']);

    d.clock.advance(60_001);
    const gone = await failure(describeKey(key.KeyId, c));
    expect(gone.name).toBe('NotFoundException');
    expect(gone.message).toContain(key.KeyId);
    const old = await failure(c.send(new DecryptCommand({ CiphertextBlob })));
    expect(old.name).toBe('InvalidCiphertextException');
    expect((await c.send(new ListKeysCommand({}))).Keys!.map((k) => k.KeyId)).not.toContain(key.KeyId);
    const aliases = (await c.send(new ListAliasesCommand({}))).Aliases ?? [];
    expect(aliases.map((a) => a.AliasName)).not.toContain('alias/doomed');
  });

  it('CancelKeyDeletion brings the key back disabled, and its ciphertexts decrypt once it is enabled', async () => {
    const key = await newKey(c);
    const { CiphertextBlob } = await encrypt(key.KeyId, c);
    await c.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 30 }));
    const out = await c.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect(out.KeyId).toBe(key.Arn);
    const meta = await describeKey(key.KeyId, c);
    expect(meta).toMatchObject({ KeyState: 'Disabled', Enabled: false });
    expect(meta.DeletionDate).toBeUndefined();
    d.clock.advance(31 * DAY);
    expect((await describeKey(key.KeyId, c)).KeyState).toBe('Disabled');
    await c.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    expect(Buffer.from((await c.send(new DecryptCommand({ CiphertextBlob }))).Plaintext!)).toEqual(data);
  });

  it('CancelKeyDeletion of a key not pending deletion is KMSInvalidStateException', async () => {
    const key = await newKey(c);
    const err = await failure(c.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId })));
    expect(err.name).toBe('KMSInvalidStateException');
    expect(err.message).toContain('not pending deletion');
  });
});

describe('aliases', () => {
  it('an alias works as the KeyId of Encrypt, Decrypt and DescribeKey, and follows UpdateAlias', async () => {
    const first = await newKey();
    const second = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/app-data', TargetKeyId: first.KeyId }));
    const sealed = await encrypt('alias/app-data');
    expect(sealed.KeyId).toBe(first.Arn);
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: 'alias/app-data' }));
    expect(Buffer.from(opened.Plaintext!)).toEqual(data);

    await kms.send(new UpdateAliasCommand({ AliasName: 'alias/app-data', TargetKeyId: second.Arn }));
    expect((await describeKey('alias/app-data')).KeyId).toBe(second.KeyId);
    expect((await encrypt('alias/app-data')).KeyId).toBe(second.Arn);
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: second.KeyId }))).Aliases!;
    expect(listed).toEqual([expect.objectContaining({ AliasName: 'alias/app-data', AliasArn: `arn:aws:kms:us-east-1:${ACCOUNT}:alias/app-data`, TargetKeyId: second.KeyId })]);
    // The old ciphertext still names the first key: the alias now points elsewhere.
    const wrong = await failure(kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: 'alias/app-data' })));
    expect(wrong.name).toBe('IncorrectKeyException');
  });

  it('a second alias of the same name is AlreadyExistsException', async () => {
    const key = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: key.KeyId }));
    const err = await failure(kms.send(new CreateAliasCommand({ AliasName: 'alias/taken', TargetKeyId: (await newKey()).KeyId })));
    expect(err.name).toBe('AlreadyExistsException');
    expect(err.message).toContain('alias/taken');
    expect((await describeKey('alias/taken')).KeyId).toBe(key.KeyId);
  });

  it('alias names beginning alias/aws/ are reserved for AWS managed keys', async () => {
    const key = await newKey();
    const err = await failure(kms.send(new CreateAliasCommand({ AliasName: 'alias/aws/s3', TargetKeyId: key.KeyId })));
    expect(err.name).toBe('InvalidAliasNameException');
    expect(err.message).toContain('alias/aws/');
    const listed = (await kms.send(new ListAliasesCommand({ KeyId: key.KeyId }))).Aliases ?? [];
    expect(listed).toEqual([]);
  });

  it('DeleteAlias removes the name but not the key', async () => {
    const key = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/short-lived', TargetKeyId: key.KeyId }));
    await kms.send(new DeleteAliasCommand({ AliasName: 'alias/short-lived' }));
    const err = await failure(describeKey('alias/short-lived'));
    expect(err.name).toBe('NotFoundException');
    expect(err.message).toContain('alias/short-lived');
    expect((await describeKey(key.KeyId)).KeyState).toBe('Enabled');
    const again = await failure(kms.send(new DeleteAliasCommand({ AliasName: 'alias/short-lived' })));
    expect(again.name).toBe('NotFoundException');
  });
});

describe('key policies', () => {
  it('PutKeyPolicy then GetKeyPolicy returns the same document; the only policy is "default"', async () => {
    const key = await newKey();
    const doc = policy(ROOT_STATEMENT, { Sid: 'Deny decrypt from anywhere', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' });
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: doc }));
    expect(await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }))).toMatchObject({ Policy: doc, PolicyName: 'default' });
    expect((await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }))).PolicyNames).toEqual(['default']);
    // The stored policy is the one in force.
    const denied = await failure(kms.send(new DecryptCommand({ CiphertextBlob: (await encrypt(key.KeyId)).CiphertextBlob })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('explicit deny');
  });

  it('a malformed policy is MalformedPolicyDocumentException and leaves the old policy in place', async () => {
    const key = await newKey();
    const before = (await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy;
    const notJson = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: '{"Statement": [' })));
    expect(notJson.name).toBe('MalformedPolicyDocumentException');
    const badEffect = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: policy({ ...ROOT_STATEMENT, Effect: 'Maybe' }) })));
    expect(badEffect.name).toBe('MalformedPolicyDocumentException');
    expect(badEffect.message).toContain('Effect');
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy).toBe(before);
  });

  it('a policy that would lock the caller out is refused unless BypassPolicyLockoutSafetyCheck is set', async () => {
    const key = await newKey();
    const serviceOnly = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/keydrill-service` }, Action: 'kms:*', Resource: '*' });
    const err = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: serviceOnly })));
    expect(err.name).toBe('MalformedPolicyDocumentException');
    expect(err.message).toContain('will not allow you to update the key policy');
    expect((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy).toContain(`arn:aws:iam::${ACCOUNT}:root`);

    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: serviceOnly, BypassPolicyLockoutSafetyCheck: true }));
    const locked = await failure(kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default', Policy: policy(ROOT_STATEMENT) })));
    expect(locked.name).toBe('AccessDeniedException');
    expect(locked.message).toContain('kms:PutKeyPolicy');
    expect((await h.client('service').send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy).toBe(serviceOnly);
  });

  it('CreateKey applies the same lockout check to its Policy', async () => {
    const serviceOnly = policy({ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/keydrill-service` }, Action: 'kms:*', Resource: '*' });
    const before = ((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []).length;
    const err = await failure(kms.send(new CreateKeyCommand({ Policy: serviceOnly })));
    expect(err.name).toBe('MalformedPolicyDocumentException');
    expect(err.message).toContain('will not allow you to update the key policy');
    expect(((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys ?? []).length).toBe(before);
  });
});

describe('tags', () => {
  it('TagResource, UntagResource and ListResourceTags round-trip, and a tag value can be replaced', async () => {
    const key = await newKey();
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'env', TagValue: 'dev' }, { TagKey: 'owner', TagValue: 'alice' }] }));
    await kms.send(new TagResourceCommand({ KeyId: key.Arn, Tags: [{ TagKey: 'env', TagValue: 'prod' }] }));
    const sorted = async () => ((await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags ?? []).sort((a, b) => a.TagKey!.localeCompare(b.TagKey!));
    expect(await sorted()).toEqual([{ TagKey: 'env', TagValue: 'prod' }, { TagKey: 'owner', TagValue: 'alice' }]);
    await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ['owner'] }));
    expect(await sorted()).toEqual([{ TagKey: 'env', TagValue: 'prod' }]);
  });

  it('tag keys beginning aws: are reserved: TagException, and no tag is added', async () => {
    const key = await newKey();
    const err = await failure(kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: 'ok', TagValue: '1' }, { TagKey: 'aws:createdBy', TagValue: 'me' }] })));
    expect(err.name).toBe('TagException');
    expect(err.message).toContain('aws:');
    expect((await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags).toEqual([]);
    const onCreate = await failure(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'AWS:x', TagValue: 'y' }] })));
    expect(onCreate.name).toBe('TagException');
  });
});
