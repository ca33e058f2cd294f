import { CreateKeyCommand, DescribeKeyCommand, ListKeysCommand, type KMSClient } from '@aws-sdk/client-kms';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKms, type KmsHarness } from '../support/kms-harness';
import { signedRequest, type RawResponse } from '../support/signed-request';

const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

let h: KmsHarness;
let kms: KMSClient;
let admin: Credentials;
let sentinel: Record<string, unknown>;
let keysBefore: string[];

/** One KMS request over plain HTTP as the SDK would send it; `credentials` undefined sends it unsigned. */
function raw(target: string, body: string | Buffer, opts: { credentials?: Credentials | undefined; region?: string } = {}): Promise<RawResponse> {
  const credentials = 'credentials' in opts ? opts.credentials : admin;
  return signedRequest(h.endpoint, { target, body, credentials, ...(opts.region ? { region: opts.region } : {}), contentType: 'application/x-amz-json-1.1' });
}

function expectAwsError(res: RawResponse, type: string, messagePart: string | RegExp): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
  expect(Object.keys(res.json).sort()).toEqual(['__type', 'message']);
  expect(res.json.__type).toBe(type);
  if (typeof messagePart === 'string') expect(res.json.message).toContain(messagePart);
  else expect(res.json.message).toMatch(messagePart);
}

beforeAll(async () => {
  h = await startKms();
  kms = h.client('admin');
  const id = h.kms.identity('admin');
  admin = { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey };
  const created = await kms.send(new CreateKeyCommand({ Description: 'sentinel' }));
  sentinel = { ...created.KeyMetadata };
  keysBefore = ((await kms.send(new ListKeysCommand({}))).Keys ?? []).map((k) => k.KeyId!);
});
afterAll(async () => {
  await h?.close();
});

describe('the KMS JSON protocol over raw HTTP', () => {
  it('a request signed here with SigV4 is served like the SDK\'s', async () => {
    const res = await raw('TrentService.DescribeKey', JSON.stringify({ KeyId: sentinel.KeyId }));
    expect(res.status).toBe(200);
    expect(res.json.KeyMetadata).toMatchObject({ KeyId: sentinel.KeyId, Description: 'sentinel', KeyState: 'Enabled' });
  });

  it('an unsigned request is MissingAuthenticationTokenException', async () => {
    const res = await raw('TrentService.CreateKey', '{}', { credentials: undefined });
    expectAwsError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  it('an access key the server does not know is UnrecognizedClientException', async () => {
    const res = await raw('TrentService.CreateKey', '{}', { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: admin.secretAccessKey } });
    expectAwsError(res, 'UnrecognizedClientException', 'security token included in the request is invalid');
  });

  it('a known access key signed with the wrong secret is InvalidSignatureException', async () => {
    const res = await raw('TrentService.ScheduleKeyDeletion', JSON.stringify({ KeyId: sentinel.KeyId, PendingWindowInDays: 7 }), {
      credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: `${admin.secretAccessKey}x` },
    });
    expectAwsError(res, 'InvalidSignatureException', 'signature we calculated does not match');
  });

  it('a credential scope naming a region AWS does not have is InvalidSignatureException, in AWS\'s words', async () => {
    const res = await raw('TrentService.CreateKey', '{}', { region: 'xx-fake-1' });
    expectAwsError(res, 'InvalidSignatureException', "Credential should be scoped to a valid region, not 'xx-fake-1'.");
    // The same request scoped to a real region is served: the region alone was the fault.
    expect((await raw('TrentService.ListKeys', '{}', { region: 'ap-southeast-4' })).status).toBe(200);
  });

  it('a body that is not JSON is SerializationException', async () => {
    const res = await raw('TrentService.CreateKey', '{"Description": "half');
    expectAwsError(res, 'SerializationException', 'not valid JSON');
  });

  it('a member of the wrong JSON type is SerializationException naming the member', async () => {
    const res = await raw('TrentService.GenerateRandom', JSON.stringify({ NumberOfBytes: 'ten' }));
    expectAwsError(res, 'SerializationException', "'numberOfBytes'");
    const desc = await raw('TrentService.UpdateKeyDescription', JSON.stringify({ KeyId: sentinel.KeyId, Description: 42 }));
    expectAwsError(desc, 'SerializationException', "'description'");
  });

  it('a missing required member is ValidationException naming it as AWS does', async () => {
    const res = await raw('TrentService.Encrypt', JSON.stringify({ Plaintext: Buffer.from('hello').toString('base64') }));
    expectAwsError(res, 'ValidationException', "Value null at 'keyId' failed to satisfy constraint: Member must not be null");
    expect(res.json.message).toMatch(/^1 validation error detected/);
  });

  it('a body over 1 MiB is refused with a 400 in AWS\'s error shape', async () => {
    const big = JSON.stringify({ Description: 'x'.repeat(1024 * 1024) });
    const res = await raw('TrentService.CreateKey', big);
    expectAwsError(res, 'ValidationException', String(1024 * 1024));
  });

  it('an X-Amz-Target the server does not know is UnknownOperationException', async () => {
    expectAwsError(await raw('TrentService.LaunchRockets', '{}'), 'UnknownOperationException', 'TrentService.LaunchRockets');
    expectAwsError(await raw('DynamoDB_20120810.ListTables', '{}'), 'UnknownOperationException', 'DynamoDB_20120810.ListTables');
    expectAwsError(await raw('TrentService.constructor', '{}'), 'UnknownOperationException', 'constructor');
  });

  it('after all of that the server still serves, and no key was created or changed', async () => {
    const keysAfter = ((await kms.send(new ListKeysCommand({}))).Keys ?? []).map((k) => k.KeyId!);
    expect(keysAfter).toEqual(keysBefore);
    const now = (await kms.send(new DescribeKeyCommand({ KeyId: sentinel.KeyId as string }))).KeyMetadata;
    expect(now).toEqual(sentinel);
  });
});

describe('the AWS CLI', () => {
  it.skipIf(!hasAwsCli)('aws kms create-key, encrypt and decrypt work against the endpoint with the admin credentials', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-cli-'));
    try {
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: dir,
        AWS_ACCESS_KEY_ID: admin.accessKeyId,
        AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
        AWS_DEFAULT_REGION: 'eu-central-1',
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'),
        AWS_PAGER: '',
      };
      const aws = async (...args: string[]): Promise<string> =>
        (await promisify(execFile)('aws', ['kms', ...args, '--endpoint-url', h.endpoint, '--output', 'text'], { env, timeout: 60_000 })).stdout.trim();

      const keyId = await aws('create-key', '--description', 'made by the aws cli', '--query', 'KeyMetadata.KeyId');
      expect(keyId).toMatch(/^[0-9a-f-]{36}$/);
      const meta = (await h.client('admin', 'eu-central-1').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
      expect(meta).toMatchObject({ Description: 'made by the aws cli', Arn: `arn:aws:kms:eu-central-1:111122223333:key/${keyId}` });

      writeFileSync(join(dir, 'plain.txt'), 'secret from the shell');
      const blob = await aws('encrypt', '--key-id', keyId, '--plaintext', `fileb://${join(dir, 'plain.txt')}`, '--query', 'CiphertextBlob');
      writeFileSync(join(dir, 'blob.bin'), Buffer.from(blob, 'base64'));
      const plaintext = await aws('decrypt', '--ciphertext-blob', `fileb://${join(dir, 'blob.bin')}`, '--query', 'Plaintext');
      expect(Buffer.from(plaintext, 'base64').toString()).toBe('secret from the shell');
      expect(readFileSync(join(dir, 'blob.bin')).includes(Buffer.from('secret from the shell'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
