import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testConnection } from '../../src-main/app/connection-test';
import { runDrill } from '../../src-main/drill/drill-runner';
import { checkAwsProfile, UnknownAwsProfileError } from '../../src-main/kms/aws-profile-check';
import { builtIn } from '../support/drill-run';

// A home with both AWS files, as `aws configure` writes them; the secrets must never be echoed.
const home = mkdtempSync(join(tmpdir(), 'keydrill-aws-profiles-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.aws'));
writeFileSync(join(home, '.aws', 'config'), [
  '[default]', 'region = us-east-1', '',
  '[profile prod_kms]', 'region = eu-west-1', 'sso_session = corp', '',
  '[sso-session corp]', 'sso_start_url = https://corp.example/start', '',
  '[services local]', 'kms =', '  endpoint_url = http://localhost:4566', '',
].join('\n'));
writeFileSync(join(home, '.aws', 'credentials'), [
  '[default]', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '',
  '[ci-only]', 'aws_access_key_id = AKIAI44QH8DHBEXAMPLE', 'aws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY', '',
].join('\n'));

const refusal = async (profile: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<UnknownAwsProfileError> => {
  const err: unknown = await checkAwsProfile(profile, env).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UnknownAwsProfileError);
  return err as UnknownAwsProfileError;
};

describe('a named AWS profile that is in neither AWS file', () => {
  beforeEach(() => {
    vi.stubEnv('HOME', home);
    for (const name of ['AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) vi.stubEnv(name, undefined);
    // No instance-metadata lookups from a credential chain in these tests.
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
  });
  afterEach(() => vi.unstubAllEnvs());

  it('is named with the profiles there (names only) and the one probably meant', async () => {
    const err = await refusal('prod-kms');
    expect(err.message).toBe('AWS profile "prod-kms" is not in ~/.aws/config or ~/.aws/credentials (profiles there: ci-only, default, prod_kms). Did you mean "prod_kms"?');
    expect(err.message).not.toMatch(/AKIA|EXAMPLEKEY|corp|local/);
  });

  it('a profile in either file passes: one with only SSO settings in config, one with only keys in credentials', async () => {
    for (const name of ['prod_kms', 'ci-only', 'default']) await expect(checkAwsProfile(name, {})).resolves.toBeUndefined();
  });

  it('no profile named checks nothing: the default chain may find credentials anywhere', async () => {
    await expect(checkAwsProfile(undefined, {})).resolves.toBeUndefined();
    await expect(checkAwsProfile('', { AWS_PROFILE: '' })).resolves.toBeUndefined();
  });

  it('AWS_PROFILE is checked when no profile is given, and says it came from there', async () => {
    expect((await refusal(undefined, { AWS_PROFILE: 'prd_kms' })).message).toMatch(/^AWS profile "prd_kms" \(from AWS_PROFILE\) is not in .*Did you mean "prod_kms"\?$/);
    await expect(checkAwsProfile('prod_kms', { AWS_PROFILE: 'nonesuch' })).resolves.toBeUndefined();
  });

  it('reads the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name, and names them', async () => {
    const config = join(home, 'elsewhere-config');
    writeFileSync(config, '[profile audit]\nregion = eu-west-1\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, 'absent') };
    await expect(checkAwsProfile('audit', env)).resolves.toBeUndefined();
    expect((await refusal('prod_kms', env)).message).toBe(`AWS profile "prod_kms" is not in ~/elsewhere-config or ~/absent (profiles there: audit)`);
    const none = { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
    expect((await refusal('audit', none)).message).toBe('AWS profile "audit" is not in /nonexistent/config or /nonexistent/credentials (no profiles there)');
  });

  it('sees a file corrected since the last look', async () => {
    const config = join(home, 'edited-config');
    writeFileSync(config, '[profile a]\nregion = eu-west-1\n');
    const env = { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(home, 'absent') };
    await refusal('b', env);
    writeFileSync(config, '[profile a]\nregion = eu-west-1\n[profile b]\nregion = eu-west-1\n');
    await expect(checkAwsProfile('b', env)).resolves.toBeUndefined();
  });

  it('the Settings page\'s connection test says so, before any call, instead of "Could not load credentials"', async () => {
    const report = await testConnection({ kind: 'aws', profile: 'prod-kms', regions: ['us-east-1'] });
    expect(report).toMatchObject({ ok: false, backend: 'aws', error: 'AWS profile "prod-kms" is not in ~/.aws/config or ~/.aws/credentials (profiles there: ci-only, default, prod_kms). Did you mean "prod_kms"?' });
  });

  it('a drill against AWS (the app\'s Run, with the profile from Settings) says so before it provisions a key', async () => {
    await expect(runDrill(builtIn('revocation-and-restore'), { backend: 'aws', profile: 'prod-kms' })).rejects.toThrow(/^AWS profile "prod-kms" is not in ~\/\.aws\/config .*Did you mean "prod_kms"\?$/);
  });
});
