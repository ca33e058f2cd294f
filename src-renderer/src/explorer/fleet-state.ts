import { BoxCache, hierarchyBoxes, identity, type GraphNode, type HierarchyView } from '../hierarchy-model';
import { fleetModel, inFleetOrder, UNNAMED, type FleetTopology, type Placement, type TenantGroup } from './fleet-model';

/** One tenant at one moment: its part of the hierarchy, its boxes, its counts. */
export interface TenantPart {
  view: HierarchyView;
  boxes: GraphNode[];
  group: TenantGroup;
}

/** The fleet at one moment, tenant by tenant. */
export interface FleetMoment {
  /** In the scenario's order. */
  tenants: TenantGroup[];
  parts: ReadonlyMap<string, TenantPart>;
  /** Every box of the fleet, and where each belongs (for a blast radius across tenants). */
  boxes(): GraphNode[];
  placement(): Map<string, Placement>;
}

const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The Explorer's fleet, moment after moment: the hierarchy is cut into tenants (a cluster, its
 * keys, its snapshots belong to one), and a tenant whose keys, nodes and snapshots are the very
 * objects they were at the moment before keeps its boxes and counts. A scrub step over 1,000
 * tenants then recomputes the few tenants the step changed, not the fleet.
 */
export class FleetState {
  private previous = new Map<string, TenantPart>();
  private readonly cache = new BoxCache();

  constructor(private readonly topology: FleetTopology) {}

  at(view: HierarchyView): FleetMoment {
    const { tenantOfCluster, tenantOfKey } = this.topology;
    const parts = new Map<string, { keys: HierarchyView['keys']; nodes: HierarchyView['nodes']; snapshots: HierarchyView['snapshots'] }>();
    const part = (tenant: string) => {
      let p = parts.get(tenant);
      if (!p) parts.set(tenant, (p = { keys: [], nodes: [], snapshots: [] }));
      return p;
    };
    // A key made during the run (no scenario name) belongs to the tenant whose nodes or snapshots use it.
    const userTenant = new Map<string, string>();
    for (const n of view.nodes) {
      const t = tenantOfCluster.get(n.cluster) ?? UNNAMED;
      part(t).nodes.push(n);
      if (!userTenant.has(identity(n.cmkArn))) userTenant.set(identity(n.cmkArn), t);
    }
    for (const s of view.snapshots) {
      const t = tenantOfCluster.get(s.cluster) ?? UNNAMED;
      part(t).snapshots.push(s);
      if (!userTenant.has(identity(s.cmkArn))) userTenant.set(identity(s.cmkArn), t);
    }
    for (const k of view.keys) part((k.name !== undefined ? tenantOfKey.get(k.name) : undefined) ?? userTenant.get(identity(k.arn)) ?? UNNAMED).keys.push(k);

    const next = new Map<string, TenantPart>();
    for (const [tenant, p] of parts) {
      const before = this.previous.get(tenant);
      if (before && before.view.start === view.start && sameItems(before.view.keys, p.keys) && sameItems(before.view.nodes, p.nodes) && sameItems(before.view.snapshots, p.snapshots)) {
        next.set(tenant, before);
        continue;
      }
      const tenantView: HierarchyView = { ...p, start: view.start, aliases: view.aliases };
      const boxes = hierarchyBoxes(tenantView, this.cache);
      const group = fleetModel(boxes, this.topology).tenants.find((g) => g.id === tenant) ?? fleetModel(boxes, this.topology).tenants[0];
      if (group) next.set(tenant, { view: tenantView, boxes, group });
    }
    this.previous = next;
    const tenants = inFleetOrder([...next.values()].map((p) => p.group), this.topology);
    let all: GraphNode[] | undefined;
    return {
      tenants,
      parts: next,
      boxes: () => (all ??= [...next.values()].flatMap((p) => p.boxes)),
      placement: () => {
        const map = new Map<string, Placement>();
        for (const [tenant, p] of next) for (const b of p.boxes) map.set(b.id, { tenant, region: regionOfBox(b, this.topology) });
        return map;
      },
    };
  }
}

function regionOfBox(b: GraphNode, topology: FleetTopology): string {
  if (b.kind === 'cmk') return b.sub.split(' · ')[0] ?? '';
  if (b.kind === 'snapshot') return b.arn?.split(':')[3] ?? '';
  return topology.regionOfNode.get(`${b.cluster}/${b.node}`) ?? '';
}
