import { CreateKeyCommand, DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startKms } from '../support/kms-harness';

/**
 * `keydrill kms serve` as a LocalStack user meets it (a health check, test/test credentials when
 * asked) and `keydrill kms env` handing its endpoint and credentials to shells, credential_process
 * and AWS profiles; both run as real processes, and the credentials they hand out are used by the SDK,
 * by bash, and by boto3 where a Python with boto3 is at hand (CI installs two).
 */
const BIN = resolve('bin/keydrill.mjs');
let home: string;
let dataDir: string;
let server: ChildProcess;
let endpoint: string;
const clients: KMSClient[] = [];

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...process.env, KEYDRILL_HOME: home, ...env }, timeout: 60_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

function client(credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): KMSClient {
  const c = new KMSClient({ endpoint, region: 'us-east-1', maxAttempts: 1, credentials });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'keydrill-env-'));
  dataDir = join(home, 'kms');
  server = spawn(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--accept-test-credentials', '--json'], { env: { ...process.env, KEYDRILL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  endpoint = await new Promise<string>((done, fail) => {
    let out = '';
    server.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').slice(0, -1).find((l) => l.startsWith('{'));
      if (line) done((JSON.parse(line) as { endpoint: string }).endpoint);
    });
    server.on('exit', (code) => fail(new Error(`kms serve exited ${code}`)));
  });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.destroy();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
  }
  rmSync(home, { recursive: true, force: true });
});

describe('a data folder another kms serve holds', () => {
  it('is refused with exit 2 (choose another folder), naming the process, as --help lists it', () => {
    const second = spawnSync(process.execPath, [BIN, 'kms', 'serve', '--port', '0', '--accept-test-credentials'], { env: { ...process.env, KEYDRILL_HOME: home }, encoding: 'utf8', timeout: 60_000 });
    expect(second.status, second.stderr).toBe(2);
    expect(spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout).toContain('2    bad input: an unknown option, an invalid scenario, a missing file, a data folder\n       another process holds');
    expect(second.stderr).toMatch(new RegExp(`keydrill: .* is in use by another KeyDrill process \\(pid ${server.pid}\\)`));
  }, 60_000);
});

