import type { RunRecord } from '../../../src-shared/run-record';
import { html, type Html } from '../html/html-template';
import { offset } from '../html/format-text';
import { statusTone, type Tone } from '../html/status-tone';
import { emptyChart, svg, type ChartIdentity } from './chart-frame';
import { boxHeight, drawBox, edge, type Box } from './diagram-box';
import { INK, seriesColour } from './palette';

type Topology = RunRecord['topology'];
type Hierarchy = RunRecord['hierarchy'];

const WIDTH = 1000;
const TOP = 44;
const GAP = 10;
const COLUMNS = { snapshots: { x: 8, w: 200 }, keys: { x: 250, w: 220 }, nodes: { x: 520, w: 210 }, databases: { x: 772, w: 220 } };
/** Beyond this many snapshots the diagram shows a count; the snapshot table lists them all. */
const MAX_SNAPSHOTS = 24;

const TONE: Record<Tone, { stroke: string; fill: string }> = {
  ok: { stroke: INK.ok, fill: '#f0fdf4' },
  bad: { stroke: INK.bad, fill: '#fef2f2' },
  warn: { stroke: INK.warn, fill: '#fffbeb' },
};

interface KeyBox extends Box {
  keyId: string;
  arn: string;
  region: string;
  colour: string;
}

/**
 * The key hierarchy as a diagram, read left to right: snapshots pinned to the CMK material they were
 * taken under ← CMKs and their replicas per region → one master key per node, grouped by cluster →
 * the database keys each master key wraps. Edges from a CMK show which region's key a node uses.
 */
