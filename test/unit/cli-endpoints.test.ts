import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAwsIni, resolveKmsEndpoint } from '../../src-main/kms/aws-endpoint-config';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';

const dir = mkdtempSync(join(tmpdir(), 'keydrill-aws-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'config');
writeFileSync(config, `# a comment
[default]
region = us-east-1

[profile ls]
region = eu-west-1
endpoint_url = http://profile-ls:4566

[profile svc]
endpoint_url = http://profile-svc-global:4566
services = local-kms

[services local-kms]
kms =
  endpoint_url = http://services-kms:4566
s3 =
  endpoint_url = http://services-s3:4566

[profile quiet]
endpoint_url = http://never:1
ignore_configured_endpoint_urls = true
`);

const env = (extra: Record<string, string> = {}) => ({ AWS_CONFIG_FILE: config, ...extra });

describe('the KMS endpoint, chosen as the AWS CLI chooses it', () => {
  it('reads the AWS config file\'s sections and nested service settings', () => {
    const ini = parseAwsIni('[profile a]\nendpoint_url = x\nservices = s\n[services s]\nkms =\n  endpoint_url = y\n');
    expect(ini.get('profile a')?.values).toEqual({ endpoint_url: 'x', services: 's' });
    expect(ini.get('services s')?.nested.get('kms')).toEqual({ endpoint_url: 'y' });
  });

  it.each([
    ['--endpoint wins over everything', { explicit: 'http://flag:1', env: env({ AWS_ENDPOINT_URL_KMS: 'http://kms-env:1' }), profile: 'ls' }, 'http://flag:1'],
    ['AWS_ENDPOINT_URL_KMS before AWS_ENDPOINT_URL', { env: env({ AWS_ENDPOINT_URL_KMS: 'http://kms-env:1', AWS_ENDPOINT_URL: 'http://global-env:1' }) }, 'http://kms-env:1'],
    ['AWS_ENDPOINT_URL before the profile', { env: env({ AWS_ENDPOINT_URL: 'http://global-env:1' }), profile: 'ls' }, 'http://global-env:1'],
    ['--profile P: the profile\'s endpoint_url', { env: env(), profile: 'ls' }, 'http://profile-ls:4566'],
    ['AWS_PROFILE=P: the same', { env: env({ AWS_PROFILE: 'ls' }) }, 'http://profile-ls:4566'],
    ['--profile wins over AWS_PROFILE', { env: env({ AWS_PROFILE: 'svc' }), profile: 'ls' }, 'http://profile-ls:4566'],
    ['the services section\'s kms endpoint before the profile\'s own', { env: env(), profile: 'svc' }, 'http://services-kms:4566'],
    ['ignore_configured_endpoint_urls in the profile', { env: env({ AWS_ENDPOINT_URL_KMS: 'http://kms-env:1' }), profile: 'quiet' }, 'http://localhost:4566'],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', { env: env({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_KMS: 'http://kms-env:1' }), profile: 'ls' }, 'http://localhost:4566'],
    ['LocalStack\'s own variable after the AWS ones', { env: env({ LOCALSTACK_ENDPOINT: 'http://ls-env:1' }) }, 'http://ls-env:1'],
    ['LocalStack\'s default last', { env: env() }, 'http://localhost:4566'],
  ])('localstack: %s', (_, q, url) => {
    expect(resolveKmsEndpoint({ backend: 'localstack', ...q }).url).toBe(url);
  });

  it('AWS: the same order, then AWS\'s own regional endpoints', () => {
    expect(resolveKmsEndpoint({ backend: 'aws', env: env({ AWS_ENDPOINT_URL_KMS: 'http://kms-env:1' }) })).toEqual({ url: 'http://kms-env:1', source: 'AWS_ENDPOINT_URL_KMS' });
    expect(resolveKmsEndpoint({ backend: 'aws', env: env(), profile: 'ls' })).toEqual({ url: 'http://profile-ls:4566', source: 'profile ls' });
    expect(resolveKmsEndpoint({ backend: 'aws', env: env({ LOCALSTACK_ENDPOINT: 'http://ls-env:1' }) }).url).toBeUndefined();
  });

  it('a missing config file is no profile settings, not an error', () => {
    expect(resolveKmsEndpoint({ backend: 'localstack', env: { AWS_CONFIG_FILE: join(dir, 'absent') }, profile: 'ls' }).url).toBe('http://localhost:4566');
  });

  it('the client factory sends its calls where the resolution says', () => {
    const saved = { ...process.env };
    try {
      process.env.AWS_CONFIG_FILE = config;
      delete process.env.AWS_ENDPOINT_URL_KMS;
      delete process.env.AWS_ENDPOINT_URL;
      delete process.env.AWS_PROFILE;
      const viaFlag = new KmsClientFactory({ backend: 'aws', profile: 'ls' });
      expect(viaFlag.resolvedEndpoint()).toEqual({ url: 'http://profile-ls:4566', source: 'profile ls' });
      process.env.AWS_PROFILE = 'ls';
      expect(new KmsClientFactory({ backend: 'localstack' }).endpoint).toBe('http://profile-ls:4566');
      viaFlag.destroy();
    } finally {
      process.env = saved;
    }
  });
});
