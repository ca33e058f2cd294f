import { formatDuration } from './format';
import type { HierarchyFrame, RunRecord } from '../../src-shared/api';

/** One box of the key-hierarchy graph. */
export interface GraphNode {
  id: string;
  kind: 'cmk' | 'master' | 'database' | 'snapshot';
  label: string;
  sub: string;
  /** Drives the colour: ok (serving), warn (at risk / expiring), down, lost, idle. */
  state: 'ok' | 'warn' | 'down' | 'lost' | 'idle';
  stateText: string;
  /** For a CMK: enabled and usable by the service, but KMS in its region is out of reach (a regional outage). */
  outOfReach?: boolean | undefined;
  arn?: string | undefined;
  materialId?: string | undefined;
  /** For master and database keys: the cluster and node, to find the node's own KMS calls. */
  cluster?: string | undefined;
  node?: string | undefined;
  /** The box this one depends on (its wrapping key). */
  parent?: string | undefined;
  column: number;
  row: number;
}

type ViewKey = HierarchyFrame['keys'][number] & { alias?: string | undefined };
type ViewNode = RunRecord['hierarchy']['nodes'][number] & { cache?: HierarchyFrame['nodes'][number]['cache'] };
type ViewSnapshot = HierarchyFrame['snapshots'][number] & { restorable?: boolean; reason?: string | undefined };

/** The hierarchy at one moment, from a frame or from a run's judged end state. */
export interface HierarchyView {
  keys: ViewKey[];
  nodes: ViewNode[];
  snapshots: ViewSnapshot[];
  /** The drill's start (epoch ms), to date what happened at an offset into it (a snapshot's time). */
  start?: number | undefined;
  /** Each scenario key's alias, by the key's id. */
  aliases?: ReadonlyMap<string, string | undefined> | undefined;
}

/** A frame as a view; the record (when there is one) adds the aliases. */
export function viewOfFrame(frame: HierarchyFrame, record?: RunRecord, startTime?: string): HierarchyView {
  const start = record?.startTime ?? startTime;
  // The frame's own objects, unchanged: a key, node or snapshot the history did not touch stays the same object.
  return { keys: frame.keys, nodes: frame.nodes, snapshots: frame.snapshots, start: start ? Date.parse(start) : undefined, aliases: aliasesOf(record) };
}

const aliasCache = new WeakMap<RunRecord, ReadonlyMap<string, string | undefined>>();
function aliasesOf(record: RunRecord | undefined): ReadonlyMap<string, string | undefined> | undefined {
  if (!record) return undefined;
  let map = aliasCache.get(record);
  if (!map) aliasCache.set(record, (map = new Map(record.topology.keys.map((k) => [k.id, k.alias]))));
  return map;
}

/** A run's end state as judged (snapshots restorable or not), with the key states of its last frame. */
export function viewOfRecordEnd(record: RunRecord, last: HierarchyFrame | undefined): HierarchyView {
  const keys: ViewKey[] = last
    ? last.keys
    : record.topology.keys.flatMap((k) => [k, ...k.replicas].map((r) => ({ arn: r.arn, region: r.region, name: k.id, alias: k.alias, state: 'Enabled' as const, reachable: true, serviceAccess: true })));
  return { keys, nodes: record.hierarchy.nodes, snapshots: record.hierarchy.snapshots, start: Date.parse(record.startTime), aliases: aliasesOf(record) };
}

const NODE_STATE: Record<string, { state: GraphNode['state']; text: string }> = {
  running: { state: 'ok', text: 'running: its master key is unwrapped and cached' },
  starting: { state: 'idle', text: 'starting: unwrapping its master key' },
  stopped: { state: 'down', text: 'stopped: no key in memory' },
  failed: { state: 'down', text: 'down: its last start was refused by KMS' },
  // Down, not lost: a crashed node (a zone outage, a crash step) loses only the key in its memory; its data waits for its restart.
  crashed: { state: 'down', text: 'crashed: down until it restarts, its master key gone from memory' },
};

function keyState(k: ViewKey, users: ViewNode[]): Pick<GraphNode, 'state' | 'stateText' | 'outOfReach'> {
  if (k.state === 'Deleted') return { state: 'lost', stateText: 'deleted: everything only it can decrypt is lost' };
  if (k.state === 'PendingDeletion') return { state: 'warn', stateText: 'pending deletion: unusable, and deleted when the window ends' };
  if (k.state === 'Disabled') return { state: 'down', stateText: 'disabled by the customer' };
  if (!k.reachable) return { state: 'down', stateText: `region unreachable: KMS in ${k.region} is out of reach`, outOfReach: k.serviceAccess };
  if (!k.serviceAccess) return { state: 'down', stateText: "enabled, but the service role's access is revoked" };
  if (users.length === 0) return { state: 'idle', stateText: 'enabled; no node calls KMS with it now' };
  const serving = users.filter((n) => nodeServes(n)).length;
  return serving > 0
    ? { state: 'ok', stateText: `enabled, serving ${serving} node${serving === 1 ? '' : 's'}` }
    : { state: 'warn', stateText: 'enabled, but every node using it is down' };
}