export function hierarchyDiagram(topology: Topology, hierarchy: Hierarchy, identity: ChartIdentity): Html {
  const keyBoxes = layoutKeys(topology);
  const rows = nodeRows(topology, hierarchy);
  if (keyBoxes.length === 0 && rows.length === 0) return emptyChart(identity, 'No keys or nodes in this run');

  const parts: Html[] = [];
  const extraKeys: KeyBox[] = [];
  let y = TOP;
  let currentCluster = '';
  const nodeBoxes: { box: Box; target: KeyBox | undefined; tone: Tone }[] = [];
  for (const row of rows) {
    if (row.cluster !== currentCluster) {
      if (currentCluster !== '') y += 8;
      currentCluster = row.cluster;
      parts.push(html`<text x="${COLUMNS.nodes.x}" y="${y + 12}" font-size="12" font-weight="600" fill="${INK.text}">${`cluster ${row.cluster}`}</text>`);
      y += 20;
    }
    const lines = [`${row.node} · ${row.zone}`, `master key v${row.masterKeyVersion ?? '?'} · ${row.status}`, `KMS ${row.kmsRegion}`];
    const dbLines = row.databases.map((d) => `${d.name} · key v${d.keyVersions}`);
    const h = Math.max(boxHeight(lines.length), boxHeight(dbLines.length));
    const tone = statusTone(row.status);
    const box: Box = { ...COLUMNS.nodes, y, h, lines, ...TONE[tone], kind: 'node-master-key', title: `${row.cluster}/${row.node} in ${row.zone}: ${row.status}; master key version ${row.masterKeyVersion ?? 'unknown'} wrapped by ${row.cmkArn || 'unknown key'} via ${row.kmsRegion}` };
    let target = findKeyBox([...keyBoxes, ...extraKeys], row.cmkArn, row.kmsRegion);
    if (!target && row.cmkArn) {
      target = { ...COLUMNS.keys, y: 0, h: boxHeight(2), lines: ['key not in the topology', row.cmkArn], stroke: INK.warn, fill: TONE.warn.fill, title: row.cmkArn, kind: 'cmk', dashed: true, keyId: row.cmkArn, arn: row.cmkArn, region: row.kmsRegion, colour: INK.warn };
      extraKeys.push(target);
    }
    nodeBoxes.push({ box, target, tone });
    if (dbLines.length > 0) {
      const db: Box = { ...COLUMNS.databases, y, h, lines: dbLines, stroke: '#94a3b8', fill: '#f8fafc', kind: 'database-keys', title: `Database keys on ${row.cluster}/${row.node}, wrapped by its master key: ${dbLines.join(', ')}` };
      parts.push(edge(box, db, '#94a3b8'), drawBox(db));
    }
    parts.push(drawBox(box));
    y += h + GAP;
  }
  const nodesBottom = y;

  // Keys found only on nodes (e.g. a new key ARN after rotate-cmk) go below the declared ones.
  let keyBottom = keyBoxes.reduce((m, b) => Math.max(m, b.y + b.h + GAP), TOP);
  for (const extra of extraKeys) {
    extra.y = keyBottom;
    keyBottom += extra.h + GAP;
  }
  const allKeys = [...keyBoxes, ...extraKeys];

  const shown = snapshotsToShow(hierarchy.snapshots, allKeys);
  let snapY = TOP;
  const snapshotParts: Html[] = [];
  for (const s of shown) {
    const tone: Tone = s.restorable ? 'ok' : 'bad';
    const lines = [s.id, `${s.cluster} · taken at ${offset(s.takenAt)}`, s.cmkMaterialId ? `key material ID ${s.cmkMaterialId}` : (s.restorable ? 'restorable' : 'not restorable')];
    const box: Box = { ...COLUMNS.snapshots, y: snapY, h: boxHeight(lines.length), lines, ...TONE[tone], dashed: !s.restorable, kind: 'snapshot', title: `Snapshot ${s.id} of ${s.cluster}, taken at ${offset(s.takenAt)} under ${s.cmkArn}${s.cmkMaterialId ? ` (key material ID ${s.cmkMaterialId})` : ''}: ${s.restorable ? 'restorable' : `not restorable${s.reason ? ` — ${s.reason}` : ''}`}` };
    const key = allKeys.find((k) => k.arn === s.cmkArn) ?? findKeyBox(allKeys, s.cmkArn, '');
    if (key) snapshotParts.push(edge(key, box, s.restorable ? '#94a3b8' : INK.bad, { leftward: true, dashed: !s.restorable }));
    snapshotParts.push(drawBox(box));
    snapY += box.h + GAP;
  }
  if (hierarchy.snapshots.length > shown.length) {
    snapshotParts.push(html`<text x="${COLUMNS.snapshots.x}" y="${snapY + 12}" font-size="11" fill="${INK.muted}">${`+ ${hierarchy.snapshots.length - shown.length} more (see the snapshot table)`}</text>`);
    snapY += 24;
  }

  const edges = nodeBoxes.filter((n) => n.target).map((n) => edge(n.target as KeyBox, n.box, n.tone === 'bad' ? INK.bad : (n.target as KeyBox).colour, { dashed: n.tone === 'bad' }));
  const height = Math.max(nodesBottom, keyBottom, snapY) + 6;
  const headings = html`<g font-size="11" font-weight="600" fill="${INK.muted}" letter-spacing="0.04em">${[
    ['SNAPSHOTS', COLUMNS.snapshots.x], ['CMKS AND REPLICAS', COLUMNS.keys.x], ['NODE MASTER KEYS', COLUMNS.nodes.x], ['DATABASE KEYS', COLUMNS.databases.x],
  ].map(([label, x]) => html`<text x="${x as number}" y="20">${label as string}</text>`)}</g>`;
  const body = html`${headings}${edges}${snapshotParts}${allKeys.map((k) => drawBox(k))}${parts}`;
  return svg(identity, { width: WIDTH, height, left: 0, right: 0, top: 0, bottom: 0 }, body, html` data-nodes="${rows.length}" data-snapshots="${hierarchy.snapshots.length}"`);
}

/**
 * The snapshots worth drawing when there are too many: every one that cannot be restored, then the
 * most recent. Drawn grouped by key, then in time order, so their edges do not cross.
 */
