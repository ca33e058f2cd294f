import { HierarchyReplay } from '../../../src-shared/hierarchy-replay';
import type { FrameEntry, HierarchyNode, RunRecord } from '../../../src-shared/run-record';
import { hierarchyDiagram } from '../svg/hierarchy-diagram';
import { INK } from '../svg/palette';
import type { FleetView } from './fleet-view';
import { html, type Html } from './html-template';
import { count, offset } from './format-text';
import { legend } from './legend';
import { LIMITS } from './report-limits';
import { statusTone } from './status-tone';

type Topology = RunRecord['topology'];

/** The hierarchy of a run that did not finish, as its last frame left it (its head has no end state). */
export interface LastRecorded {
  at: number;
  nodes: HierarchyNode[];
}

/** Replays a run's frames to its last one; undefined when it recorded none. */
export function lastRecordedHierarchy(frames: Iterable<FrameEntry>): LastRecorded | undefined {
  const replay = new HierarchyReplay();
  for (const f of frames) {
    if (!f.keyframe && !replay.started) continue;
    replay.apply(f);
  }
  if (!replay.started) return undefined;
  const last = replay.frame();
  return { at: last.at, nodes: last.nodes.map(({ cache: _cache, ...node }) => node) };
}
type Hierarchy = RunRecord['hierarchy'];

/**
 * Keys, clusters and the key hierarchy at the end of the run, as a diagram and as tables. The
 * tables print every ARN (a PDF has no tooltips). A fleet is drawn by its worst tenants only, and
 * its nodes and snapshots are listed where something went wrong; the CSV lists every one.
 */
export function topologySection(record: RunRecord, fleet: FleetView, lastRecorded?: LastRecorded): Html {
  const { topology } = record;
  const hierarchy = lastRecorded ? { nodes: lastRecorded.nodes, snapshots: record.hierarchy.snapshots } : record.hierarchy;
  const when = lastRecorded ? `as last recorded, at ${offset(lastRecorded.at)} (the run did not finish)` : 'at the end of the drill';
  const nodeCount = topology.clusters.reduce((n, c) => n + c.nodes.length, 0);
  const drawn = nodeCount <= LIMITS.diagramNodes ? undefined : diagramClusters(topology, fleet);
  const subset = drawn ? only(topology, hierarchy, drawn) : { topology, hierarchy };
  return html`<section id="topology"><h2>Topology and key hierarchy</h2>
<p>Each node's master key is a data key generated under the cluster's CMK (in the region the node calls) and stored only wrapped; each database key is wrapped locally by its node's master key. Snapshots keep the CMK material they were taken under.</p>
<figure>
${hierarchyDiagram(subset.topology, subset.hierarchy, { id: 'chart-hierarchy', kind: 'hierarchy', label: drawn ? `Key hierarchy ${when}: ${drawn.length} of ${topology.clusters.length} tenants` : `Key hierarchy ${when}` })}
${legend([
    { label: 'serving', colour: INK.ok },
    { label: 'degraded or starting', colour: INK.warn },
    { label: 'down, or snapshot not restorable', colour: INK.bad },
  ])}
<figcaption>${drawn
    ? `The key hierarchy ${when}, drawn for ${drawn.length === 1 ? 'the tenant' : `the ${drawn.length} tenants`} ${drawn.join(', ')} (${fleet.affected.length > 0 ? 'the worst affected' : 'the first'}) of ${count(topology.clusters.length)}; the tables below cover the rest. `
    : `The key hierarchy ${when}. `}An edge leads from the key each node's master key is wrapped under, in the region the node calls KMS in — for a multi-Region key after a failover or a reconfiguration, its replica there, while the nodes table names the ARN the master key was wrapped under. Dashed boxes: replicas of a multi-Region key (indented under their primary) and snapshots that cannot be restored. The full ARN of every key, replica and node's wrapping key is printed in the tables below.</figcaption>
</figure>
${keysTable(topology, fleet)}
${nodesTable(hierarchy, fleet, when)}
${snapshotsTable(hierarchy)}
</section>`;
}

/** The clusters a fleet's diagram draws: the worst affected, else the first ones. */
function diagramClusters(topology: Topology, fleet: FleetView): string[] {
  const worst = fleet.worst.map((c) => c.cluster);
  return (worst.length > 0 ? worst : topology.clusters.map((c) => c.id)).slice(0, LIMITS.diagramClusters);
}

function only(topology: Topology, hierarchy: Hierarchy, clusters: readonly string[]): { topology: Topology; hierarchy: Hierarchy } {
  const wanted = new Set(clusters);
  const kept = topology.clusters.filter((c) => wanted.has(c.id));
  const keys = new Set(kept.map((c) => c.key));
  return {
    topology: { ...topology, clusters: kept, keys: topology.keys.filter((k) => keys.has(k.id)) },
    hierarchy: { nodes: hierarchy.nodes.filter((n) => wanted.has(n.cluster)), snapshots: hierarchy.snapshots.filter((s) => wanted.has(s.cluster)) },
  };
}

