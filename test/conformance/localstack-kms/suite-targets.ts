/**
 * The endpoints the LocalStack KMS suite can run against, each as the environment its boto3
 * clients and our conftest.py read: the endpoint, the primary identity's credentials, and what
 * sts:GetCallerIdentity answers for the primary and the secondary ("other account") identity.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Target {
  description: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

interface ServedIdentity {
  name: string;
  account?: string;
  callerArn: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

interface ServeBanner {
  endpoint: string;
  account: string;
  identities: ServedIdentity[];
}

const repoRoot = new URL('../../../', import.meta.url).pathname;

/** `keydrill kms serve --port 0` with a fresh data folder, as a user would start it. */
export async function startEmbeddedTarget(dataDir: string): Promise<Target> {
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(process.execPath, [join(repoRoot, 'bin/keydrill.mjs'), 'kms', 'serve', '--port', '0', '--data', dataDir, '--db', join(dataDir, 'events.sqlite'), '--json'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const banner = await readBanner(child);
  const admin = identity(banner, 'admin');
  const service = identity(banner, 'service');
  return {
    description: `the embedded KMS (keydrill kms serve at ${banner.endpoint})`,
    env: {
      AWS_ENDPOINT_URL_KMS: banner.endpoint,
      AWS_ACCESS_KEY_ID: admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: admin.secretAccessKey,
      ...(admin.sessionToken ? { AWS_SESSION_TOKEN: admin.sessionToken } : {}),
      HARNESS_CALLER_ARN: admin.callerArn,
      HARNESS_ACCOUNT_ID: admin.account ?? banner.account,
      SECONDARY_TEST_AWS_ACCESS_KEY_ID: service.accessKeyId,
      SECONDARY_TEST_AWS_SECRET_ACCESS_KEY: service.secretAccessKey,
      ...(service.sessionToken ? { SECONDARY_TEST_AWS_SESSION_TOKEN: service.sessionToken } : {}),
      HARNESS_SECONDARY_CALLER_ARN: service.callerArn,
      HARNESS_SECONDARY_ACCOUNT_ID: service.account ?? banner.account,
    },
    stop: () => stopChild(child),
  };
}

/** LocalStack, already running: any credentials are accepted, a 12-digit access key id names the account. */
export async function localstackTarget(endpoint: string): Promise<Target> {
  const health = await fetch(new URL('/_localstack/health', endpoint)).then((r) => r.text(), (err: unknown) => {
    throw new Error(`LocalStack does not answer at ${endpoint} (${(err as Error).message}); start it with bash scripts/localstack.sh start`);
  });
  const version = /"version":\s*"([^"]+)"/.exec(health)?.[1] ?? 'unknown version';
  return {
    description: `LocalStack ${version} at ${endpoint}`,
    env: {
      AWS_ENDPOINT_URL_KMS: endpoint,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      HARNESS_CALLER_ARN: 'arn:aws:iam::000000000000:root',
      HARNESS_ACCOUNT_ID: '000000000000',
      SECONDARY_TEST_AWS_ACCESS_KEY_ID: '000000000002',
      SECONDARY_TEST_AWS_SECRET_ACCESS_KEY: 'test',
      HARNESS_SECONDARY_CALLER_ARN: 'arn:aws:iam::000000000002:root',
      HARNESS_SECONDARY_ACCOUNT_ID: '000000000002',
    },
    stop: async () => undefined,
  };
}

function identity(banner: ServeBanner, name: string): ServedIdentity {
  const found = banner.identities.find((i) => i.name === name);
  if (!found) throw new Error(`kms serve declared no '${name}' identity`);
  return found;
}

/** The first line of `kms serve --json` is the banner: endpoint, account and identities. */
function readBanner(child: ChildProcess): Promise<ServeBanner> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const timer = setTimeout(() => fail(new Error('kms serve printed no banner within 60 s')), 60_000);
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    };
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on('data', (c: Buffer) => {
      stdout += c.toString();
      const complete = stdout.split('\n').slice(0, -1); // the last piece may be a line still arriving
      const line = complete.find((l) => l.trim().startsWith('{'));
      if (settled || line === undefined) return;
      try {
        const banner = JSON.parse(line) as ServeBanner;
        settled = true;
        clearTimeout(timer);
        resolve(banner);
      } catch (err) {
        fail(err as Error);
      }
    });
    child.on('exit', (code) => fail(new Error(`kms serve exited ${code} before it was ready: ${stderr.trim().slice(0, 500)}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
