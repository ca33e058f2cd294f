import type { Scenario } from '../../src-shared/scenario';
import { FaultsInForce } from './faults-in-force';
import type { TimelineEntry } from '../../src-shared/run-record';
import type { ManualClock } from '../common/clock';
import type { EnvelopeCluster } from '../envelope/envelope-cluster';
import type { EnvelopeNode } from '../envelope/envelope-node';
import type { SealedRecord } from '../envelope/record-cipher-pool';
import type { FaultInjector } from '../kms/fault-injector';
import type { KmsClientFactory } from '../kms/kms-client-factory';
import type { UptimeTrack } from './availability';
import type { DrillBackend } from './drill-backend';
import type { EventQueue } from './event-queue';
import type { FrameRecorder, KeyCondition } from './hierarchy-frames';
import type { ProvisionedKey } from './provision';
import type { RunTrail, TrailMark } from './run-trail';

/** What the simulator can be asked to do at an instant. */
export type SimEvent =
  | { type: 'step'; index: number }
  | { type: 'step-end'; index: number }
  | { type: 'health'; cluster: string; node: string }
  | { type: 'workload'; cluster: string; node: string }
  | { type: 'canary'; cluster: string }
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
  /** Drill time up to which the node's bulk workload has been counted. */
  lastAccountedAt: number;
  /** Fractions of an operation not yet counted (rates are per second; accounting is per stretch). */
  opsCarry: number;
  /** When the cached master key reaches its age limit (drill time), as of the last scheduling. */
  keyExpiresAt: number | undefined;
  /** Changes that concern this node so far, and how many its last health check had seen. */
  changes: number;
  checkedChanges: number;
  healthScheduled: boolean;
  /** The instant of the node's one pending workload event (others in the queue are stale). */
  workloadAt: number | undefined;
  canaries: Map<string, SealedRecord[]>;
  /** When this node served (for per-node availability). */
  uptime: UptimeTrack;
  /** The node's own KMS clients when it calls from a declared network path (a session of the service role). */
  clients: KmsClientFactory | undefined;
}

export interface ClusterRuntime {
  id: string;
  tenant: string;
  key: ProvisionedKey;
  envelope: EnvelopeCluster;
  nodes: Map<string, NodeRuntime>;
  databases: string[];
  uptime: UptimeTrack;
  snapshots: { id: string; database: string; takenAt: number; records: SealedRecord[] }[];
  /** When something last changed for this cluster (canaries run often for a while after). */
  lastChange: number;
  /** The instant of the cluster's one pending canary sweep (others in the queue are stale). */
  canaryAt: number | undefined;
  /** Node master keys rotated, and CMK rotations (material or a new key) of the cluster's key, so far. */
  masterKeyRotations: number;
  cmkRotations: number;
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

/** What the world reports as it plays: each timeline entry (the run store keeps them as they come). */
export type TimelineSink = (entry: TimelineEntry) => void;

/**
 * Everything a running drill knows: the scenario, the virtual clock, the backend and its keys, the
 * clusters with their envelope nodes, the faults in force, the agenda, and what has been observed.
 *
 * Changes are scoped: a step names what it affects (a key's clusters, a region's nodes, a zone, a
 * cluster) and only those nodes check their key access again; nodes that are healthy and have seen
 * every change that concerns them go quiet (no KMS calls, no events) — which is why a year of steady
 * state costs little, and why one tenant's drama costs nothing for the rest of the fleet.
 */
export class DrillWorld {
  /** How many timeline entries so far; the entries go to the timeline sink. */
  timelineCount = 0;
  lastEntry: TimelineEntry | undefined;
  readonly simulated: StepNote[] = [];
  readonly departures: DepartureNote[] = [];
  readonly clusters = new Map<string, ClusterRuntime>();
  /** Health checks elided while nodes were quiet (they would have succeeded: nothing had changed). */
  elidedHealthChecks = 0;
  bulkOperations = 0;
  masterKeyRotations = 0;
  cmkRotations = 0;
  /** Scenario keys whose state or service access a step changed (by scenario key id). */
  readonly keyConditions = new Map<string, KeyCondition>();
  /** Key ARNs made during the run (a replacement key and its replicas), drawn beside the scenario's keys. */
  readonly extraKeyArns = new Set<string>();
  canaryWritten = 0;
  canaryRead = 0;
  /** Set when the run is asked to stop: the agenda ends at the next event. */
  cancelled: { reason: string } | undefined;
  /** Outages, latency, throttling and zone outages of the timeline in force: overlapping ones end one at a time. */
  readonly faultsInForce = new FaultsInForce();

  constructor(
    readonly scenario: Scenario,
    readonly clock: ManualClock,
    readonly start: number,
    readonly backend: DrillBackend,
    readonly keys: Map<string, ProvisionedKey>,
    readonly faults: FaultInjector,
    readonly trail: RunTrail,
    readonly queue: EventQueue<SimEvent>,
    /** Frames of the hierarchy for the Explorer (the run's hierarchy history). */
    readonly frames: FrameRecorder,
    private readonly timelineSink: TimelineSink,
  ) {}

