import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALSTACK_ENDPOINT, requireLocalStackInCi } from './interop-peers';

requireLocalStackInCi();

/**
 * The endpoint and profile settings of the AWS CLI, for every backend, against a real LocalStack:
 * each cell runs `keydrill drill run` with LocalStack's own fallback ($LOCALSTACK_ENDPOINT) pointed
 * at a closed port, so a drill that passes proves the setting under test sent it to LocalStack, and
 * one that exits 3 proves the setting that should win did.
 */
const ENV_BASE = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'LOCALSTACK_ENDPOINT'));

describe.skipIf(!LOCALSTACK_ENDPOINT)('AWS endpoint and profile conventions against LocalStack', () => {
  const ls = LOCALSTACK_ENDPOINT as string;
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-endpoints-'));
  let closed = '';
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closed = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    writeFileSync(join(dir, 'config'), [
      '[profile ls]', 'region = us-east-1', `endpoint_url = ${ls}`, '',
      '[profile svc]', `endpoint_url = ${closed}`, 'services = local', '',
      '[services local]', 'kms =', `  endpoint_url = ${ls}`, '',
    ].join('\n'));
    writeFileSync(join(dir, 'credentials'), ['[ls]', 'aws_access_key_id = test', 'aws_secret_access_key = test', '[svc]', 'aws_access_key_id = test', 'aws_secret_access_key = test', ''].join('\n'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function drill(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml', ...args], {
        env: { ...ENV_BASE, KEYDRILL_HOME: join(dir, 'home'), AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), LOCALSTACK_ENDPOINT: closed, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
  }

  it.concurrent.each([
    ['localstack', 'AWS_ENDPOINT_URL_KMS', [], () => ({ AWS_ENDPOINT_URL_KMS: ls })],
    ['localstack', 'AWS_ENDPOINT_URL', [], () => ({ AWS_ENDPOINT_URL: ls })],
    ['localstack', 'profile ls', ['--profile', 'ls'], () => ({})],
    ['localstack', 'profile ls', [], () => ({ AWS_PROFILE: 'ls' })],
    ['localstack', 'profile svc (services local, kms)', ['--profile', 'svc'], () => ({})],
    ['localstack', 'profile svc (services local, kms)', ['--profile', 'svc'], () => ({ AWS_PROFILE: 'ls' })],
    ['localstack', 'the given endpoint', ['--endpoint', ls], () => ({ AWS_ENDPOINT_URL_KMS: closed })],
    ['aws', 'profile ls', ['--profile', 'ls'], () => ({})],
    ['aws', 'profile ls', [], () => ({ AWS_PROFILE: 'ls' })],
    ['aws', 'AWS_ENDPOINT_URL_KMS', ['--profile', 'ls'], () => ({ AWS_ENDPOINT_URL_KMS: ls, AWS_ENDPOINT_URL: closed })],
  ] as const)('--backend %s reaches LocalStack through %s (%j)', async (backend, source, args, env) => {
    const r = await drill(['--backend', backend, ...args], env());
    expect(r.stderr).toContain(`${backend === 'aws' ? 'AWS KMS' : 'LocalStack\'s KMS'} at ${ls} (from ${source})`);
    expect(r.code, r.stderr).toBe(0);
  }, 90_000);

  it.concurrent.each([
    ['AWS_ENDPOINT_URL_KMS over AWS_ENDPOINT_URL', [], () => ({ AWS_ENDPOINT_URL_KMS: closed, AWS_ENDPOINT_URL: ls })],
    ['AWS_ENDPOINT_URL over the profile', ['--profile', 'ls'], () => ({ AWS_ENDPOINT_URL: closed })],
  ] as const)('the setting that should win does: %s', async (_, args, env) => {
    const r = await drill(['--backend', 'localstack', ...args], env());
    expect(r.stderr).toContain(`is unreachable`);
    expect(r.code, r.stderr).toBe(3);
  }, 90_000);
});
