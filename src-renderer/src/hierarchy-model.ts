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
}

/** A frame as a view; the record (when there is one) adds the aliases. */
export function viewOfFrame(frame: HierarchyFrame, record?: RunRecord, startTime?: string): HierarchyView {
  const alias = (name: string | undefined) => record?.topology.keys.find((k) => k.id === name)?.alias;
  const start = record?.startTime ?? startTime;
  return { keys: frame.keys.map((k) => ({ ...k, alias: alias(k.name) })), nodes: frame.nodes, snapshots: frame.snapshots, start: start ? Date.parse(start) : undefined };
}

/** A run's end state as judged (snapshots restorable or not), with the key states of its last frame. */
export function viewOfRecordEnd(record: RunRecord, last: HierarchyFrame | undefined): HierarchyView {
  const keys: ViewKey[] = last
    ? viewOfFrame(last, record).keys
    : record.topology.keys.flatMap((k) => [k, ...k.replicas].map((r) => ({ arn: r.arn, region: r.region, name: k.id, alias: k.alias, state: 'Enabled' as const, reachable: true, serviceAccess: true })));
  return { keys, nodes: record.hierarchy.nodes, snapshots: record.hierarchy.snapshots, start: Date.parse(record.startTime) };
}

const NODE_STATE: Record<string, { state: GraphNode['state']; text: string }> = {
  running: { state: 'ok', text: 'running: its master key is unwrapped and cached' },
  starting: { state: 'idle', text: 'starting: unwrapping its master key' },
  stopped: { state: 'down', text: 'stopped: no key in memory' },
  failed: { state: 'down', text: 'down: its last start was refused by KMS' },
  crashed: { state: 'lost', text: 'crashed' },
};

function keyState(k: ViewKey, users: ViewNode[]): Pick<GraphNode, 'state' | 'stateText'> {
  if (k.state === 'Deleted') return { state: 'lost', stateText: 'deleted: everything only it can decrypt is lost' };
  if (k.state === 'PendingDeletion') return { state: 'warn', stateText: 'pending deletion: unusable, and deleted when the window ends' };
  if (k.state === 'Disabled') return { state: 'down', stateText: 'disabled by the customer' };
  if (!k.reachable) return { state: 'down', stateText: `region unreachable: KMS in ${k.region} is out of reach` };
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
 * The hierarchy as graph boxes in four columns: CMK (and each replica) per region → node master
 * keys → database keys; snapshots pinned to the CMK they were taken under.
 */
export function hierarchyGraph(view: HierarchyView): GraphNode[] {
  const out: GraphNode[] = [];
  // Each CMK box beside the key it draws, to place what depends on it.
  const cmks: { box: GraphNode; key: ViewKey }[] = [];
  const known = (arn: string) => cmks.some((c) => c.key.arn === arn);
  const addCmk = (k: ViewKey) => {
    const replica = k.name !== undefined && cmks.some((c) => c.key.name === k.name);
    // A node uses the key in the region it calls KMS in: for a multi-Region key, the replica there.
    const users = view.nodes.filter((n) => sameKey(n.cmkArn, k.arn) && n.kmsRegion === k.region);
    const box: GraphNode = {
      id: `cmk:${k.arn}`, kind: 'cmk', label: k.name ? `${k.name}${replica ? ' replica' : ''}` : `new CMK ${keyIdOf(k.arn).slice(0, 8)}`,
      sub: `${k.region}${k.alias ? ` · ${k.alias}` : ''}`, ...keyState(k, users), arn: k.arn, column: 0, row: cmks.length,
    };
    cmks.push({ box, key: k });
    out.push(box);
  };
  for (const k of view.keys) if (!known(k.arn)) addCmk(k);
  // Keys a node or snapshot uses that the view does not list (a replacement ARN in an old record).
  for (const arn of [...view.nodes.map((n) => n.cmkArn), ...view.snapshots.map((s) => s.cmkArn)]) {
    if (!cmks.some((c) => sameKey(c.key.arn, arn))) addCmk({ arn, region: regionOf(arn), state: 'Enabled', reachable: true, serviceAccess: true });
  }
  const cmkFor = (arn: string, region: string) => cmks.find((c) => sameKey(c.key.arn, arn) && c.key.region === region) ?? cmks.find((c) => sameKey(c.key.arn, arn));
  let masterRow = 0;
  let dbRow = 0;
  for (const n of view.nodes) {
    const base = NODE_STATE[n.status] ?? { state: 'idle' as const, text: n.status };
    const st = n.status === 'running' && n.cache === 'expired' ? { state: 'warn' as const, text: 'running, but its cached key expired and could not be refreshed' } : base;
    const master: GraphNode = {
      id: `master:${n.cluster}/${n.node}`, kind: 'master', label: `${n.cluster}/${n.node}`, sub: `master key v${n.masterKeyVersion} · KMS ${n.kmsRegion}`,
      state: st.state, stateText: st.text, arn: n.cmkArn, materialId: n.cmkMaterialId, cluster: n.cluster, node: n.node,
      parent: cmkFor(n.cmkArn, n.kmsRegion)?.box.id, column: 1, row: masterRow,
    };
    out.push(master);
    for (const db of n.databases) {
      out.push({
        id: `db:${n.cluster}/${n.node}/${db.name}`, kind: 'database', label: db.name, sub: `${n.node} · ${db.keyVersions} key version${db.keyVersions === 1 ? '' : 's'}`,
        state: st.state === 'ok' ? 'ok' : 'down', stateText: st.state === 'ok' ? 'readable' : 'unreadable while its node has no usable master key', cluster: n.cluster, node: n.node,
        parent: master.id, column: 2, row: dbRow++,
      });
    }
    // Each master key sits level with the first of its database keys.
    master.row = Math.max(masterRow, dbRow - n.databases.length);
    masterRow = master.row + 1;
  }
  view.snapshots.forEach((s, i) => {
    const cmk = cmkFor(s.cmkArn, regionOf(s.cmkArn));
    out.push({
      // Which database, and when (UTC, to the minute; the drill's offset when its start is unknown).
      id: `snap:${s.id}`, kind: 'snapshot', label: `${s.database} snapshot`,
      sub: view.start === undefined ? `${s.cluster} · +${formatDuration(s.takenAt)}` : `${new Date(view.start + s.takenAt).toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      ...snapshotState(s, cmk?.key),
      arn: s.cmkArn, materialId: s.cmkMaterialId, parent: cmk?.box.id, column: 3, row: i,
    });
  });
  return out;
}

const keyIdOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const regionOf = (arn: string) => arn.split(':')[3] ?? '';
/** Same key: the same ARN, or the same multi-Region key id (`mrk-…`) in another region. */
const sameKey = (a: string, b: string) => a === b || (keyIdOf(a).startsWith('mrk-') && keyIdOf(a) === keyIdOf(b));

/** What depends on a box: database keys and snapshots, directly or through master keys. */
export function dependants(nodes: readonly GraphNode[], id: string): { databases: number; snapshots: number; masters: number } {
  const children = (p: string) => nodes.filter((n) => n.parent === p);
  const direct = children(id);
  const masters = direct.filter((n) => n.kind === 'master');
  const databases = direct.filter((n) => n.kind === 'database').length + masters.reduce((sum, m) => sum + children(m.id).length, 0);
  return { databases, snapshots: direct.filter((n) => n.kind === 'snapshot').length, masters: masters.length };
}
