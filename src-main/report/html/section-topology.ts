import type { RunRecord } from '../../../src-shared/run-record';
import { hierarchyDiagram } from '../svg/hierarchy-diagram';
import { INK } from '../svg/palette';
import { html, type Html } from './html-template';
import { offset } from './format-text';
import { legend } from './legend';
import { statusTone } from './status-tone';

/** Keys, clusters and the key hierarchy at the end of the run, as a diagram and as tables. */
export function topologySection(record: RunRecord): Html {
  const { topology, hierarchy } = record;
  return html`<section id="topology"><h2>Topology and key hierarchy</h2>
<p>Each node's master key is a data key generated under the cluster's CMK (in the region the node calls) and stored only wrapped; each database key is wrapped locally by its node's master key. Snapshots keep the CMK material they were taken under.</p>
<figure>
${hierarchyDiagram(topology, hierarchy, { id: 'chart-hierarchy', kind: 'hierarchy', label: 'Key hierarchy at the end of the drill' })}
${legend([
    { label: 'serving', colour: INK.ok },
    { label: 'degraded or starting', colour: INK.warn },
    { label: 'down, or snapshot not restorable', colour: INK.bad },
  ])}
<figcaption>The key hierarchy at the end of the drill. Edges from a CMK show the key and region each node's master key is wrapped under. Dashed boxes: replicas of a multi-Region key (indented under their primary) and snapshots that cannot be restored. Each box's tooltip holds its full ARN and state.</figcaption>
</figure>
<h3>Keys</h3>
<table class="keys"><thead><tr><th>Key</th><th>Tenant</th><th>Type</th><th>Region</th><th>ARN</th><th>Replicas</th></tr></thead><tbody>${topology.keys.map((k) => html`<tr><td class="nowrap"><code>${k.id}</code>${k.alias ? html`<br><span class="muted">${k.alias}</span>` : html``}</td><td>${k.tenant}${k.service ? html`<br><span class="muted">${`service ${k.service}`}</span>` : html``}</td><td>${k.multiRegion ? 'multi-Region' : 'single-Region'}</td><td>${k.region}</td><td><code>${k.arn}</code></td><td>${k.replicas.length === 0 ? html`<span class="muted">none</span>` : k.replicas.map((r) => html`<div>${r.region}: <code>${r.arn}</code></div>`)}</td></tr>`)}</tbody></table>
<h3>Nodes at the end of the drill</h3>
${hierarchy.nodes.length === 0 ? html`<p class="muted">No node reached a recorded state.</p>` : html`<table class="nodes"><thead><tr><th>Cluster / node</th><th>Status</th><th>KMS region</th><th class="num">Master key</th><th>CMK</th><th>Database keys</th></tr></thead><tbody>${hierarchy.nodes.map((n) => html`<tr><td class="nowrap">${`${n.cluster}/${n.node}`}</td><td><span class="pill ${statusTone(n.status)}">${n.status}</span></td><td>${n.kmsRegion}</td><td class="num">${`v${n.masterKeyVersion}`}</td><td><code>${n.cmkArn}</code>${n.cmkMaterialId ? html`<br><span class="muted hex">${`material ${n.cmkMaterialId}`}</span>` : html``}</td><td>${n.databases.map((d) => `${d.name} v${d.keyVersions}`).join(', ')}</td></tr>`)}</tbody></table>`}
<h3>Snapshots</h3>
${hierarchy.snapshots.length === 0 ? html`<p class="muted">No snapshots were taken during the drill.</p>` : html`<table class="snapshots"><thead><tr><th>Snapshot</th><th>Cluster</th><th>Taken at</th><th>CMK and material</th><th>Restorable</th></tr></thead><tbody>${hierarchy.snapshots.map((s) => html`<tr><td class="nowrap"><code>${s.id}</code></td><td class="nowrap">${s.cluster}</td><td class="nowrap">${offset(s.takenAt)}</td><td><code>${s.cmkArn}</code>${s.cmkMaterialId ? html`<br><span class="muted hex">${`material ${s.cmkMaterialId}`}</span>` : html``}</td><td><span class="pill ${s.restorable ? 'ok' : 'bad'}">${s.restorable ? 'yes' : 'no'}</span>${s.reason ? html`<br>${s.reason}` : html``}</td></tr>`)}</tbody></table>`}
</section>`;
}
