import type { ClusterSummary } from '../../src-shared/run-record';

/**
 * How a run's tenants (clusters) rank, the same in every place that lists them — the report's
 * tenant sections and the CLI's summary of a drill.
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