const nodeServes = (n: ViewNode) => n.status === 'running' && n.cache !== 'expired';

function snapshotState(s: ViewSnapshot, key: ViewKey | undefined): Pick<GraphNode, 'state' | 'stateText'> {
  if (s.restorable !== undefined) return s.restorable ? { state: 'ok', stateText: 'restorable' } : { state: 'lost', stateText: `not restorable${s.reason ? `: ${s.reason}` : ''}` };
  if (key?.state === 'Deleted') return { state: 'lost', stateText: 'lost: the CMK it is pinned to was deleted' };
  if (key?.state === 'PendingDeletion') return { state: 'warn', stateText: 'at risk: the CMK it is pinned to is pending deletion' };
  if (key && (key.state === 'Disabled' || !key.serviceAccess)) return { state: 'warn', stateText: 'not restorable while its CMK is disabled or access is revoked' };
  return { state: 'ok', stateText: 'restorable while its CMK lives' };
}

/**
 * Boxes a fleet-wide view can reuse from one moment to the next: a node or snapshot the history did
 * not change is the same object in the next frame, and so is its box — a scrub step then allocates
 * only what changed.
 */
export class BoxCache {
  readonly nodes = new WeakMap<object, { parent: string | undefined; boxes: GraphNode[] }>();
  readonly snapshots = new WeakMap<object, { sig: string; box: GraphNode }>();
}

/**
 * The hierarchy's boxes with their states and what each depends on (no layout: every row is 0).
 * Every lookup is by map, so a fleet of thousands of nodes and keys takes milliseconds.
 */