  /** Milliseconds since the start of the drill. */
  get t(): number {
    return this.clock.now() - this.start;
  }

  /** Something changed for these clusters (all by default): their nodes check key access again at their next interval. */
  changed(scope: Iterable<ClusterRuntime> = this.clusters.values()): void {
    for (const cluster of scope) {
      cluster.lastChange = this.t;
      for (const n of cluster.nodes.values()) {
        n.changes++;
        this.scheduleHealth(n);
      }
      this.scheduleCanary(cluster, this.scenario.workload.canaryEvery);
    }
  }

  scheduleHealth(n: NodeRuntime, delay = this.scenario.policy.healthCheck): void {
    if (n.healthScheduled || n.crashed) return;
    n.healthScheduled = true;
    this.queue.schedule(this.t + delay, { type: 'health', cluster: n.cluster, node: n.id });
  }

  /** The cluster's next canary sweep, unless one is due sooner already. */
  scheduleCanary(cluster: ClusterRuntime, delay: number): void {
    const at = this.t + delay;
    if (cluster.canaryAt !== undefined && cluster.canaryAt > this.t && cluster.canaryAt <= at) return;
    cluster.canaryAt = at;
    this.queue.schedule(at, { type: 'canary', cluster: cluster.id });
  }

  /** Records an entry of the drill's timeline, citing the KMS calls made since `mark`. */
  /** A timeline entry citing the calls made since `mark` (up to `until`, when later calls were not this entry's doing). */
  note(entry: Omit<TimelineEntry, 'at' | 'seq' | 'calls' | 'observations'>, mark: TrailMark, until?: TrailMark): TimelineEntry {
    const principal = this.sessionActingFor(entry);
    const full: TimelineEntry = { seq: this.timelineCount++, at: this.t, ...entry, ...(principal !== entry.principal ? { principal } : {}), ...this.trail.since(mark, until) };
    this.lastEntry = full;
    this.timelineSink(full);
    return full;
  }

  /**
   * A node on a declared network path calls KMS as its own session of the service role (named
   * cluster.node), and its cluster's other nodes and own calls go out through the first such node
   * (drill-runner.ts buildCluster). An entry naming the service role for them names that session
   * instead: the principal their CloudTrail records show.
   */
  private sessionActingFor(entry: { principal?: string | undefined; cluster?: string | undefined; node?: string | undefined }): string | undefined {
    if (entry.principal !== this.principals.service || entry.cluster === undefined) return entry.principal;
    const cluster = this.clusters.get(entry.cluster);
    if (!cluster) return entry.principal;
    const own = entry.node !== undefined ? cluster.nodes.get(entry.node)?.clients : undefined;
    let clients = own;
    if (!clients) for (const n of cluster.nodes.values()) if ((clients = n.clients)) break;
    return clients?.options.session?.arn ?? clients?.options.identity?.arn ?? entry.principal;
  }

  node(clusterId: string, nodeId: string): NodeRuntime {
    const n = this.clusters.get(clusterId)?.nodes.get(nodeId);
    if (!n) throw new Error(`no node ${clusterId}/${nodeId}`);
    return n;
  }

  /** The clusters whose CMK is the scenario key `keyId`. */
  clustersOfKey(keyId: string): ClusterRuntime[] {
    return [...this.clusters.values()].filter((c) => c.key.id === keyId);
  }

  /** The clusters with a node calling KMS in `region`, or whose key lives there. */
  clustersInRegion(region: string): ClusterRuntime[] {
    return [...this.clusters.values()].filter((c) => c.key.region === region || c.key.replicas.some((r) => r.region === region) || [...c.nodes.values()].some((n) => n.node.region === region));
  }

  /** The clusters with a node in `zone`. */
  clustersInZone(zone: string): ClusterRuntime[] {
    return [...this.clusters.values()].filter((c) => [...c.nodes.values()].some((n) => n.zone === zone));
  }

  /** A cluster serves while at least one of its nodes runs and its last real crypto succeeded. */
  refreshUptime(cluster: ClusterRuntime): void {
    let up = false;
    for (const n of cluster.nodes.values()) {
      const s = serving(n);
      n.uptime.set(this.t, s);
      if (s) up = true;
    }
    cluster.uptime.set(this.t, up);
  }

  /** Counts a CMK rotation (material rotated, or the key replaced) for every cluster on that scenario key. */
  countCmkRotation(keyId: string): void {
    this.cmkRotations++;
    for (const c of this.clustersOfKey(keyId)) c.cmkRotations++;
  }

  /** The customer's key administrator (faults and actions on keys) and the SaaS service role (its nodes' calls). */
  get principals(): { administrator: string; service: string } {
    return this.backend.principals;
  }
}

export function serving(n: NodeRuntime): boolean {
  return n.node.status === 'running' && !n.crashed && !n.servingFailure;
}
