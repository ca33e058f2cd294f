import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, DecryptCommand, DisableKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * AWS writes a CloudTrail record of every KMS call, refusals included. `keydrill kms serve` wrote
 * none for its own clients (an SDK, the AWS CLI): an audit trial found its event store empty after
 * 75 calls, and LookupEvents answering nothing. Here a real server process is called by the SDK.
 */
const BIN = resolve('bin/keydrill.mjs');
const home = mkdtempSync(join(tmpdir(), 'keydrill-serve-trail-'));
let server: ChildProcess | undefined;
afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGKILL');
    await new Promise((done) => server?.once('exit', done));
  }
  rmSync(home, { recursive: true, force: true });
});

interface Served {
  endpoint: string;
  identities: { name: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string; callerArn: string }[];
}

async function serve(): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--json'], { env: { ...process.env, KEYDRILL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  return new Promise<Served>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (line) done(JSON.parse(line) as Served);
    });
    child.on('exit', (code) => fail(new Error(`kms serve exited ${code}`)));
  });
}

describe('kms serve writes the calls it answers to CloudTrail', () => {
  it('every call, refusals included, as AWS writes it: found by LookupEvents while it serves, and in the event store once it stops; no plaintext anywhere', async () => {
    const { endpoint, identities } = await serve();
    const admin = identities.find((i) => i.name === 'admin')!;
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const kms = new KMSClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials });
    const plaintext = 'the customer record 4111-1111';
    const { KeyId: keyId, Arn: keyArn } = (await kms.send(new CreateKeyCommand({ Description: 'served' }))).KeyMetadata! as { KeyId: string; Arn: string };
    const sealed = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(plaintext), EncryptionContext: { tenant: 'acme' } }));
    const opened = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { tenant: 'acme' } }));
    const refused = await kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: { tenant: 'globex' } })).then(() => undefined, (e: { name: string; $metadata: { requestId: string } }) => e);
    expect(refused?.name).toBe('InvalidCiphertextException');
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));
    kms.destroy();

    // While it serves: its own LookupEvents finds them (written as they are answered).
    const cloudtrail = new CloudTrailClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials });
    await vi.waitFor(async () => {
      const page = await cloudtrail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: keyArn }] }));
      expect(page.Events?.map((e) => e.EventName).sort()).toEqual(['CreateKey', 'Decrypt', 'Decrypt', 'DisableKey', 'Encrypt']);
    }, { timeout: 10_000, interval: 200 });
    cloudtrail.destroy();

    server?.kill('SIGINT');
    expect(await new Promise((done) => server?.once('exit', done))).toBe(0);
    const query = spawnSync(process.execPath, [BIN, 'audit', 'query', '--json', '--max', '100'], { env: { ...process.env, KEYDRILL_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    expect(query.status, query.stderr).toBe(0);
    const records = (JSON.parse(query.stdout) as { Records: Record<string, unknown>[] }).Records.reverse();
    expect(records.map((r) => [r.eventName, r.errorCode ?? null])).toEqual([
      ['CreateKey', null], ['Encrypt', null], ['Decrypt', null], ['Decrypt', 'InvalidCiphertextException'], ['DisableKey', null],
    ]);
    const [createKey, encrypt, decrypt, decryptRefused] = records as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    // Dates as AWS writes them in a record (ct-createkey: "Aug 10, 2022, 10:38:27 PM"), not the wire's epoch seconds.
    expect(createKey).toMatchObject({ responseElements: { keyMetadata: { creationDate: expect.stringMatching(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d{2}:\d{2} [AP]M$/) } } });
    expect(decrypt).toMatchObject({
      eventSource: 'kms.amazonaws.com', awsRegion: 'eu-west-1', sourceIPAddress: '127.0.0.1', eventType: 'AwsApiCall', readOnly: true,
      userIdentity: { type: 'IAMUser', arn: admin.callerArn, accessKeyId: admin.accessKeyId },
      requestParameters: { encryptionContext: { tenant: 'acme' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      requestID: opened.$metadata.requestId,
      additionalEventData: { keyMaterialId: expect.stringMatching(/^[0-9a-f]{64}$/) },
      resources: [{ type: 'AWS::KMS::Key', ARN: expect.stringContaining(`key/${keyId}`) }],
    });
    expect(String(decrypt.userAgent)).toMatch(/^aws-sdk-js\//);
    expect(decryptRefused).toMatchObject({ errorCode: 'InvalidCiphertextException', requestID: refused?.$metadata.requestId });
    expect(encrypt.requestParameters).toEqual({ keyId, encryptionContext: { tenant: 'acme' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    // No key material, no plaintext, no ciphertext: not in the records, not in the store's files.
    expect(JSON.stringify(records)).not.toMatch(/plaintext|ciphertextBlob/i);
    const secret = [Buffer.from(plaintext).toString('base64'), plaintext, Buffer.from(opened.Plaintext!).toString('base64')];
    for (const file of readdirSync(home).filter((f) => f.startsWith('events.sqlite'))) {
      const bytes = readFileSync(join(home, file), 'latin1');
      for (const s of secret) expect(bytes.includes(s), `${file} holds ${s}`).toBe(false);
    }
  }, 90_000);

  it("answers LookupEvents with the caller's own account's history, and only to a caller whose IAM policy allows cloudtrail:LookupEvents", async () => {
    const { endpoint, identities } = await serve();
    const as = (name: string): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } => {
      const { accessKeyId, secretAccessKey, sessionToken } = identities.find((i) => i.name === name)!;
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    };
    const admin = new KMSClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials: as('admin') });
    const { Arn: keyArn } = (await admin.send(new CreateKeyCommand({ Description: 'not shared with the vendor' }))).KeyMetadata! as { Arn: string };
    admin.destroy();
    // The vendor's role tries the customer's key: refused, and written to the vendor's account only.
    const vendor = new KMSClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials: as('vendor') });
    const refused = await vendor.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') })).then(() => undefined, (e: Error) => e);
    expect(refused?.name).toBe('AccessDeniedException');
    vendor.destroy();

    const lookup = async (name: string): Promise<{ accounts: string[]; callers: string[] } | Error> => {
      const cloudtrail = new CloudTrailClient({ endpoint, region: 'eu-west-1', maxAttempts: 1, credentials: as(name) });
      try {
        const events: { EventName?: string; CloudTrailEvent?: string }[] = [];
        let NextToken: string | undefined;
        do {
          const page = await cloudtrail.send(new LookupEventsCommand({ NextToken }));
          events.push(...(page.Events ?? []));
          NextToken = page.NextToken;
        } while (NextToken);
        const records = events.map((e) => JSON.parse(e.CloudTrailEvent!) as { recipientAccountId: string; userIdentity: { accountId: string } });
        return { accounts: [...new Set(records.map((r) => r.recipientAccountId))], callers: [...new Set(records.map((r) => r.userIdentity.accountId))] };
      } catch (err) {
        return err as Error;
      } finally {
        cloudtrail.destroy();
      }
    };
    // The customer's administrator reads the customer's history, which holds no record of the vendor's refused call.
    const customer = await lookup('admin');
    expect(customer).not.toBeInstanceOf(Error);
    expect(customer).toEqual({ accounts: ['111122223333'], callers: ['111122223333'] });
    // Neither the service role (no IAM policy) nor the vendor's role (its policy is for KMS keys) may read event history.
    for (const name of ['service', 'vendor']) {
      const answer = await lookup(name);
      expect(answer).toBeInstanceOf(Error);
      expect(answer).toMatchObject({ name: 'AccessDeniedException', message: expect.stringMatching(/is not authorized to perform: cloudtrail:LookupEvents .*because no identity-based policy allows/) });
    }
    server?.kill('SIGINT');
    expect(await new Promise((done) => server?.once('exit', done))).toBe(0);
    // The vendor's refused call is stored, in the vendor's account: the administrator's answer left it out, it did not lose it.
    const query = spawnSync(process.execPath, [BIN, 'audit', 'query', '--json', '--max', '100', '--attribute', 'EventName=Encrypt'], { env: { ...process.env, KEYDRILL_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    expect(query.status, query.stderr).toBe(0);
    expect((JSON.parse(query.stdout) as { Records: Record<string, unknown>[] }).Records).toContainEqual(
      expect.objectContaining({ errorCode: 'AccessDeniedException', recipientAccountId: '444455556666', userIdentity: expect.objectContaining({ accountId: '444455556666' }) }));
  }, 90_000);
});
