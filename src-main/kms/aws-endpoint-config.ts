import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where KMS calls go, chosen as the AWS CLI and SDKs choose it ("service-specific endpoints"):
 *   1. an endpoint given explicitly (--endpoint, a setting)
 *   2. AWS_ENDPOINT_URL_KMS
 *   3. AWS_ENDPOINT_URL
 *   4. the profile's `services` section, `kms = … endpoint_url = …`
 *   5. the profile's own `endpoint_url`
 * with 2–5 skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true or the profile says
 * `ignore_configured_endpoint_urls = true`. The profile is --profile, else AWS_PROFILE, else
 * "default" — so `--profile P` and `AWS_PROFILE=P` behave the same. LocalStack then falls back to
 * $LOCALSTACK_ENDPOINT and http://localhost:4566; AWS to its regional endpoints (undefined).
 */
export interface KmsEndpointQuery {
  backend: 'localstack' | 'aws';
  explicit?: string | undefined;
  profile?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedEndpoint {
  /** undefined: AWS's own regional endpoints. */
  url: string | undefined;
  /** Where it came from, for messages: "--endpoint", "AWS_ENDPOINT_URL_KMS", "profile dev (services kms)"… */
  source: string;
}

export const LOCALSTACK_DEFAULT_ENDPOINT = 'http://localhost:4566';

export function resolveKmsEndpoint(q: KmsEndpointQuery): ResolvedEndpoint {
  const env = q.env ?? process.env;
  if (q.explicit) return { url: q.explicit, source: 'the given endpoint' };
  const profileName = q.profile ?? env.AWS_PROFILE ?? 'default';
  const config = readAwsConfig(env);
  const profile = config.get(profileName === 'default' ? 'default' : `profile ${profileName}`) ?? (profileName === 'default' ? undefined : config.get(profileName));
  const ignore = isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || isTrue(profile?.values.ignore_configured_endpoint_urls);
  if (!ignore) {
    if (env.AWS_ENDPOINT_URL_KMS) return { url: env.AWS_ENDPOINT_URL_KMS, source: 'AWS_ENDPOINT_URL_KMS' };
    if (env.AWS_ENDPOINT_URL) return { url: env.AWS_ENDPOINT_URL, source: 'AWS_ENDPOINT_URL' };
    const servicesName = profile?.values.services;
    const kms = servicesName ? config.get(`services ${servicesName}`)?.nested.get('kms') : undefined;
    if (kms?.endpoint_url) return { url: kms.endpoint_url, source: `profile ${profileName} (services ${servicesName}, kms)` };
    if (profile?.values.endpoint_url) return { url: profile.values.endpoint_url, source: `profile ${profileName}` };
  }
  if (q.backend === 'localstack') {
    if (env.LOCALSTACK_ENDPOINT) return { url: env.LOCALSTACK_ENDPOINT, source: 'LOCALSTACK_ENDPOINT' };
    return { url: LOCALSTACK_DEFAULT_ENDPOINT, source: 'LocalStack\'s default' };
  }
  return { url: undefined, source: 'AWS KMS regional endpoints' };
}

function isTrue(value: string | undefined): boolean {
  return value !== undefined && value.trim().toLowerCase() === 'true';
}

interface IniSection {
  values: Record<string, string>;
  /** `kms =` followed by indented `key = value` lines (the services sections use these). */
  nested: Map<string, Record<string, string>>;
}

/** The shared config file ($AWS_CONFIG_FILE, else ~/.aws/config), by section name; empty when absent. */
export function readAwsConfig(env: NodeJS.ProcessEnv = process.env): Map<string, IniSection> {
  const file = env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  return parseAwsIni(text);
}

/** The AWS config file's INI dialect: `[section]`, `key = value`, `#`/`;` comments, indented sub-keys under `key =`. */
export function parseAwsIni(text: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>();
  let current: IniSection | undefined;
  let parent: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*([#;].*)?$/.test(raw)) continue;
    const header = /^\s*\[\s*([^\]]+?)\s*\]\s*$/.exec(raw);
    if (header) {
      const name = (header[1] as string).replace(/\s+/g, ' ');
      current = sections.get(name) ?? { values: {}, nested: new Map() };
      sections.set(name, current);
      parent = undefined;
      continue;
    }
    const pair = /^(\s*)([^=\s]+)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!pair || !current) continue;
    const [, indent, key, value] = pair as unknown as [string, string, string, string];
    if (indent.length > 0 && parent) {
      parent[key.toLowerCase()] = value;
    } else if (value === '') {
      parent = {};
      current.nested.set(key.toLowerCase(), parent);
    } else {
      parent = undefined;
      current.values[key.toLowerCase()] = value;
    }
  }
  return sections;
}
