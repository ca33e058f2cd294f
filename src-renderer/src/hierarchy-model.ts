import { formatDuration } from './format';
import type { RunRecord } from '../../src-shared/api';

/** One box of the key-hierarchy graph. */
export interface GraphNode {
  id: string;
  kind: 'cmk' | 'master' | 'database' | 'snapshot';
  label: string;
  sub: string;
  /** Drives the colour: ok, down, lost, idle. */
  state: 'ok' | 'down' | 'lost' | 'idle';
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

const NODE_STATE: Record<string, { state: GraphNode['state']; text: string }> = {
  running: { state: 'ok', text: 'running: its master key is unwrapped and cached' },
  starting: { state: 'idle', text: 'starting: unwrapping its master key' },
  stopped: { state: 'down', text: 'stopped: no key in memory' },
  'shut-down': { state: 'down', text: 'shut down: lost access to its key' },
  crashed: { state: 'lost', text: 'crashed' },
};

/**
 * The hierarchy at the end of a run as graph boxes in four columns: CMK (and each replica) per
 * region → node master keys → database keys; snapshots pinned to the CMK they were taken under.
 */
export function hierarchyGraph(record: RunRecord): GraphNode[] {
  const out: GraphNode[] = [];
  const cmks: GraphNode[] = [];
  let row = 0;
  const addCmk = (label: string, region: string, arn: string, alias: string | undefined) => {
    // A node uses the key in the region it calls KMS in: for a multi-Region key, the replica there.
    const users = record.hierarchy.nodes.filter((n) => sameKey(n.cmkArn, arn) && n.kmsRegion === region);
    const serving = users.some((n) => n.status === 'running');
    const node: GraphNode = {
      id: `cmk:${arn}`, kind: 'cmk', label, sub: `${region}${alias ? ` · ${alias}` : ''}`,
      state: users.length === 0 ? 'idle' : serving ? 'ok' : 'down',
      stateText: users.length === 0 ? 'no node calls KMS with this key at the end' : serving ? 'serving running nodes' : 'every node using it is down',
      arn, column: 0, row: row++,
    };
    cmks.push(node);
    out.push(node);
  };
  for (const key of record.topology.keys) {
    addCmk(key.id, key.region, key.arn, key.alias);
    for (const r of key.replicas) addCmk(`${key.id} replica`, r.region, r.arn, key.alias);
  }
  // Keys made during the run (a CMK replaced by a new ARN) are not in the topology: show them too.
  for (const arn of new Set([...record.hierarchy.nodes.map((n) => n.cmkArn), ...record.hierarchy.snapshots.map((s) => s.cmkArn)])) {
    if (!cmks.some((c) => c.arn && sameKey(c.arn, arn))) addCmk(`new CMK ${keyIdOf(arn).slice(0, 8)}`, regionOf(arn), arn, undefined);
  }
  const cmkFor = (arn: string, region: string) =>
    cmks.find((c) => c.arn && sameKey(c.arn, arn) && regionOf(c.arn) === region) ?? cmks.find((c) => c.arn === arn);
  let masterRow = 0;
  let dbRow = 0;
  for (const n of record.hierarchy.nodes) {
    const st = NODE_STATE[n.status] ?? { state: 'idle' as const, text: n.status };
    const master: GraphNode = {
      id: `master:${n.cluster}/${n.node}`, kind: 'master', label: `${n.cluster}/${n.node}`, sub: `master key v${n.masterKeyVersion} · KMS ${n.kmsRegion}`,
      state: st.state, stateText: st.text, arn: n.cmkArn, materialId: n.cmkMaterialId, cluster: n.cluster, node: n.node,
      parent: cmkFor(n.cmkArn, n.kmsRegion)?.id, column: 1, row: masterRow,
    };
    out.push(master);
    for (const db of n.databases) {
      out.push({
        id: `db:${n.cluster}/${n.node}/${db.name}`, kind: 'database', label: db.name, sub: `${n.node} · ${db.keyVersions} key version${db.keyVersions === 1 ? '' : 's'}`,
        state: st.state, stateText: st.state === 'ok' ? 'readable' : 'unreadable while its node is down', cluster: n.cluster, node: n.node,
        parent: master.id, column: 2, row: dbRow++,
      });
    }
    // Each master key sits level with the first of its database keys.
    master.row = Math.max(masterRow, dbRow - n.databases.length);
    masterRow = master.row + 1;
  }
  record.hierarchy.snapshots.forEach((s, i) => {
    out.push({
      id: `snap:${s.id}`, kind: 'snapshot', label: s.id, sub: `${s.cluster} · taken at +${formatDuration(s.takenAt)}`,
      state: s.restorable ? 'ok' : 'lost', stateText: s.restorable ? 'restorable' : `not restorable${s.reason ? `: ${s.reason}` : ''}`,
      arn: s.cmkArn, materialId: s.cmkMaterialId, parent: cmkFor(s.cmkArn, regionOf(s.cmkArn))?.id, column: 3, row: i,
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
