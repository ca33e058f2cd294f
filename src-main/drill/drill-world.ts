import type { Scenario } from '../../src-shared/scenario';
import type { TimelineEntry } from '../../src-shared/run-record';
import type { ManualClock } from '../common/clock';
import type { EnvelopeCluster } from '../envelope/envelope-cluster';
import type { EnvelopeNode } from '../envelope/envelope-node';
import type { SealedRecord } from '../envelope/record-cipher-pool';
import type { FaultInjector } from '../kms/fault-injector';
import type { UptimeTrack } from './availability';
import type { DrillBackend } from './drill-backend';
import type { EventQueue } from './event-queue';
import type { FrameRecorder, KeyCondition } from './hierarchy-frames';
import type { ProvisionedKey } from './provision';
import type { RunTrail } from './run-trail';

/** What the simulator can be asked to do at an instant. */
export type SimEvent =
  | { type: 'step'; index: number }
  | { type: 'step-end'; index: number }
  | { type: 'health'; cluster: string; node: string }
  | { type: 'workload'; cluster: string; node: string }
  | { type: 'canary' }
  | { type: 'master-key-rotation'; cluster: string }
  | { type: 'snapshot'; cluster: string }
  | { type: 'cmk-rotation-due'; key: string }
  | { type: 'key-deletion-due'; key: string; step: number };

export interface NodeRuntime {
  cluster: string;
  id: string;
  zone: string;
  node: EnvelopeNode;
  /** Down because of a crash or zone outage: only node-restart (or the zone coming back) brings it up. */
  crashed: boolean;
  /** Shut down because it lost key access: it tries to start again at each health check. */
  keyLoss: boolean;
  failedChecks: number;
  /** The last real crypto (workload refresh or canary) failed: running, but not serving. */
  servingFailure: boolean;
  lastAccountedAt: number;
  loadedAt: number;
  opsSinceLoad: number;
  /** world.version at the last health check: unchanged and healthy means the node goes quiet. */
  checkedVersion: number;
  healthScheduled: boolean;
  workloadAt: number | undefined;
  canaries: Map<string, SealedRecord[]>;
}

export interface ClusterRuntime {
  id: string;
  tenant: string;
  key: ProvisionedKey;
  envelope: EnvelopeCluster;
  nodes: Map<string, NodeRuntime>;
  databases: string[];
  uptime: UptimeTrack;
  snapshots: { id: string; takenAt: number; records: SealedRecord[] }[];
}

export interface StepNote {
  step: number;
  do: string;
  note: string;
}

/** A moment the run depended on a capability the backend lacks (run record `backend.departures`). */
export interface DepartureNote {
  at: number;
  name: string;
  capability: string;
  key?: string;
  step?: number;
  note: string;
}

/**
 * Everything a running drill knows: the scenario, the virtual clock, the backend and its keys, the
 * clusters with their envelope nodes, the faults in force, the agenda, and what has been observed.
 * `version` counts changes to the world; nodes that are healthy and have seen the latest version go
 * quiet (no KMS calls) until something changes — which is why a year of steady state costs little.
 */
export class DrillWorld {
  version = 0;
  readonly timeline: TimelineEntry[] = [];
  readonly simulated: StepNote[] = [];
  readonly departures: DepartureNote[] = [];
  readonly clusters = new Map<string, ClusterRuntime>();
  /** Health checks elided while nodes were quiet (they would have succeeded: nothing had changed). */
  elidedHealthChecks = 0;
  bulkOperations = 0;
  /** Scenario keys whose state or service access a step changed (by scenario key id). */
  readonly keyConditions = new Map<string, KeyCondition>();
  canaryWritten = 0;
  canaryRead = 0;

  constructor(
    readonly scenario: Scenario,
    readonly clock: ManualClock,
    readonly start: number,
    readonly backend: DrillBackend,
    readonly keys: Map<string, ProvisionedKey>,
    readonly faults: FaultInjector,
    readonly trail: RunTrail,
    readonly queue: EventQueue<SimEvent>,
    /** Frames of the hierarchy for the Explorer (run record `hierarchy.history`). */
    readonly frames: FrameRecorder,
  ) {}

  /** Milliseconds since the start of the drill. */
  get t(): number {
    return this.clock.now() - this.start;
  }

  /** Something changed: every quiet node checks its key access again at its next interval. */
  changed(): void {
    this.version++;
    for (const cluster of this.clusters.values()) for (const n of cluster.nodes.values()) this.scheduleHealth(n);
  }

  scheduleHealth(n: NodeRuntime, delay = this.scenario.policy.healthCheck): void {
    if (n.healthScheduled || n.crashed) return;
    n.healthScheduled = true;
    this.queue.schedule(this.t + delay, { type: 'health', cluster: n.cluster, node: n.id });
  }

  /** Records an entry of the drill's timeline, with the CloudTrail events made since `trailMark`. */
  note(entry: Omit<TimelineEntry, 'at' | 'evidence'>, trailMark: number): TimelineEntry {
    const full: TimelineEntry = { at: this.t, evidence: this.trail.since(trailMark).map((e) => e.record.eventID), ...entry };
    this.timeline.push(full);
    return full;
  }

  node(clusterId: string, nodeId: string): NodeRuntime {
    const n = this.clusters.get(clusterId)?.nodes.get(nodeId);
    if (!n) throw new Error(`no node ${clusterId}/${nodeId}`);
    return n;
  }

  /** A cluster serves while at least one of its nodes runs and its last real crypto succeeded. */
  refreshUptime(cluster: ClusterRuntime): void {
    const up = [...cluster.nodes.values()].some((n) => serving(n));
    cluster.uptime.set(this.t, up);
  }
}

export function serving(n: NodeRuntime): boolean {
  return n.node.status === 'running' && !n.crashed && !n.servingFailure;
}
