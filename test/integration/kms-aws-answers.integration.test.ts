import {
  CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateRandomCommand,
  ReplicateKeyCommand, RotateKeyOnDemandCommand, TagResourceCommand, type KMSClient,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';
import { signedRequest } from '../support/signed-request';

/**
 * The answers AWS gave in LocalStack's AWS-validated KMS suite (test/conformance/localstack-kms),
 * asserted here too so the default test run guards them without Python: error texts word for word,
 * error bodies without a message where AWS sends none, and response shapes.
 */
let h: KmsHarness;
let kms: KMSClient;
let keyId: string;

beforeAll(async () => {
  h = await startKms();
  kms = h.client('admin');
  keyId = (await kms.send(new CreateKeyCommand({ Description: 'answers' }))).KeyMetadata?.KeyId as string;
});
afterAll(async () => {
  await h?.close();
});

const raw = (target: string, body: unknown) => {
  const admin = h.kms.identity('admin');
  return signedRequest(h.endpoint, { target: `TrentService.${target}`, body: JSON.stringify(body), credentials: admin, contentType: 'application/x-amz-json-1.1' });
};

describe('error texts as AWS words them', () => {
  it('tags: duplicate keys, the reserved aws: prefix in any case, more than 50 tags', async () => {
    const tag = (TagKey: string) => ({ TagKey, TagValue: 'v' });
    expect(await failure(kms.send(new TagResourceCommand({ KeyId: keyId, Tags: [tag('t1'), { TagKey: 't1', TagValue: 'other' }] })))).toMatchObject({ name: 'TagException', message: 'Duplicate tag keys' });
    for (const key of ['aws:key1', 'AWS:key1']) {
      expect(await failure(kms.send(new CreateKeyCommand({ Tags: [tag(key)] })))).toMatchObject({ name: 'TagException', message: 'Tags beginning with aws: are reserved' });
    }
    const many = Array.from({ length: 51 }, (_, i) => tag(`key${i}`));
    expect(await failure(kms.send(new CreateKeyCommand({ Tags: many })))).toMatchObject({ name: 'TagException', message: 'Too many tags' });
    // A refused request changes nothing.
    expect((await raw('ListResourceTags', { KeyId: keyId })).json.Tags).toEqual([]);
  });

  it('a tag member that breaks its length is named by its list position and echoed whole', async () => {
    const long = 'a'.repeat(129);
    const err = await failure(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: long, TagValue: 'v' }] })));
    expect(err.name).toBe('ValidationException');
    expect(err.message).toBe(`1 validation error detected: Value '${long}' at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128`);
  });

  it('numbers are quoted, and a plaintext is never echoed', async () => {
    expect((await failure(kms.send(new GenerateRandomCommand({ NumberOfBytes: 0 })))).message)
      .toBe("1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const secret = Buffer.alloc(4097, 7);
    const err = await failure(kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: secret })));
    expect(err.message).toBe("1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096");
  });

  it('a member sent as null is a member not sent: GenerateRandom says NumberOfBytes is required', async () => {
    const res = await raw('GenerateRandom', { NumberOfBytes: null });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'ValidationException', message: 'NumberOfBytes is required.' });
    const missing = await raw('DescribeKey', { KeyId: null });
    expect(missing.json.message).toBe("1 validation error detected: Value null at 'keyId' failed to satisfy constraint: Member must not be null");
  });

  it('a key id that is not one is quoted back; an alias name needs its prefix', async () => {
    for (const bad of ['fake-key-id', 'mrk-fake-key-id', '134f2428cec14b25a1ae9048164dba47']) {
      expect(await failure(kms.send(new DescribeKeyCommand({ KeyId: bad })))).toMatchObject({ name: 'NotFoundException', message: `Invalid keyId '${bad}'` });
    }
    expect(await failure(kms.send(new CreateAliasCommand({ AliasName: 'no-prefix', TargetKeyId: keyId })))).toMatchObject({
      name: 'ValidationException',
      message: 'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    });
  });

  it('InvalidCiphertextException carries no message on the wire', async () => {
    const { CiphertextBlob } = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x'), EncryptionContext: { a: 'b' } }));
    const res = await raw('Decrypt', { CiphertextBlob: Buffer.from(CiphertextBlob as Uint8Array).toString('base64') });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ __type: 'InvalidCiphertextException' });
    expect((await failure(kms.send(new DecryptCommand({ CiphertextBlob })))).name).toBe('InvalidCiphertextException');
  });
});

describe('response shapes', () => {
  it('RotateKeyOnDemand answers with the key ARN', async () => {
    const arn = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Arn;
    expect((await kms.send(new RotateKeyOnDemandCommand({ KeyId: keyId }))).KeyId).toBe(arn);
  });

  it('ReplicateKey: the replica has its own (empty) description, is Creating in the answer and Enabled after it, with no ReplicaTags unless tags were given', async () => {
    const mrk = (await kms.send(new CreateKeyCommand({ MultiRegion: true, Description: 'primary only' }))).KeyMetadata?.KeyId as string;
    const out = await kms.send(new ReplicateKeyCommand({ KeyId: mrk, ReplicaRegion: 'eu-west-1' }));
    expect(out.ReplicaKeyMetadata).toMatchObject({ KeyState: 'Creating', Enabled: false, Description: '' });
    expect(out.ReplicaKeyMetadata?.CurrentKeyMaterialId).toBeUndefined();
    expect(out.ReplicaTags).toBeUndefined();
    const west = h.client('admin', 'eu-west-1');
    expect((await west.send(new DescribeKeyCommand({ KeyId: mrk }))).KeyMetadata).toMatchObject({ KeyState: 'Enabled', Enabled: true, Description: '' });
    const tagged = await kms.send(new ReplicateKeyCommand({ KeyId: mrk, ReplicaRegion: 'ap-south-1', Tags: [{ TagKey: 'team', TagValue: 'a' }] }));
    expect(tagged.ReplicaTags).toEqual([{ TagKey: 'team', TagValue: 'a' }]);
    const again = await failure(west.send(new ReplicateKeyCommand({ KeyId: mrk, ReplicaRegion: 'eu-north-1' })));
    expect(again).toMatchObject({ name: 'UnsupportedOperationException', message: `arn:aws:kms:eu-west-1:${h.kms.account}:key/${mrk} is not a multi-region primary key.` });
  });
});
