import type { ClusterSummary, RunRecord } from '../../../src-shared/run-record';
import { byWorst, isAffected } from '../../../src-shared/tenant-ranking';
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
  /** Clusters with at least one item of data at risk (from `dataAtRisk`, which names the cluster). */
  tenantsAtRisk: number;
  /** More clusters than a small drill: per-cluster charts and the whole diagram give way to tables. */
  large: boolean;
}

export function fleetView(record: RunRecord): FleetView {
  const ranked = [...record.clusters].sort(byWorst);
  const affected = ranked.filter(isAffected);
  return {
    ranked,
    affected,
    worst: affected.slice(0, LIMITS.worstTenants),
    tenantsDown: ranked.filter((c) => c.minutesUnavailable > 0).length,
    minutesUnavailable: ranked.reduce((sum, c) => sum + c.minutesUnavailable, 0),
    tenantsAtRisk: new Set(record.dataAtRisk.map((d) => d.cluster)).size,
    large: Math.max(record.topology.clusters.length, record.clusters.length) > LIMITS.smallFleet,
  };
}
