import type { BackendSettings } from '../../src-shared/api';

// The same rules as BackendSettings in src-shared/api-types.ts (the renderer does not load zod).
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const MAX_REGIONS = 8;

/**
 * What is wrong with a backend as typed on the Settings page, said per field, before it is sent:
 * main would refuse it too, but as a bad request naming the channel, with the field unmarked.
 */
export function backendProblem(b: BackendSettings): { field: 'endpoint' | 'regions'; text: string } | undefined {
  if (b.kind === 'localstack') {
    return isHttpUrl(b.endpoint) ? undefined : { field: 'endpoint', text: `Endpoint: "${b.endpoint}" is not a URL like http://localhost:4566.` };
  }
  if (b.kind === 'aws') {
    if (b.regions.length === 0) return { field: 'regions', text: 'Regions: name at least one, like us-east-1.' };
    if (b.regions.length > MAX_REGIONS) return { field: 'regions', text: `Regions: at most ${MAX_REGIONS}.` };
    const bad = b.regions.find((r) => !REGION.test(r));
    if (bad !== undefined) return { field: 'regions', text: `Regions: "${bad}" is not an AWS region like us-east-1.` };
  }
  return undefined;
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}
