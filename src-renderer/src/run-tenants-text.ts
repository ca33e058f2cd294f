import type { TenantsSummary } from '../../src-shared/tenant-ranking';
import { formatMoment } from './format';

/**
 * The Drills page's sentence on a fleet run's tenants. A run stopped before its end (`stoppedAt`, its
 * drill time then) never checked its data at risk, and its "end" is where it stopped: it says so
 * rather than "served throughout".
 */
export function tenantsSentence(tenants: TenantsSummary, stoppedAt?: number): string {
  const n = (x: number) => x.toLocaleString('en');
  const until = stoppedAt === undefined ? undefined : `up to +${formatMoment(stoppedAt)}, where the run was stopped`;
  if (tenants.affectedCount === 0) {
    return until
      ? `All ${n(tenants.total)} tenants (clusters) served ${until}; data at risk is checked only at a drill's end.`
      : `All ${n(tenants.total)} tenants (clusters) served throughout; none has data at risk or nodes down at the end.`;
  }
  const down = `${n(tenants.down)} of ${n(tenants.total)} tenants (clusters) were not serving at some moment${until ? ` ${until}` : ''}, ${n(Math.round(tenants.minutesUnavailable))} minutes in all`;
  // Null where the run never reached its end, where data at risk is checked.
  const atRisk = tenants.withDataAtRisk;
  return atRisk === null || until
    ? `${down}; ${n(tenants.withNodesDownAtEnd)} with nodes down ${nodesDownWhen(stoppedAt)}.`
    : `${down}; ${n(atRisk)} with data at risk, ${n(tenants.withNodesDownAtEnd)} with nodes down ${nodesDownWhen(stoppedAt)}.`;
}

/** When a run's "nodes down" were counted: at its end, or when it was stopped. */
export function nodesDownWhen(stoppedAt: number | undefined): string {
  return stoppedAt === undefined ? 'at the end' : 'when it stopped';
}
