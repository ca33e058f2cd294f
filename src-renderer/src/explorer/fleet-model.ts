import type { RunRecord } from '../../../src-shared/api';
import type { GraphNode } from '../hierarchy-model';

/** How many boxes are in each state: serving, at risk, down, lost, idle. */
export type StateCounts = Record<GraphNode['state'], number>;

export const STATES: readonly GraphNode['state'][] = ['down', 'lost', 'warn', 'ok', 'idle'];

/**
 * What a tenant's row shows: the state of what matters to the tenant (its nodes, databases,
 * snapshots, and its keys as they serve it), or `degraded` — nothing of it is down or at risk, but
 * a copy of its key it does not use now is out of reach (a region's KMS is out and the tenant is
 * served from another region's replica, or never needed that one).
 */
export type TenantState = GraphNode['state'] | 'degraded';
export type TenantCounts = Record<TenantState, number>;
export const TENANT_STATES: readonly TenantState[] = ['down', 'lost', 'warn', 'degraded', 'ok', 'idle'];
/** What each tenant state means, in the words its counts and its row's mark use. */
export const TENANT_WORDS: Record<TenantState, string> = {
  down: 'with something down', lost: 'with data lost', warn: 'at risk', degraded: 'degraded', ok: 'serving', idle: 'starting',
};
/** The order of concern: a group takes the state of its most worrying member. */
const SEVERITY: Record<TenantState, number> = { lost: 5, down: 4, warn: 3, degraded: 2, idle: 1, ok: 0 };

/** A tenant with something down or at risk (the Explorer's filter): not one served from a failover replica. */
export const inTrouble = (t: { worst: TenantState }): boolean => t.worst === 'down' || t.worst === 'lost' || t.worst === 'warn';

/**
 * What a CMK box means to its tenant. Deleted, pending deletion, disabled or access revoked: its own
 * state, whoever uses it (a restart or a restore needs it). Merely out of reach (a regional outage):
 * at risk while nodes still call KMS there (they serve on cached keys, and cannot unwrap again), and
 * only degraded once none does (they failed over to a replica). Idle: no concern on its own.
 */
function keyConcern(box: GraphNode, used: boolean): TenantState | undefined {
  if (box.state === 'idle') return undefined;
  if (box.outOfReach) return used ? 'warn' : 'degraded';
  return box.state;
}

export const noCounts = (): StateCounts => ({ ok: 0, warn: 0, down: 0, lost: 0, idle: 0 });

export interface ClusterGroup {
  id: string;
  /** Its master keys (nodes) that run in this region. */
  nodes: GraphNode[];
  counts: StateCounts;
}

export interface RegionGroup {
  region: string;
  /** The tenant's CMK boxes in this region: a primary, a replica, or a key made during the run. */
  keys: GraphNode[];
  clusters: ClusterGroup[];
}

export interface TenantGroup {
  id: string;
  regions: RegionGroup[];
  clusters: string[];
  /** Nodes, database keys, snapshots and CMKs by state. */
  nodes: StateCounts;
  databases: StateCounts;
  snapshots: StateCounts;
  keys: StateCounts;
  /** The state its row shows: see TenantState and keyConcern. */
  worst: TenantState;
}

/** Which tenant each cluster and scenario key belongs to, and which region each node runs in. */
export interface FleetTopology {
  tenantOfCluster: Map<string, string>;
  tenantOfKey: Map<string, string>;
  regionOfNode: Map<string, string>;
  /** Tenants in the scenario's order (the tree keeps it while the states change). */
  tenants: string[];
  /** Each tenant's place in that order: made once, as every tenant's model of every scrub step sorts by it. */
  order: Map<string, number>;
  /** Where each node, database and snapshot box belongs, kept while the box is (unchanged boxes are reused from moment to moment). */
  placed: WeakMap<GraphNode, Placement>;
}