export function hierarchyBoxes(view: HierarchyView, cache?: BoxCache): GraphNode[] {
  const out: GraphNode[] = [];
  // Each CMK box beside the key it draws, by ARN and by key identity (a multi-Region key's replicas share one).
  const byArn = new Map<string, { box: GraphNode; key: ViewKey }>();
  const byIdentity = new Map<string, { box: GraphNode; key: ViewKey }[]>();
  const names = new Set<string>();
  // A node uses the key in the region it calls KMS in: for a multi-Region key, the replica there.
  const users = new Map<string, ViewNode[]>();
  for (const n of view.nodes) {
    const id = `${identity(n.cmkArn)}|${n.kmsRegion}`;
    const list = users.get(id);
    if (list) list.push(n);
    else users.set(id, [n]);
  }
  const addCmk = (k: ViewKey) => {
    const replica = k.name !== undefined && names.has(k.name);
    if (k.name !== undefined) names.add(k.name);
    const alias = k.alias ?? (k.name === undefined ? undefined : view.aliases?.get(k.name));
    const box: GraphNode = {
      id: `cmk:${k.arn}`, kind: 'cmk', label: k.name ? `${k.name}${replica ? ' replica' : ''}` : `new CMK ${keyIdOf(k.arn).slice(0, 8)}`,
      sub: `${k.region}${alias ? ` · ${alias}` : ''}`, ...keyState(k, users.get(`${identity(k.arn)}|${k.region}`) ?? []), arn: k.arn, column: 0, row: 0,
    };
    const entry = { box, key: k };
    byArn.set(k.arn, entry);
    const same = byIdentity.get(identity(k.arn));
    if (same) same.push(entry);
    else byIdentity.set(identity(k.arn), [entry]);
    out.push(box);
  };
  for (const k of view.keys) if (!byArn.has(k.arn)) addCmk(k);
  // Keys a node or snapshot uses that the view does not list (a replacement ARN in an old record).
  for (const arn of [...view.nodes.map((n) => n.cmkArn), ...view.snapshots.map((s) => s.cmkArn)]) {
    if (!byIdentity.has(identity(arn))) addCmk({ arn, region: regionOf(arn), state: 'Enabled', reachable: true, serviceAccess: true });
  }
  const cmkFor = (arn: string, region: string) => {
    const same = byIdentity.get(identity(arn));
    return same?.find((c) => c.key.region === region) ?? same?.[0];
  };
  for (const n of view.nodes) {
    const parent = cmkFor(n.cmkArn, n.kmsRegion)?.box.id;
    const cached = cache?.nodes.get(n);
    if (cached && cached.parent === parent) {
      out.push(...cached.boxes);
      continue;
    }
    const boxes = nodeBoxes(n, parent);
    cache?.nodes.set(n, { parent, boxes });
    out.push(...boxes);
  }
  for (const s of view.snapshots) {
    const cmk = cmkFor(s.cmkArn, regionOf(s.cmkArn));
    const sig = `${cmk?.box.id}|${cmk?.key.state}|${cmk?.key.serviceAccess}|${view.start}`;
    const cached = cache?.snapshots.get(s);
    if (cached && cached.sig === sig) {
      out.push(cached.box);
      continue;
    }
    const box: GraphNode = {
      // Which database, and when (UTC, to the minute; the drill's offset when its start is unknown).
      id: `snap:${s.id}`, kind: 'snapshot', label: `${s.database} snapshot`,
      sub: view.start === undefined ? `${s.cluster} · +${formatDuration(s.takenAt)}` : `${new Date(view.start + s.takenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      ...snapshotState(s, cmk?.key), cluster: s.cluster,
      arn: s.cmkArn, materialId: s.cmkMaterialId, parent: cmk?.box.id, column: 3, row: 0,
    };
    cache?.snapshots.set(s, { sig, box });
    out.push(box);
  }
  return out;
}

/** A node's master key and its database keys, in the state the node is in. */
function nodeBoxes(n: ViewNode, parent: string | undefined): GraphNode[] {
  const base = NODE_STATE[n.status] ?? { state: 'idle' as const, text: n.status };
  const st = n.status === 'running' && n.cache === 'expired' ? { state: 'warn' as const, text: 'running, but its cached key expired and could not be refreshed' } : base;
  const master: GraphNode = {
    id: `master:${n.cluster}/${n.node}`, kind: 'master', label: `${n.cluster}/${n.node}`, sub: `master key v${n.masterKeyVersion} · KMS ${n.kmsRegion}`,
    state: st.state, stateText: st.text, arn: n.cmkArn, materialId: n.cmkMaterialId, cluster: n.cluster, node: n.node, parent, column: 1, row: 0,
  };
  return [master, ...n.databases.map((db): GraphNode => ({
    id: `db:${n.cluster}/${n.node}/${db.name}`, kind: 'database', label: db.name, sub: `${n.node} · ${db.keyVersions} key version${db.keyVersions === 1 ? '' : 's'}`,
    state: st.state === 'ok' ? 'ok' : 'down', stateText: st.state === 'ok' ? 'readable' : 'unreadable while its node has no usable master key', cluster: n.cluster, node: n.node,
    parent: master.id, column: 2, row: 0,
  }))];
}

/**
 * The hierarchy as graph boxes in four columns: CMK (and each replica) per region → node master
 * keys → database keys; snapshots pinned to the CMK they were taken under. Each master key sits
 * level with the first of its database keys.
 */
export function hierarchyGraph(view: HierarchyView): GraphNode[] {
  const boxes = hierarchyBoxes(view);
  let cmkRow = 0;
  let masterRow = 0;
  let dbRow = 0;
  let snapRow = 0;
  let master: GraphNode | undefined;
  for (const box of boxes) {
    if (box.kind === 'cmk') box.row = cmkRow++;
    else if (box.kind === 'master') {
      box.row = Math.max(masterRow, dbRow);
      masterRow = box.row + 1;
      master = box;
    } else if (box.kind === 'database') {
      if (master && box.parent === master.id && dbRow < master.row) dbRow = master.row;
      box.row = dbRow++;
    } else box.row = snapRow++;
  }
  return boxes;
}

const keyIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const regionOf = (arn: string) => arn.split(':')[3] ?? '';
/** What makes two ARNs the same key: the ARN itself, or a multi-Region key's id (`mrk-…`) in any region. */
export const identity = (arn: string) => {
  const id = keyIdOf(arn);
  return id.startsWith('mrk-') ? id : arn;
};

/** What depends on a box: database keys and snapshots, directly or through master keys. */
export function dependants(nodes: readonly GraphNode[], id: string): { databases: number; snapshots: number; masters: number } {
  const children = (p: string) => nodes.filter((n) => n.parent === p);
  const direct = children(id);
  const masters = direct.filter((n) => n.kind === 'master');
  const databases = direct.filter((n) => n.kind === 'database').length + masters.reduce((sum, m) => sum + children(m.id).length, 0);
  return { databases, snapshots: direct.filter((n) => n.kind === 'snapshot').length, masters: masters.length };
}
