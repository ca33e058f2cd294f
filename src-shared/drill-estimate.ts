import type { Scenario } from './scenario';

/**
 * How big a drill will be before it starts: the simulator's events (each a few KMS calls at most) and
 * where they come from, so a user learns that their scenario means 40 million events — and which field
 * says so — before waiting for it. An upper estimate from the scenario alone, deliberately simple:
 * each node refreshes its master key at its first cache limit, each cluster sweeps its canaries
 * (often while something changes for it, daily otherwise), and each step wakes the nodes it concerns.
 */
export interface DrillEstimate {
  /** Simulator events (key refreshes, canary sweeps, health checks, steps). */
  events: number;
  /** Roughly one KMS call per key refresh and health check, more at startup. */
  kmsCalls: number;
  /** The biggest contributors, largest first, each naming the scenario field that drives it. */
  drivers: { path: (string | number)[]; what: string; events: number }[];
}

/** Above this a drill is refused: it would take hours and gigabytes. */
export const MAX_ESTIMATED_EVENTS = 50_000_000;
/** Above this a drill says how big it is before it starts. */
export const LARGE_ESTIMATED_EVENTS = 1_000_000;

const DAY = 86_400_000;

export function estimateDrill(s: Scenario): DrillEstimate {
  const nodes = s.topology.clusters.reduce((n, c) => n + c.nodes.length, 0);
  const clusters = s.topology.clusters.length;
  const { cache, healthCheck, onKeyAccessLoss, masterKeyRotation } = s.policy;
  const drivers: DrillEstimate['drivers'] = [];

  // Key refreshes: each node's master key at its first limit — age, or operations at the workload's rate.
  let refreshes = 0;
  let limitedBy: (string | number)[] = ['policy', 'cache', 'maxAge'];
  for (const c of s.topology.clusters) {
    const opsPerMs = (s.workload.opsPerSecondPerDatabase * c.databases.length) / 1000;
    const byOps = opsPerMs > 0 ? cache.maxOperations / opsPerMs : Infinity;
    const interval = Math.max(1, Math.min(cache.maxAge, byOps));
    if (byOps < cache.maxAge) limitedBy = ['workload', 'opsPerSecondPerDatabase'];
    if (opsPerMs > 0) refreshes += c.nodes.length * Math.ceil(s.duration / interval);
  }
  drivers.push({ path: limitedBy, what: 'master-key refreshes at the first cache limit', events: refreshes });

  // Canary sweeps: daily per cluster in steady state, every canaryEvery for a while after each change.
  const busy = Math.min(s.duration, s.timeline.length * (4 * healthCheck + (maxStepDuration(s) ?? 0)));
  const canaries = clusters * (Math.ceil(s.duration / Math.max(s.workload.canaryEvery, DAY)) + Math.ceil(busy / s.workload.canaryEvery));
  drivers.push({ path: ['workload', 'canaryEvery'], what: 'canary sweeps', events: canaries });

  // Health checks: every step wakes the nodes it concerns (all, at most) until they have answered enough times.
  const checksPerChange = 1 + onKeyAccessLoss.afterFailedChecks;
  const health = s.timeline.length * 2 * nodes * checksPerChange;
  drivers.push({ path: ['timeline'], what: 'health checks after changes', events: health });

  const rotations = masterKeyRotation < s.duration ? clusters * Math.floor(s.duration / masterKeyRotation) : 0;
  if (rotations) drivers.push({ path: ['policy', 'masterKeyRotation'], what: 'rolling master-key rotations', events: rotations });
  const snapshots = s.topology.clusters.reduce((n, c) => n + (c.snapshots ? Math.floor(s.duration / c.snapshots.every) : 0), 0);
  if (snapshots) drivers.push({ path: ['topology', 'clusters'], what: 'snapshots', events: snapshots });

  drivers.sort((a, b) => b.events - a.events);
  const events = drivers.reduce((n, d) => n + d.events, 0) + s.timeline.length;
  const startup = nodes * 2 + s.topology.tenants.reduce((n, t) => n + t.keys.reduce((k, key) => k + 1 + key.replicas.length, 0), 0);
  return { events, kmsCalls: refreshes + health + startup + rotations * 3 + snapshots, drivers };
}

function maxStepDuration(s: Scenario): number | undefined {
  let max: number | undefined;
  for (const step of s.timeline) if ('duration' in step && step.duration !== undefined) max = Math.max(max ?? 0, step.duration);
  return max;
}

/** "40,000,000 events (mostly master-key refreshes at the first cache limit, from workload.opsPerSecondPerDatabase)". */
export function describeEstimate(e: DrillEstimate): string {
  const top = e.drivers[0];
  return `about ${Math.round(e.events).toLocaleString('en')} simulator events and ${Math.round(e.kmsCalls).toLocaleString('en')} KMS calls${top ? ` (mostly ${top.what}, set by ${top.path.join('.')})` : ''}`;
}