export function fleetTopology(topology: RunRecord['topology'] | undefined): FleetTopology {
  const tenantOfCluster = new Map<string, string>();
  const tenantOfKey = new Map<string, string>();
  const regionOfNode = new Map<string, string>();
  const tenants: string[] = [];
  const seen = new Set<string>();
  const add = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      tenants.push(t);
    }
  };
  for (const k of topology?.keys ?? []) {
    tenantOfKey.set(k.id, k.tenant);
    add(k.tenant);
  }
  for (const c of topology?.clusters ?? []) {
    tenantOfCluster.set(c.id, c.tenant);
    add(c.tenant);
    for (const n of c.nodes) regionOfNode.set(`${c.id}/${n.id}`, n.region);
  }
  return { tenantOfCluster, tenantOfKey, regionOfNode, tenants, order: new Map(tenants.map((id, i) => [id, i])), placed: new WeakMap() };
}

/** Where a box belongs: its tenant and region. */
export interface Placement {
  tenant: string;
  region: string;
}

/** A tenant for clusters and keys the topology does not name (a record without one). */
export const UNNAMED = '(no tenant)';

const worse = (a: TenantState, b: TenantState) => (SEVERITY[b] > SEVERITY[a] ? b : a);

/**
 * The fleet as a tree the Explorer can fold: tenant → region → cluster, each with counts by state.
 * `boxes` is the whole hierarchy at one moment (hierarchyGraph); a CMK made during the run belongs
 * to the tenant of the nodes and snapshots that use it.
 */
export function fleetModel(boxes: readonly GraphNode[], fleet: FleetTopology): { tenants: TenantGroup[]; placement: Map<string, Placement> } {
  const placement = new Map<string, Placement>();
  const byTenant = new Map<string, TenantGroup>();
  const regionsOf = new Map<string, Map<string, RegionGroup>>();
  const tenant = (id: string) => {
    let t = byTenant.get(id);
    if (!t) {
      t = { id, regions: [], clusters: [], nodes: noCounts(), databases: noCounts(), snapshots: noCounts(), keys: noCounts(), worst: 'ok' };
      byTenant.set(id, t);
      regionsOf.set(id, new Map());
    }
    return t;
  };
  const region = (t: TenantGroup, name: string) => {
    const map = regionsOf.get(t.id) as Map<string, RegionGroup>;
    let r = map.get(name);
    if (!r) {
      r = { region: name, keys: [], clusters: [] };
      map.set(name, r);
    }
    return r;
  };
  const keyName = (box: GraphNode) => box.label.replace(/ replica$/, '');
  const keyTenant = new Map<string, string>();
  // Nodes, databases and snapshots first: a key made during the run is placed by who uses it.
  const clusterGroups = new Map<string, ClusterGroup>();
  // The CMK boxes some node calls KMS with now.
  const used = new Set<string>();
  const place = (box: GraphNode): Placement => {
    let p = fleet.placed.get(box);
    if (!p) {
      const owner = (box.cluster && fleet.tenantOfCluster.get(box.cluster)) ?? UNNAMED;
      const where = box.kind === 'snapshot' ? (box.arn?.split(':')[3] ?? '')
        : (fleet.regionOfNode.get(`${box.cluster}/${box.node}`) ?? (box.kind === 'master' ? box.sub.replace(/^.*KMS /, '') : ''));
      p = { tenant: owner, region: where };
      fleet.placed.set(box, p);
    }
    return p;
  };
  for (const box of boxes) {
    if (box.kind === 'cmk') continue;
    const where = place(box);
    const t = tenant(where.tenant);
    placement.set(box.id, where);
    if (box.parent && !keyTenant.has(box.parent)) keyTenant.set(box.parent, t.id);
    if (box.kind === 'master') {
      const key = `${t.id}|${where.region}|${box.cluster}`;
      let group = clusterGroups.get(key);
      if (!group) {
        group = { id: box.cluster ?? '', nodes: [], counts: noCounts() };
        clusterGroups.set(key, group);
        region(t, where.region).clusters.push(group);
        if (!t.clusters.includes(group.id)) t.clusters.push(group.id);
      }
      if (box.parent) used.add(box.parent);
      group.nodes.push(box);
      group.counts[box.state]++;
      t.nodes[box.state]++;
    } else if (box.kind === 'database') t.databases[box.state]++;
    else t.snapshots[box.state]++;
    t.worst = worse(t.worst, box.state);
  }
  for (const box of boxes) {
    if (box.kind !== 'cmk') continue;
    const t = tenant(fleet.tenantOfKey.get(keyName(box)) ?? keyTenant.get(box.id) ?? UNNAMED);
    const where = box.sub.split(' · ')[0] ?? '';
    placement.set(box.id, { tenant: t.id, region: where });
    region(t, where).keys.push(box);
    t.keys[box.state]++;
    const concern = keyConcern(box, used.has(box.id));
    if (concern) t.worst = worse(t.worst, concern);
  }
  for (const t of byTenant.values()) {
    t.regions = [...(regionsOf.get(t.id) as Map<string, RegionGroup>).values()].sort((a, b) => a.region.localeCompare(b.region));
    // Keys and no node (a run stopped while it was still starting clusters): nothing serves, so not green.
    if ((t.worst === 'ok' || t.worst === 'degraded') && total(t.nodes) === 0) t.worst = 'idle';
  }
  return { tenants: inFleetOrder([...byTenant.values()], fleet), placement };
}

