import type { DrillSetup } from './api-types';
import { count } from './count';

/**
 * A drill's set-up in words, for its progress line: "making keys: 420 of 1,000 tenants". Apart from
 * the schemas (api-types.ts) so the window's first bundle takes the words without zod.
 */
export function describeSetup(setup: DrillSetup): string {
  return setup.stage === 'keys' ? `making keys: ${count(setup.done)} of ${count(setup.total)} tenants` : `starting clusters: ${count(setup.done)} of ${count(setup.total)}`;
}
