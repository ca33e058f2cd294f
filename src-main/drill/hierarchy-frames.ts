import type { FrameEntry, FrameKey, FrameNode, FrameSnapshot, HierarchyNode } from '../../src-shared/run-record';
import type { ClusterRuntime, DrillWorld, NodeRuntime } from './drill-world';
import type { ProvisionedKey } from './provision';

/** A scenario key's state as the drill's own steps set it (KMS is not asked: that would be a call). */
export interface KeyCondition {
  state: FrameKey['state'];
  serviceAccess: boolean;
}

/** What changed at an instant: every key and cluster (a step), or the clusters an event touched. */
export type FrameScope = 'all' | Iterable<ClusterRuntime>;

/**
 * Keeps the history of the key hierarchy through a run as frame entries: a delta whenever something
 * the Explorer draws changed (a node's status or cache, a key's state or reachability, a master-key
 * version, a snapshot), holding only what changed, and a keyframe (the whole hierarchy) whenever the
 * deltas since the last one add up to the size of the hierarchy — so the history grows with the
 * changes, not changes × topology, and a reader can start at any keyframe.
 *
 * Only what the event that just played could have touched is compared (its cluster, or everything
 * after a step), so a change costs what it changed, not the size of the fleet.
 */
export class FrameRecorder {
  private readonly nodeSigs = new Map<string, string>();
  private readonly keySigs = new Map<string, string>();
  private readonly snapshotIds = new Map<string, Set<string>>();
  private seq = 0;
  private sinceKeyframe = Infinity;
  frames = 0;
  keyframes = 0;

  constructor(private readonly sink: (entry: FrameEntry) => void) {}

  capture(world: DrillWorld, cause: string, scope: FrameScope): void {
    const keys: FrameKey[] = [];
    const nodes: FrameNode[] = [];
    const snapshots: FrameSnapshot[] = [];
    const removed: string[] = [];
    const clusters = scope === 'all' ? world.clusters.values() : scope;
    for (const c of clusters) {
      for (const n of c.nodes.values()) {
        const node = frameNode(c, n);
        const sig = nodeSignature(node);
        const id = `${c.id}/${n.id}`;
        if (this.nodeSigs.get(id) !== sig) {
          this.nodeSigs.set(id, sig);
          nodes.push(node);
        }
      }
      const known = this.snapshotIds.get(c.id);
      // Most events change no snapshot: then nothing is built (a fleet has a cluster per tenant).
      if ((known?.size ?? 0) === c.snapshots.length && c.snapshots.every((s) => known?.has(s.id))) continue;
      const now = new Set(c.snapshots.map((s) => s.id));
      for (const id of known ?? []) if (!now.has(id)) removed.push(id);
      for (const s of c.snapshots) if (!known?.has(s.id)) snapshots.push(frameSnapshot(c, s));
      this.snapshotIds.set(c.id, now);
    }
    // Keys change only with steps and KMS-side events (scope 'all'), or when a node starts using a key made during the run.
    const newKeyUsed = nodes.some((n) => !this.keySigs.has(n.cmkArn)) || snapshots.some((s) => !this.keySigs.has(s.cmkArn));
    if (scope === 'all' || newKeyUsed) {
      for (const key of frameKeys(world)) {
        const sig = `${key.state}|${key.reachable}|${key.serviceAccess}`;
        if (this.keySigs.get(key.arn) !== sig) {
          this.keySigs.set(key.arn, sig);
          keys.push(key);
        }
      }
    }
    const changed = keys.length + nodes.length + snapshots.length + removed.length;
    if (changed === 0 && this.seq > 0) return;
    this.sinceKeyframe += changed;
    if (this.sinceKeyframe >= Math.max(64, this.nodeSigs.size + this.keySigs.size)) {
      this.sinceKeyframe = 0;
      this.keyframes++;
      this.emit({ seq: this.seq++, at: world.t, cause, keyframe: true, ...wholeHierarchy(world) });
      return;
    }
    this.emit({ seq: this.seq++, at: world.t, cause, keyframe: false, keys, nodes, snapshots, ...(removed.length ? { removedSnapshots: removed } : {}) });
  }

  private emit(entry: FrameEntry): void {
    this.frames++;
    this.sink(entry);
  }
}

/** The hierarchy's nodes as the run record keeps them at the end. */
export function hierarchyNodes(world: DrillWorld): HierarchyNode[] {
  return [...world.clusters.values()].flatMap((c) => [...c.nodes.values()].map((n) => {
    const { cache: _cache, ...node } = frameNode(c, n);
    return node;
  }));
}

function frameNode(c: ClusterRuntime, n: NodeRuntime): FrameNode {
  const v = n.node.view();
  const status = n.crashed ? 'crashed' : v.status;
  return {
    cluster: c.id, node: n.id, status, kmsRegion: v.region, masterKeyVersion: v.masterKeyVersion, cmkArn: v.cmkArn,
    ...(v.keyMaterialId ? { cmkMaterialId: v.keyMaterialId } : {}),
    databases: v.databases,
    cache: status !== 'running' ? 'none' : n.servingFailure ? 'expired' : 'cached',
  };
}

function nodeSignature(n: FrameNode): string {
  return `${n.status}|${n.kmsRegion}|${n.masterKeyVersion}|${n.cmkArn}|${n.cmkMaterialId ?? ''}|${n.cache}|${n.databases.map((d) => d.keyVersions).join(',')}`;
}

function frameSnapshot(c: ClusterRuntime, s: ClusterRuntime['snapshots'][number]): FrameSnapshot {
  const state = c.envelope.snapshotView(s.id);
  return { id: s.id, cluster: c.id, database: s.database, takenAt: s.takenAt, cmkArn: state?.cmkArn ?? '', ...(state?.keyMaterialId ? { cmkMaterialId: state.keyMaterialId } : {}) };
}

function wholeHierarchy(world: DrillWorld): Pick<FrameEntry, 'keys' | 'nodes' | 'snapshots'> {
  const clusters = [...world.clusters.values()];
  return {
    keys: frameKeys(world),
    nodes: clusters.flatMap((c) => [...c.nodes.values()].map((n) => frameNode(c, n))),
    snapshots: clusters.flatMap((c) => c.snapshots.map((s) => frameSnapshot(c, s))),
  };
}

/** Every CMK and replica of the scenario, then keys made during the run (a replacement ARN) that something uses. */
function frameKeys(world: DrillWorld): FrameKey[] {
  const out: FrameKey[] = [];
  const seen = new Set<string>();
  const add = (arn: string, region: string, condition: KeyCondition, name?: string) => {
    if (seen.has(arn)) return;
    seen.add(arn);
    out.push({ arn, region, ...(name ? { name } : {}), state: condition.state, reachable: !world.faults.state(region).outage, serviceAccess: condition.serviceAccess });
  };
  for (const key of world.keys.values()) {
    const condition = world.keyConditions.get(key.id) ?? FRESH;
    add(key.arn, key.region, condition, key.id);
    for (const r of key.replicas) add(r.arn, r.region, condition, key.id);
  }
  for (const arn of world.extraKeyArns) add(arn, arn.split(':')[3] ?? '', FRESH);
  return out;
}

const FRESH: KeyCondition = { state: 'Enabled', serviceAccess: true };

/** Notes a scenario key's new state (all its regions: the drill's steps act on a key everywhere). */
export function setKeyCondition(world: DrillWorld, key: ProvisionedKey, change: Partial<KeyCondition>): void {
  world.keyConditions.set(key.id, { ...(world.keyConditions.get(key.id) ?? FRESH), ...change });
}
