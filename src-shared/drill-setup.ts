import type { DrillSetup } from './api-types';

/**
 * A drill's set-up in words, for its progress line: "making keys: 420 of 1,000 tenants". Apart from
 * the schemas (api-types.ts) so the window's first bundle takes the words without zod.
 */
export function describeSetup(setup: DrillSetup): string {
  const n = (v: number) => v.toLocaleString('en-US');
  return setup.stage === 'keys' ? `making keys: ${n(setup.done)} of ${n(setup.total)} tenants` : `starting clusters: ${n(setup.done)} of ${n(setup.total)}`;
}
