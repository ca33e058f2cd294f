import { z } from 'zod';
import type { ClusterSummary } from './run-record';

/**
 * A run's tenants (clusters) summed up and ranked the same wherever they are listed: the report's
 * tenant sections, the CLI's summary of a drill and the Drills page.
 */

/**
 * Worst first: the longest unavailable, then the most data at risk, then the most nodes down at
 * the end and the most failed KMS calls; ties in cluster order, so the same run always ranks the same.
 */
export function byWorst(a: ClusterSummary, b: ClusterSummary): number {
  return b.minutesUnavailable - a.minutesUnavailable || b.dataAtRisk - a.dataAtRisk || b.nodesDownAtEnd - a.nodesDownAtEnd
    || b.failedKmsCalls - a.failedKmsCalls || (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0);
}

/** A tenant the run hurt: not serving at some moment, data at risk, or nodes down at the end. */
export function isAffected(c: ClusterSummary): boolean {
  return c.minutesUnavailable > 0 || c.dataAtRisk > 0 || c.nodesDownAtEnd > 0;
}

const Count = z.number().int().nonnegative();

export const AffectedTenant = z.object({
  cluster: z.string(),
  tenant: z.string(),
  availabilityPercent: z.number(),
  minutesUnavailable: z.number().nonnegative(),
  /** When (ms of the drill) it first stopped serving; absent if it never did (only data at risk or nodes down at the end). */
  downFrom: z.number().nonnegative().optional(),
  dataAtRisk: Count,
  nodesDownAtEnd: Count,
  nodes: Count,
});
export type AffectedTenant = z.infer<typeof AffectedTenant>;

export const TenantsSummary = z.object({
  total: Count,
  /** Tenants not serving at some moment, and the minutes they were not, summed over them. */
  down: Count,
  minutesUnavailable: z.number().nonnegative(),
  /** Null for a run that did not finish: data at risk is checked at a drill's end, so it never was. */
  withDataAtRisk: Count.nullable(),
  withNodesDownAtEnd: Count,
  /** How many tenants the run hurt; `affected` lists them worst first, or the first of them when cut short. */
  affectedCount: Count,
  affected: z.array(AffectedTenant),
});
export type TenantsSummary = z.infer<typeof TenantsSummary>;

/** Whether a summary is of a fleet (two clusters or more): one cluster's availability is its verdicts' business. */
export function isFleet(t: TenantsSummary): boolean {
  return t.total > 1;
}

/**
 * The tenants of a run summed up from its cluster summaries; `limit` keeps only the worst so many in
 * `affected`. `finished`: whether the run reached its end, where data at risk is checked.
 */
export function summariseTenants(clusters: readonly ClusterSummary[], limit = Infinity, finished = true): TenantsSummary {
  const affected = clusters.filter(isAffected).sort(byWorst);
  return {
    total: clusters.length,
    down: clusters.filter((c) => c.minutesUnavailable > 0).length,
    minutesUnavailable: clusters.reduce((sum, c) => sum + c.minutesUnavailable, 0),
    withDataAtRisk: finished ? clusters.filter((c) => c.dataAtRisk > 0).length : null,
    withNodesDownAtEnd: clusters.filter((c) => c.nodesDownAtEnd > 0).length,
    affectedCount: affected.length,
    affected: affected.slice(0, limit).map((c) => ({
      cluster: c.cluster, tenant: c.tenant, availabilityPercent: c.availabilityPercent, minutesUnavailable: c.minutesUnavailable,
      ...(c.downIntervals[0] ? { downFrom: c.downIntervals[0][0] } : {}),
      dataAtRisk: c.dataAtRisk, nodesDownAtEnd: c.nodesDownAtEnd, nodes: c.nodes,
    })),
  };
}