describe('LocalStack habits against kms serve', () => {
  it('answers a health check at /_localstack/health and /health, in LocalStack\'s shape, without credentials', async () => {
    for (const path of ['/_localstack/health', '/health']) {
      const res = await fetch(`${endpoint}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ services: { kms: 'running', cloudtrail: 'running' } });
    }
    // The check a LocalStack CI wait loop does (scripts/localstack.sh greps for it).
    expect(await (await fetch(`${endpoint}/_localstack/health`)).text()).toMatch(/"kms":\s*"running"/);
  });

  it('with --accept-test-credentials, test/test works as the administrator; without it they are refused', async () => {
    const test = client({ accessKeyId: 'test', secretAccessKey: 'test' });
    const key = (await test.send(new CreateKeyCommand({ Description: 'made with test/test' }))).KeyMetadata;
    expect(key?.Arn).toMatch(/^arn:aws:kms:us-east-1:111122223333:key\//);
    const strict = await startKms();
    try {
      const refused = new KMSClient({ endpoint: strict.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      clients.push(refused);
      expect((await failure(refused.send(new ListKeysCommand({})))).name).toBe('UnrecognizedClientException');
    } finally {
      await strict.close();
    }
  });
});

describe('keydrill kms env', () => {
  it('prints exports that a shell evaluates into working AWS_* variables, for the administrator and the service role', async () => {
    const admin = await cli(['kms', 'env']);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toContain(`export AWS_ENDPOINT_URL_KMS='${endpoint}'`);
    expect(admin.stdout).toContain('unset AWS_SESSION_TOKEN');
    const shell = spawnSync('bash', ['-c', 'eval "$(cat)"; printf "%s\\n" "$AWS_ENDPOINT_URL_KMS" "$AWS_REGION" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" "${AWS_SESSION_TOKEN-unset}"'], {
      input: (await cli(['kms', 'env', '--identity', 'service', '--region', 'eu-west-1'])).stdout,
      env: { PATH: process.env.PATH, AWS_SESSION_TOKEN: 'stale' },
    });
    const [url, region, akid, secret, token] = shell.stdout.toString().trim().split('\n');
    expect([url, region]).toEqual([endpoint, 'eu-west-1']);
    const identities = (JSON.parse(readFileSync(join(dataDir, 'identities.json'), 'utf8')) as { identities: { name: string; accessKeyId: string; secretAccessKey: string; sessionToken?: string }[] }).identities;
    const service = identities.find((i) => i.name === 'service');
    expect({ akid, secret, token }).toEqual({ akid: service?.accessKeyId, secret: service?.secretAccessKey, token: service?.sessionToken });
  });

  it('--json and --credential-process give credentials the SDK accepts (the service role with its session token)', async () => {
    const vars = JSON.parse((await cli(['kms', 'env', '--identity', 'service', '--json'])).stdout) as Record<string, string>;
    expect(vars.AWS_ENDPOINT_URL_KMS).toBe(endpoint);
    const process = JSON.parse((await cli(['kms', 'env', '--identity', 'service', '--credential-process'])).stdout) as Record<string, unknown>;
    expect(process).toEqual({ Version: 1, AccessKeyId: vars.AWS_ACCESS_KEY_ID, SecretAccessKey: vars.AWS_SECRET_ACCESS_KEY, SessionToken: vars.AWS_SESSION_TOKEN });
    const service = client({ accessKeyId: vars.AWS_ACCESS_KEY_ID as string, secretAccessKey: vars.AWS_SECRET_ACCESS_KEY as string, sessionToken: vars.AWS_SESSION_TOKEN as string });
    // Accepted as the service role (no credential error): its key policy access is what decides.
    const keyId = (await client({ accessKeyId: 'test', secretAccessKey: 'test' }).send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const denied = await failure(service.send(new DescribeKeyCommand({ KeyId: keyId })));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toContain('assumed-role/keydrill-service');
  });

  it('exits 3 naming the folder when no server runs on it, and 2 on a bad option', async () => {
    const none = await cli(['kms', 'env', '--data', join(home, 'elsewhere')]);
    expect(none.code).toBe(3);
    expect(none.stderr).toContain(join(home, 'elsewhere'));
    expect((await cli(['kms', 'env', '--identity', 'root'])).code).toBe(2);
    expect((await cli(['kms', 'env', '--json', '--credential-process'])).code).toBe(2);
  });

  const python = ['.venv/kms-conformance/bin/python', '.venv/localstack/bin/python'].map((p) => resolve(p))
    .find((p) => existsSync(p) && spawnSync(p, ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0);

  it.skipIf(!python)('--profile writes a profile (keeping the others) that boto3 uses through credential_process and endpoint_url', { timeout: 120_000 }, async () => {
    const config = join(home, 'aws-config');
    writeFileSync(config, '[profile other]\nregion = eu-west-1\n\n[default]\nregion = ap-south-1\n');
    const written = await cli(['kms', 'env', '--profile', 'keydrill', '--identity', 'admin'], { AWS_CONFIG_FILE: config });
    expect(written.code).toBe(0);
    const text = readFileSync(config, 'utf8');
    expect(text).toContain('[profile other]\nregion = eu-west-1');
    expect(text).toContain('[default]\nregion = ap-south-1');
    expect(text).toContain(`endpoint_url = ${endpoint}`);
    // Written again: still one section of that name.
    await cli(['kms', 'env', '--profile', 'keydrill', '--identity', 'admin'], { AWS_CONFIG_FILE: config });
    expect(readFileSync(config, 'utf8').match(/\[profile keydrill\]/g)).toHaveLength(1);
    const script = "import boto3, json; print(json.dumps(sorted(k['KeyId'] for k in boto3.Session(profile_name='keydrill').client('kms').list_keys()['Keys'])))";
    const env = { PATH: process.env.PATH, HOME: home, KEYDRILL_HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, 'none') };
    const { stdout } = await promisify(execFile)(python as string, ['-c', script], { env, timeout: 120_000 });
    const seen = ((await client({ accessKeyId: 'test', secretAccessKey: 'test' }).send(new ListKeysCommand({}))).Keys ?? []).map((k) => k.KeyId).sort();
    expect(seen.length).toBeGreaterThan(0);
    expect(JSON.parse(stdout) as string[]).toEqual(seen);
  });
});
