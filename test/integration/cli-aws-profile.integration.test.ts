import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV } from '../support/clean-env';

/**
 * Every command that takes --profile (or reads AWS_PROFILE) refuses a profile in neither AWS file
 * as bad input, exit 2, before any call: the SDK alone said "Could not load credentials from any
 * providers" (exit 3), and cleanup skipped every region as refusing the credentials.
 */
const dir = mkdtempSync(join(tmpdir(), 'keydrill-cli-profile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'config');
const credentials = join(dir, 'credentials');
writeFileSync(config, '[default]\nregion = us-east-1\n[profile prod_kms]\nregion = eu-west-1\n');
writeFileSync(credentials, '[prod_kms]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
const MESSAGE = `keydrill: AWS profile "prod-kms" is not in ${config} or ${credentials} (profiles there: default, prod_kms). Did you mean "prod_kms"?`;

function keydrill(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    // No instance-metadata lookups, should a credential chain ever be reached.
    env: { ...CLEAN_ENV, KEYDRILL_HOME: join(dir, 'home'), AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
}

describe('a mistyped AWS profile on the command line', () => {
  it.each([
    ['drill run --dry-run', ['drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--backend', 'aws', '--profile', 'prod-kms', '--dry-run']],
    ['drill run against LocalStack (the profile\'s endpoint_url)', ['drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--backend', 'localstack', '--profile', 'prod-kms']],
    ['cleanup', ['cleanup', '--backend', 'aws', '--profile', 'prod-kms', '--region', 'us-east-1', '--dry-run']],
  ])('%s: exit 2, naming the profiles there and the one meant', (_, args) => {
    const r = keydrill(args);
    expect(r.stderr.trim()).toBe(MESSAGE);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain('EXAMPLE');
  });

  it('audit import --lookup-events with AWS_PROFILE: the same, saying where the name came from', () => {
    const r = keydrill(['audit', 'import', '--lookup-events', '--region', 'us-east-1', '--json'], { AWS_PROFILE: 'prod-kms' });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'unknown-aws-profile', message: expect.stringContaining('AWS profile "prod-kms" (from AWS_PROFILE) is not in') } });
  });

  it('a profile that is there passes the check (a dry run plans without calling AWS)', () => {
    const r = keydrill(['drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--backend', 'aws', '--profile', 'prod_kms', '--dry-run']);
    expect(r.status, r.stderr).toBe(0);
  });
});