function keysTable(topology: Topology, fleet: FleetView): Html {
  const whole = topology.keys.length <= LIMITS.keys;
  const affected = new Set(fleet.affected.map((c) => c.cluster));
  const affectedKeys = new Set(topology.clusters.filter((c) => affected.has(c.id)).map((c) => c.key));
  const keys = whole ? topology.keys : topology.keys.filter((k) => affectedKeys.has(k.id)).slice(0, LIMITS.keys);
  return html`<h3>Keys</h3>
${whole ? html`` : html`<p>${`${count(topology.keys.length)} keys: listed here are the ${count(keys.length)} keys of affected tenants; the CSV report (section key) lists every key and replica ARN.`}</p>`}
<table class="keys"><thead><tr><th>Key</th><th>Tenant</th><th>Type</th><th>Region</th><th>ARN</th><th>Replicas</th></tr></thead><tbody>${keys.map((k) => html`<tr><td class="nowrap"><code>${k.id}</code>${k.alias ? html`<br><span class="muted">${k.alias}</span>` : html``}</td><td>${k.tenant}${k.service ? html`<br><span class="muted">${`service ${k.service}`}</span>` : html``}</td><td>${k.multiRegion ? 'multi-Region' : 'single-Region'}</td><td>${k.region}</td><td><code>${k.arn}</code></td><td>${k.replicas.length === 0 ? html`<span class="muted">none</span>` : k.replicas.map((r) => html`<div>${r.region}: <code>${r.arn}</code></div>`)}</td></tr>`)}</tbody></table>`;
}

/** Every node when there are few; otherwise the nodes not serving at the end and those of the worst tenants. */
function nodesTable(hierarchy: Hierarchy, fleet: FleetView, when: string): Html {
  if (hierarchy.nodes.length === 0) return html`<h3>Nodes ${when}</h3><p class="muted">No node reached a recorded state.</p>`;
  const whole = hierarchy.nodes.length <= LIMITS.nodes;
  const worst = new Set(fleet.worst.map((c) => c.cluster));
  const nodes = whole ? hierarchy.nodes : hierarchy.nodes.filter((n) => statusTone(n.status) !== 'ok' || worst.has(n.cluster)).slice(0, LIMITS.exceptions);
  const serving = hierarchy.nodes.filter((n) => statusTone(n.status) === 'ok').length;
  return html`<h3>Nodes ${when}</h3>
${whole ? html`` : html`<p id="nodes-note">${`${count(hierarchy.nodes.length)} nodes, ${count(serving)} serving at the end. Listed: ${nodes.length === 0 ? 'none — every node was serving at the end' : `the ${count(nodes.length)} nodes that were not serving at the end or belong to the worst tenants`}; the CSV report (section node) lists every node.`}</p>`}
${nodes.length === 0 ? html`` : html`<table class="nodes"><thead><tr><th>Cluster / node</th><th>Status</th><th>KMS region</th><th class="num">Master key</th><th>CMK</th><th>Database keys</th></tr></thead><tbody>${nodes.map((n) => html`<tr><td class="nowrap">${`${n.cluster}/${n.node}`}</td><td><span class="pill ${statusTone(n.status)}">${n.status}</span></td><td>${n.kmsRegion}</td><td class="num">${`v${n.masterKeyVersion}`}</td><td><code>${n.cmkArn}</code>${n.cmkMaterialId ? html`<br><span class="muted hex">${`key material ID ${n.cmkMaterialId}`}</span>` : html``}</td><td>${n.databases.map((d) => `${d.name} v${d.keyVersions}`).join(', ')}</td></tr>`)}</tbody></table>`}`;
}

/** Every snapshot when there are few; otherwise those that cannot be restored, and the count of the rest. */
function snapshotsTable(hierarchy: Hierarchy): Html {
  const all = hierarchy.snapshots;
  if (all.length === 0) return html`<h3>Snapshots</h3><p class="muted">No snapshots were taken during the drill.</p>`;
  const whole = all.length <= LIMITS.snapshots;
  const lost = all.filter((s) => !s.restorable);
  const list = whole ? all : lost.slice(0, LIMITS.exceptions);
  return html`<h3>Snapshots</h3>
${whole ? html`` : html`<p id="snapshots-note">${`${count(all.length)} snapshots, ${count(all.length - lost.length)} restorable and ${count(lost.length)} not. Listed: ${list.length === lost.length ? 'every one that cannot be restored' : `the first ${count(list.length)} that cannot be restored`}; the CSV report (section snapshot) lists every snapshot.`}</p>`}
${list.length === 0 ? html`` : html`<table class="snapshots"><thead><tr><th>Snapshot</th><th>Cluster</th><th>Taken at</th><th>CMK and key material ID</th><th>Restorable</th></tr></thead><tbody>${list.map((s) => html`<tr><td class="nowrap"><code>${s.id}</code></td><td class="nowrap">${`${s.cluster} ${s.database}`}</td><td class="nowrap">${offset(s.takenAt)}</td><td><code>${s.cmkArn}</code>${s.cmkMaterialId ? html`<br><span class="muted hex">${`key material ID ${s.cmkMaterialId}`}</span>` : html``}</td><td><span class="pill ${s.restorable ? 'ok' : 'bad'}">${s.restorable ? 'yes' : 'no'}</span>${s.reason ? html`<br>${s.reason}` : html``}</td></tr>`)}</tbody></table>`}`;
}
