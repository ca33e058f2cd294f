/**
 * How much of a large run the HTML report (and so the PDF) shows in full. Past these, it shows the
 * worst first and says how many more there are and where to find them (the CSV and JSON reports
 * carry everything): a 1,000-tenant drill's report stays a few megabytes that a browser opens and
 * a printer prints, instead of tens of megabytes nobody can read.
 */
export const LIMITS = {
  /** Tenants (clusters) described in detail, worst first. */
  worstTenants: 20,
  /** Rows of the compact per-tenant table; past it, only affected tenants are listed. */
  tenantRows: 2000,
  /** Up to this many clusters, a drill is small: per-cluster charts, the whole diagram. */
  smallFleet: 24,
  /** Timeline entries shown one by one; a longer timeline is summarised (steps in full, observed events counted). */
  fullTimeline: 300,
  /** Fault and action steps listed in a summarised timeline. */
  steps: 1000,
  /** Failed observed events listed in a summarised timeline (besides the first of each kind). */
  failedEvents: 50,
  /** Timeline entries listed per tenant in the worst-tenants details: the first ones, then the last ones. */
  tenantEntriesFirst: 12,
  tenantEntriesLast: 8,
  /** Down intervals listed per tenant in the details. */
  downIntervals: 12,
  /** Items of data at risk listed one by one (per tenant in the details, and overall). */
  dataAtRiskItems: 100,
  dataAtRiskPerTenant: 10,
  /** Keys listed with their ARNs; nodes and snapshots listed in the topology tables. */
  keys: 2000,
  nodes: 120,
  snapshots: 120,
  /** Node sessions of the service role listed one by one in "Who acted" (busiest first); the rest are summed in one row. */
  nodeSessions: 20,
  /** Nodes drawn in the hierarchy diagram; larger topologies draw only the worst tenants. */
  diagramNodes: 60,
  diagramClusters: 4,
  /** Rows of the lists of nodes down and snapshots lost when the topology is too large to list whole. */
  exceptions: 500,
  /** CloudTrail records cited by id per listed timeline entry: of a short timeline, and of a summarised one. */
  evidencePerEntry: 20,
  evidencePerEntrySummarised: 5,
  /** Characters of the scenario definition printed in the appendix before its topology is abridged. */
  definitionChars: 60_000,
} as const;
