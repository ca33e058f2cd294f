import { identity, type GraphNode } from '../hierarchy-model';
import { noCounts, type Placement, type StateCounts } from './fleet-model';

/**
 * What fails with a key or a region: a CMK (every region of a multi-Region key), one replica (what
 * calls KMS in its region with it), or a region (every key there, so every node that calls KMS
 * there). Each dependant carries its state at the moment shown.
 */
export type BlastTarget =
  | { kind: 'cmk'; arn: string; label: string }
  | { kind: 'replica'; arn: string; label: string }
  | { kind: 'region'; region: string };

export interface BlastItem {
  box: GraphNode;
  tenant: string;
}

export interface BlastRadius {
  /** The keys hit: the CMK and its replicas, the replica, or every key in the region. */
  keys: GraphNode[];
  items: BlastItem[];
  tenants: number;
  counts: { master: StateCounts; database: StateCounts; snapshot: StateCounts };
}

export function blastTitle(target: BlastTarget): string {
  // What a region's outage takes: KMS there, so every key there and what calls KMS with it (a zone outage in the region is not in it).
  if (target.kind === 'region') return `KMS in the ${target.region} region`;
  return target.kind === 'cmk' ? `the CMK ${target.label} (every region)` : `the ${target.label}`;
}

/**
 * What the blast table calls a dependant, so that no two rows read alike: a database key by its
 * node ("t0001-prod/n2 · db1" — every node has its own key for each database), a snapshot by when
 * it was taken.
 */
export function blastItemName(box: GraphNode): string {
  const cluster = box.cluster ?? '';
  switch (box.kind) {
    case 'database': return `${cluster}/${box.node ?? ''} · ${box.label}`;
    case 'snapshot': return `${cluster} · ${box.label} · ${box.sub.startsWith(`${cluster} · `) ? box.sub.slice(cluster.length + 3) : box.sub}`;
    default: return box.label;
  }
}

/** Everything that depends on the target, from the hierarchy at one moment. */
export function blastRadius(boxes: readonly GraphNode[], placement: ReadonlyMap<string, Placement>, target: BlastTarget): BlastRadius {
  const regionOf = (box: GraphNode) => box.sub.split(' · ')[0];
  const keys = boxes.filter((b) => b.kind === 'cmk' && (target.kind === 'region' ? regionOf(b) === target.region
    : target.kind === 'cmk' ? identity(b.arn ?? '') === identity(target.arn) : b.arn === target.arn));
  const hit = new Set(keys.map((k) => k.id));
  const masters = new Set<string>();
  const items: BlastItem[] = [];
  const tenants = new Set(keys.map((k) => placement.get(k.id)?.tenant ?? ''));
  const counts = { master: noCounts(), database: noCounts(), snapshot: noCounts() };
  const add = (box: GraphNode) => {
    const tenant = placement.get(box.id)?.tenant ?? '';
    tenants.add(tenant);
    items.push({ box, tenant });
    if (box.kind !== 'cmk') counts[box.kind][box.state]++;
  };
  // Boxes come parents first (keys, then each master key and its databases, then snapshots).
  for (const box of boxes) {
    if (!box.parent) continue;
    if (box.kind === 'master' && hit.has(box.parent)) {
      masters.add(box.id);
      add(box);
    } else if (box.kind === 'database' && masters.has(box.parent)) add(box);
    else if (box.kind === 'snapshot' && hit.has(box.parent)) add(box);
  }
  return { keys, items: worstFirst(items), tenants: tenants.size, counts };
}

/** Lost first, then down, at risk, starting, serving: what is hurt tops a list of thousands. */
const CONCERN: Record<GraphNode['state'], number> = { lost: 0, down: 1, warn: 2, idle: 3, ok: 4 };

/** The dependants worst first; in the hierarchy's order (tenant by tenant, parents first) within a state. */
export function worstFirst(items: readonly BlastItem[]): BlastItem[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => CONCERN[a.item.box.state] - CONCERN[b.item.box.state] || a.i - b.i).map((x) => x.item);
}
