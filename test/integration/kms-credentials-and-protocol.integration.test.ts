import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';
import { signedRequest, type RawCredentials } from '../support/signed-request';

/**
 * What AWS's front end checks before any operation: the protocol (Content-Type), a temporary key's
 * session token, and which SDK's X-Amz-Target form is spoken. Requests are raw (signed here as any
 * SDK signs them), so each departure from what the JS SDK sends can be made on purpose; botocore's
 * own form is also sent by boto3 itself when a Python with boto3 is at hand (CI installs two).
 */
const START = Date.UTC(2026, 0, 15, 9);
let dir: string;
let store: SqliteEventStore;
let h: KmsHarness;
let keyId: string;

const credentials = (name: 'admin' | 'service'): RawCredentials => {
  const { accessKeyId, secretAccessKey, sessionToken } = h.kms.identity(name);
  return { accessKeyId, secretAccessKey, sessionToken };
};
const describeKey = (creds: RawCredentials | undefined, contentType: string | undefined = 'application/x-amz-json-1.1') =>
  signedRequest(h.endpoint, { target: 'TrentService.DescribeKey', body: JSON.stringify({ KeyId: keyId }), credentials: creds, contentType });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-front-'));
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
  store.append([...syntheticKmsEvents({ count: 30, start: START, durationMs: 3_600_000, regions: ['us-east-1'], seed: 5 })].map((record) => ({ record })));
  h = await startKms({ eventStore: store });
  // The service role may describe keys, so only credentials decide these answers.
  const policy = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Admin', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${h.kms.account}:root` }, Action: 'kms:*', Resource: '*' },
      { Sid: 'Service', Effect: 'Allow', Principal: { AWS: h.kms.identity('service').principalArn }, Action: 'kms:DescribeKey', Resource: '*' },
    ],
  });
  keyId = (await h.client('admin').send(new CreateKeyCommand({ Policy: policy }))).KeyMetadata?.KeyId as string;
});
afterAll(async () => {
  await h?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('session tokens of temporary credentials', () => {
  it('the service identity is temporary (ASIA…) and is issued a session token; the administrator is not', () => {
    expect(h.kms.identity('service').accessKeyId).toMatch(/^ASIA/);
    expect(h.kms.identity('service').sessionToken?.length).toBeGreaterThan(300);
    expect(h.kms.identity('admin').sessionToken).toBeUndefined();
  });

  it('a request signed by the temporary key is served only with its session token, as AWS does', async () => {
    expect((await describeKey(credentials('service'))).status).toBe(200);
    const { sessionToken: _dropped, ...withoutToken } = credentials('service');
    for (const creds of [withoutToken, { ...withoutToken, sessionToken: `${credentials('service').sessionToken}x` }]) {
      const res = await describeKey(creds);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
    }
    // A long-term key with a token that is not its own is refused the same way.
    const adminWithToken = await describeKey({ ...credentials('admin'), sessionToken: credentials('service').sessionToken });
    expect(adminWithToken.json.__type).toBe('UnrecognizedClientException');
  });

  it('through the SDK: credentials without the token get UnrecognizedClientException', async () => {
    const { accessKeyId, secretAccessKey } = h.kms.identity('service');
    const bare = new KMSClient({ endpoint: h.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId, secretAccessKey } });
    try {
      expect((await failure(bare.send(new DescribeKeyCommand({ KeyId: keyId })))).name).toBe('UnrecognizedClientException');
      expect((await h.client('service').send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyId).toBe(keyId);
    } finally {
      bare.destroy();
    }
  });
});

describe('the protocol, as the Content-Type says', () => {
  it('a signed request in no JSON protocol is no operation at all: 404 <UnknownOperationException/>, and nothing happens', async () => {
    for (const type of ['text/plain', 'application/json', undefined]) {
      const res = await signedRequest(h.endpoint, { target: 'TrentService.CreateKey', body: '{}', credentials: credentials('admin'), contentType: type });
      expect(res.status).toBe(404);
      expect(res.text).toBe('<UnknownOperationException/>');
    }
    const keys = await signedRequest(h.endpoint, { target: 'TrentService.ListKeys', body: '{}', credentials: credentials('admin'), contentType: 'application/x-amz-json-1.1' });
    expect((keys.json.Keys as unknown[]).length).toBe(1);
  });

  it('parameters on the JSON type are ignored, and JSON 1.0 is understood too', async () => {
    expect((await describeKey(credentials('admin'), 'application/x-amz-json-1.1; charset=utf-8')).status).toBe(200);
    expect((await describeKey(credentials('admin'), 'application/x-amz-json-1.0')).status).toBe(200);
  });
});

describe('CloudTrail LookupEvents in every SDK\'s form', () => {
  const lookup = (target: string) =>
    signedRequest(h.endpoint, { target, body: JSON.stringify({ MaxResults: 5 }), credentials: credentials('admin'), service: 'cloudtrail', contentType: 'application/x-amz-json-1.1' });

  it('botocore\'s full target prefix and the Smithy SDKs\' short one give the same answer', async () => {
    const botocore = await lookup('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents');
    const smithy = await lookup('CloudTrail_20131101.LookupEvents');
    expect(botocore.status).toBe(200);
    expect((botocore.json.Events as unknown[]).length).toBe(5);
    expect(botocore.json).toEqual(smithy.json);
    expect((await lookup('com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails')).json.__type).toBe('UnknownOperationException');
  });

  const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

  it.skipIf(!hasAwsCli)('aws cloudtrail lookup-events --endpoint-url reads them', { timeout: 120_000 }, async () => {
    const admin = h.kms.identity('admin');
    const env = {
      PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none'), AWS_PAGER: '',
      AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1',
    };
    const { stdout } = await promisify(execFile)('aws', ['cloudtrail', 'lookup-events', '--endpoint-url', h.endpoint, '--max-items', '3', '--output', 'json'], { env, timeout: 120_000 });
    const out = JSON.parse(stdout) as { Events: { EventId: string; EventSource: string }[] };
    expect(out.Events).toHaveLength(3);
    expect(out.Events.every((e) => e.EventSource === 'kms.amazonaws.com')).toBe(true);
  });

  const python = ['.venv/kms-conformance/bin/python', '.venv/localstack/bin/python'].map((p) => resolve(p))
    .find((p) => existsSync(p) && spawnSync(p, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0);

  it.skipIf(!python)('boto3 reads the events as the administrator; as the service identity its session token is accepted and the call refused for want of cloudtrail:LookupEvents', { timeout: 60_000 }, async () => {
    const script = [
      'import boto3, json, os, botocore.exceptions',
      "ct = boto3.client('cloudtrail', endpoint_url=os.environ['ENDPOINT'], region_name='us-east-1')",
      'try:',
      "    out = ct.lookup_events(MaxResults=7, LookupAttributes=[{'AttributeKey': 'EventSource', 'AttributeValue': 'kms.amazonaws.com'}])",
      "    print(json.dumps([e['EventId'] for e in out['Events']]))",
      'except botocore.exceptions.ClientError as e:',
      "    print(json.dumps(e.response['Error']))",
    ].join('\n');
    const asIdentity = async (name: string): Promise<unknown> => {
      const identity = h.kms.identity(name);
      const env = {
        PATH: process.env.PATH, HOME: dir, ENDPOINT: h.endpoint, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_ACCESS_KEY_ID: identity.accessKeyId, AWS_SECRET_ACCESS_KEY: identity.secretAccessKey, ...(identity.sessionToken ? { AWS_SESSION_TOKEN: identity.sessionToken } : {}),
      };
      return JSON.parse((await promisify(execFile)(python as string, ['-c', script], { env, timeout: 60_000 })).stdout) as unknown;
    };
    expect(await asIdentity('service')).toMatchObject({ Code: 'AccessDeniedException', Message: expect.stringContaining('is not authorized to perform: cloudtrail:LookupEvents') });
    const ids = await asIdentity('admin') as string[];
    expect(ids).toHaveLength(7);
    const smithy = await signedRequest(h.endpoint, {
      target: 'CloudTrail_20131101.LookupEvents', service: 'cloudtrail', credentials: credentials('admin'), contentType: 'application/x-amz-json-1.1',
      body: JSON.stringify({ MaxResults: 7, LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'kms.amazonaws.com' }] }),
    });
    expect(ids).toEqual((smithy.json.Events as { EventId: string }[]).map((e) => e.EventId));
  });
});
