import type { FrameKey, FrameNode, HierarchyFrame, HierarchyNode } from '../../src-shared/run-record';
import type { ClusterRuntime, DrillWorld } from './drill-world';
import type { ProvisionedKey } from './provision';

/** A scenario key's state as the drill's own steps set it (KMS is not asked: that would be a call). */
export interface KeyCondition {
  state: FrameKey['state'];
  serviceAccess: boolean;
}

/**
 * Keeps frames of the key hierarchy through a run: one whenever something the Explorer shows
 * changed (a node's status or cache, a key's state or reachability, a master-key version, a
 * snapshot). Unchanged moments add nothing, so a year of steady state costs a handful of frames.
 */
export class FrameRecorder {
  readonly frames: HierarchyFrame[] = [];
  private lastShape = '';

  constructor(private readonly onFrame?: (frame: HierarchyFrame) => void) {}

  capture(world: DrillWorld, cause: string): void {
    const frame = hierarchyFrame(world, cause);
    // Compare without the moment and the cause: only a change of what is drawn makes a new frame.
    const shape = JSON.stringify([frame.keys, frame.nodes, frame.snapshots]);
    if (shape === this.lastShape) return;
    this.lastShape = shape;
    this.frames.push(frame);
    this.onFrame?.(frame);
  }
}

/** The hierarchy's nodes as the run record keeps them (end state, and inside every frame). */
export function hierarchyNodes(world: DrillWorld): HierarchyNode[] {
  return [...world.clusters.values()].flatMap((c) => [...c.nodes.values()].map((n) => {
    const state = n.node.exportState();
    return {
      cluster: c.id, node: n.id, status: n.crashed ? 'crashed' : n.node.status, kmsRegion: n.node.region, masterKeyVersion: n.node.masterKeyVersion,
      cmkArn: state.masterKey.cmkArn, ...(state.masterKey.keyMaterialId ? { cmkMaterialId: state.masterKey.keyMaterialId } : {}),
      databases: state.databases.map((d) => ({ name: d.name, keyVersions: d.keys.length })),
    };
  }));
}

export function hierarchyFrame(world: DrillWorld, cause: string): HierarchyFrame {
  const nodes: FrameNode[] = hierarchyNodes(world).map((h) => {
    const runtime = world.node(h.cluster, h.node);
    const cache = h.status !== 'running' ? 'none' : runtime.servingFailure ? 'expired' : 'cached';
    return { ...h, cache };
  });
  const snapshots = [...world.clusters.values()].flatMap((c) => snapshotsOf(c));
  return { at: world.t, cause, keys: frameKeys(world, [...nodes.map((n) => n.cmkArn), ...snapshots.map((s) => s.cmkArn)]), nodes, snapshots };
}

function snapshotsOf(c: ClusterRuntime): HierarchyFrame['snapshots'] {
  return c.snapshots.map((s) => {
    const state = c.envelope.snapshot(s.id);
    return { id: s.id, cluster: c.id, takenAt: s.takenAt, cmkArn: state.cmkArn, ...(state.keyMaterialId ? { cmkMaterialId: state.keyMaterialId } : {}) };
  });
}

/** Every CMK and replica of the scenario, then keys made during the run (a replacement ARN) that something uses. */
function frameKeys(world: DrillWorld, used: string[]): FrameKey[] {
  const out: FrameKey[] = [];
  const add = (arn: string, region: string, condition: KeyCondition, name?: string) => {
    out.push({ arn, region, ...(name ? { name } : {}), state: condition.state, reachable: !world.faults.state(region).outage, serviceAccess: condition.serviceAccess });
  };
  for (const key of world.keys.values()) {
    const condition = world.keyConditions.get(key.id) ?? FRESH;
    add(key.arn, key.region, condition, key.id);
    for (const r of key.replicas) add(r.arn, r.region, condition, key.id);
  }
  for (const arn of new Set(used)) if (!out.some((k) => k.arn === arn)) add(arn, arn.split(':')[3] ?? '', FRESH);
  return out;
}

const FRESH: KeyCondition = { state: 'Enabled', serviceAccess: true };

/** Notes a scenario key's new state (all its regions: the drill's steps act on a key everywhere). */
export function setKeyCondition(world: DrillWorld, key: ProvisionedKey, change: Partial<KeyCondition>): void {
  world.keyConditions.set(key.id, { ...(world.keyConditions.get(key.id) ?? FRESH), ...change });
}