function snapshotsToShow(snapshots: Hierarchy['snapshots'], keys: readonly KeyBox[]): Hierarchy['snapshots'] {
  const newestFirst = [...snapshots].sort((a, b) => b.takenAt - a.takenAt);
  const picked = [...newestFirst.filter((s) => !s.restorable), ...newestFirst.filter((s) => s.restorable)].slice(0, MAX_SNAPSHOTS);
  const keyIndex = (arn: string): number => {
    const i = keys.findIndex((k) => k.arn === arn);
    return i < 0 ? keys.length : i;
  };
  return picked.sort((a, b) => keyIndex(a.cmkArn) - keyIndex(b.cmkArn) || a.takenAt - b.takenAt);
}

function layoutKeys(topology: Topology): KeyBox[] {
  const boxes: KeyBox[] = [];
  let y = TOP;
  topology.keys.forEach((key, index) => {
    const colour = seriesColour(index);
    const kind = key.multiRegion ? 'multi-Region primary' : 'single-Region key';
    const lines = [key.id, `${kind} · ${key.region}`, `tenant ${key.tenant}${key.service ? ` · ${key.service}` : ''}${key.alias ? ` · ${key.alias}` : ''}`];
    const primary: KeyBox = { ...COLUMNS.keys, y, h: boxHeight(lines.length), lines, stroke: colour, fill: '#ffffff', title: `${key.id}: ${kind} ${key.arn}`, kind: 'cmk', keyId: key.id, arn: key.arn, region: key.region, colour };
    boxes.push(primary);
    y += primary.h + GAP;
    // Replicas sit indented under their primary, drawn dashed: same key material, another region.
    for (const replica of key.replicas) {
      const r: KeyBox = { x: COLUMNS.keys.x + 18, w: COLUMNS.keys.w - 18, y, h: boxHeight(2), lines: [`${key.id} replica`, `${replica.region}`], stroke: colour, fill: '#ffffff', dashed: true, title: `Replica of ${key.id} in ${replica.region}: ${replica.arn}`, kind: 'cmk-replica', keyId: key.id, arn: replica.arn, region: replica.region, colour };
      boxes.push(r);
      y += r.h + GAP;
    }
    y += 8;
  });
  return boxes;
}

/** The box a node's master key hangs from: the same logical key in the region the node calls, else the exact ARN. */
function findKeyBox(boxes: readonly KeyBox[], arn: string, region: string): KeyBox | undefined {
  const exact = boxes.find((b) => b.arn === arn);
  if (!exact) return undefined;
  return boxes.find((b) => b.keyId === exact.keyId && b.region === region) ?? exact;
}

interface NodeRow {
  cluster: string;
  node: string;
  zone: string;
  status: string;
  kmsRegion: string;
  masterKeyVersion: number | undefined;
  cmkArn: string;
  databases: { name: string; keyVersions: number }[];
}

/** Every node of the topology, with its end-of-run state where the hierarchy has one. */
function nodeRows(topology: Topology, hierarchy: Hierarchy): NodeRow[] {
  const rows: NodeRow[] = [];
  const seen = new Set<string>();
  for (const cluster of topology.clusters) {
    const clusterKey = topology.keys.find((k) => k.id === cluster.key);
    for (const node of cluster.nodes) {
      const state = hierarchy.nodes.find((n) => n.cluster === cluster.id && n.node === node.id);
      seen.add(`${cluster.id}/${node.id}`);
      rows.push(state
        ? { cluster: cluster.id, node: node.id, zone: node.zone, status: state.status, kmsRegion: state.kmsRegion, masterKeyVersion: state.masterKeyVersion, cmkArn: state.cmkArn, databases: state.databases }
        : { cluster: cluster.id, node: node.id, zone: node.zone, status: 'never started', kmsRegion: node.region, masterKeyVersion: undefined, cmkArn: clusterKey?.arn ?? '', databases: cluster.databases.map((name) => ({ name, keyVersions: 0 })) });
    }
  }
  for (const n of hierarchy.nodes) {
    if (!seen.has(`${n.cluster}/${n.node}`)) rows.push({ cluster: n.cluster, node: n.node, zone: '', status: n.status, kmsRegion: n.kmsRegion, masterKeyVersion: n.masterKeyVersion, cmkArn: n.cmkArn, databases: n.databases });
  }
  return rows;
}