/** Tenants in the scenario's order; tenants it does not name after, by name. */
export function inFleetOrder(tenants: TenantGroup[], fleet: FleetTopology): TenantGroup[] {
  const { order } = fleet;
  return tenants.sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) || a.id.localeCompare(b.id));
}

/** "3 serving, 1 down": the non-zero counts of boxes of one kind, in order of concern. */
export function countsText(counts: StateCounts, kind: GraphNode['kind']): string {
  const words = STATE_WORDS[kind];
  return STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s].toLocaleString('en')} ${words[s]}`).join(', ') || 'none';
}

/**
 * What each colour means for each kind of box, as hierarchy-model.ts sets it: a node down (stopped,
 * refused, crashed) is "down", a CMK that cannot be used "unusable" and one deleted "deleted", a
 * snapshot that cannot be restored "lost" — so a zone outage's crashed nodes are not counted as lost.
 */
export const STATE_WORDS: Record<GraphNode['kind'], Record<GraphNode['state'], string>> = {
  master: { ok: 'serving', warn: 'at risk', down: 'down', lost: 'lost', idle: 'starting' },
  cmk: { ok: 'serving', warn: 'at risk', down: 'unusable', lost: 'deleted', idle: 'idle' },
  database: { ok: 'readable', warn: 'at risk', down: 'unreadable', lost: 'lost', idle: 'idle' },
  snapshot: { ok: 'restorable', warn: 'at risk', down: 'unreadable', lost: 'lost', idle: 'idle' },
};

export const total = (c: StateCounts) => c.ok + c.warn + c.down + c.lost + c.idle;

/** "1 with something down, 29 degraded": the non-zero counts of tenants by the state their rows show. */
export function tenantCountsText(counts: TenantCounts): string {
  return TENANT_STATES.filter((s) => counts[s] > 0).map((s) => `${counts[s].toLocaleString('en')} ${TENANT_WORDS[s]}`).join(', ') || 'none';
}

/** The whole fleet's tenants (by the state their rows show), nodes, CMKs and snapshots by state at one moment. */
export function fleetCounts(tenants: readonly TenantGroup[]): { tenants: TenantCounts; nodes: StateCounts; keys: StateCounts; snapshots: StateCounts } {
  const sum = { tenants: { ...noCounts(), degraded: 0 }, nodes: noCounts(), keys: noCounts(), snapshots: noCounts() };
  for (const t of tenants) {
    sum.tenants[t.worst]++;
    for (const s of STATES) {
      sum.nodes[s] += t.nodes[s];
      sum.keys[s] += t.keys[s];
      sum.snapshots[s] += t.snapshots[s];
    }
  }
  return sum;
}
