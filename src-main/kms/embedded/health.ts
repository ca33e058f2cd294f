import type { WireResponse } from './embedded-kms';

/**
 * A health check in LocalStack's shape, so the scripts and habits people have for LocalStack
 * (`curl -s localhost:4566/_localstack/health | grep '"kms": "running"'`, a CI wait loop) work
 * unchanged against the embedded KMS. `GET /health` answers the same. No credentials are needed and
 * nothing about keys or identities is told.
 */
const HEALTH_PATHS = new Set(['/_localstack/health', '/health']);

export interface HealthFacts {
  version: string;
  cloudTrail: boolean;
}

export function healthAnswer(method: string, url: string, facts: HealthFacts): WireResponse | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  const path = url.split('?')[0] ?? '';
  if (!HEALTH_PATHS.has(path)) return undefined;
  const body = JSON.stringify({
    services: { kms: 'running', cloudtrail: facts.cloudTrail ? 'running' : 'disabled' },
    edition: 'keydrill-embedded-kms',
    version: facts.version,
  });
  return { status: 200, headers: { 'content-type': 'application/json' }, body: method === 'HEAD' ? '' : body };
}
