import type { ClusterSummary, RunRecord } from '../../../src-shared/run-record';
import { byWorst, isAffected, summariseTenants } from '../../../src-shared/tenant-ranking';
import { LIMITS } from './report-limits';

/** The tenants of a run as the report ranks them: the worst first. */
export interface FleetView {
  /** Every cluster summary, worst first. */
  ranked: ClusterSummary[];
  /** Clusters that were not serving at some moment, have data at risk, or nodes down at the end. */
  affected: ClusterSummary[];
  /** The first LIMITS.worstTenants of `affected`: described in detail. */
  worst: ClusterSummary[];
  /** Clusters not serving at some moment. */
  tenantsDown: number;
  /** Minutes unavailable, summed over clusters. */
  minutesUnavailable: number;
  /** Clusters with at least one item of data at risk. */
  /** Null for a run that did not finish: data at risk is checked at its end. */
  tenantsAtRisk: number | null;
  /** Clusters with a node down at the end. */
  tenantsWithNodesDown: number;
  /** More clusters than a small drill: per-cluster charts and the whole diagram give way to tables. */
  large: boolean;
}

export function fleetView(record: RunRecord): FleetView {
  const ranked = [...record.clusters].sort(byWorst);
  const affected = ranked.filter(isAffected);
  // Counted as the CLI and the Drills page count them (tenant-ranking.ts).
  const sums = summariseTenants(record.clusters, 0, record.execution.status === 'completed');
  return {
    ranked,
    affected,
    worst: affected.slice(0, LIMITS.worstTenants),
    tenantsDown: sums.down,
    minutesUnavailable: sums.minutesUnavailable,
    tenantsWithNodesDown: sums.withNodesDownAtEnd,
    tenantsAtRisk: sums.withDataAtRisk,
    large: Math.max(record.topology.clusters.length, record.clusters.length) > LIMITS.smallFleet,
  };
}
