import type { ClusterSummary, HierarchyNode, RunRecord } from '../../../src-shared/run-record';
import { availabilityText } from '../../../src-shared/availability-text';
import { summedUp } from '../../../src-shared/record-counts';
import { isAffected } from '../../../src-shared/tenant-ranking';
import type { FleetView } from './fleet-view';
import { html, idFragment, type Html } from './html-template';
import { clip, clockTime, count, offset } from './format-text';
import { principalCell } from './principal';
import { LIMITS } from './report-limits';
import { statusTone } from './status-tone';
import type { TenantEntries, TimelineDigest } from './timeline-digest';

const OUTCOME_TONE = { ok: 'ok', failed: 'bad', simulated: 'warn' } as const;

/**
 * The fleet by tenant and by region: how many tenants went down, for how long, and with what data
 * at risk; the worst tenants in detail (their key and its ARNs, nodes, down intervals, data at risk
 * and what happened to them); then every tenant in one compact table, worst first.
 */
export function tenantsSection(record: RunRecord, fleet: FleetView, timeline: TimelineDigest): Html {
  const clusters = Math.max(record.clusters.length, record.topology.clusters.length);
  if (record.clusters.length === 0) {
    return html`<section id="tenants"><h2>Tenants and regions</h2>
<p class="muted">${`No per-tenant summary: the run ${record.execution.status === 'completed' ? 'had no clusters' : 'did not finish, so availability was never summed up'} (${count(clusters)} cluster${clusters === 1 ? '' : 's'} in its topology).`}</p></section>`;
  }
  const index = indexRecord(record);
  return html`<section id="tenants"><h2>Tenants and regions</h2>
<p id="fleet-sentence">${`${count(fleet.tenantsDown)} of ${count(clusters)} tenants (clusters) were not serving at some moment, ${count(Math.round(fleet.minutesUnavailable))} minutes in all; ${fleet.tenantsAtRisk === null ? `data at risk was never checked (it is, at a drill's end, and this run did not finish); ${count(fleet.tenantsWithNodesDown)} had nodes down when it stopped` : `${count(fleet.tenantsAtRisk)} ended with data at risk (${count(record.dataAtRisk.length)} items); ${count(fleet.tenantsWithNodesDown)} had nodes down at the end`}.`}</p>
<h3 id="regions">Per region</h3>
${regionTable(record)}
<h3 id="worst-tenants">${fleet.worst.length === 0 ? 'Worst tenants' : `The ${fleet.worst.length === 1 ? 'one tenant' : `${fleet.worst.length} worst tenants`} in detail`}</h3>
${fleet.worst.length === 0
    ? html`<p>No tenant was ever unavailable, none has data at risk, and no node was down at the end.</p>`
    : html`<p class="muted">${`Ranked by minutes unavailable, then data at risk${fleet.affected.length > fleet.worst.length ? `; ${count(fleet.affected.length - fleet.worst.length)} more affected tenants are in the table below` : ''}.`}</p>${fleet.worst.map((c) => tenantDetail(record, c, index, timeline))}`}
<h3 id="every-tenant">Every tenant</h3>
${tenantTable(fleet)}
${callsBesideTenants(record)}
</section>`;
}

function regionTable(record: RunRecord): Html {
  return html`<table class="regions" id="region-table"><thead><tr><th>Region</th><th class="num">KMS calls</th><th class="num">Failed</th><th class="num">Never reached KMS</th><th class="num">Outage minutes</th><th class="num" title="Tenants (clusters) not serving at some moment that had a node in this region, or whose KMS calls in this region failed or never reached it">Tenants down</th></tr></thead><tbody>${record.regions.map((r) => html`<tr data-region="${r.region}"><td>${r.region}</td><td class="num">${count(r.kmsCalls)}</td><td class="num">${count(r.failedKmsCalls)}</td><td class="num">${count(r.clientSideFailures)}</td><td class="num">${count(r.outageMinutes)}</td><td class="num">${count(r.clustersDown)}</td></tr>`)}</tbody></table>`;
}

/** Every tenant worst first, one line each; past LIMITS.tenantRows only the affected ones, and a pointer to the CSV and JSON. */
function tenantTable(fleet: FleetView): Html {
  const whole = fleet.ranked.length <= LIMITS.tenantRows;
  const rows = whole ? fleet.ranked : fleet.affected.slice(0, LIMITS.tenantRows);
  const left = fleet.ranked.length - rows.length;
  const rest = fleet.affected.length <= rows.length ? `the other ${count(left)} were serving throughout, with no data at risk and no node down at the end` : `${count(fleet.affected.length - rows.length)} more were affected`;
  const note = `${count(fleet.ranked.length)} tenants are too many to list one per line: this table shows the ${count(rows.length)} worst, and ${rest}. Every tenant is in the CSV report (section cluster-summary) and the JSON report (clusters).`;
  return html`${whole ? html`` : html`<p id="tenant-table-note">${note}</p>`}
<table class="tenant-table compact" id="tenant-table" data-rows="${rows.length}" data-tenants="${fleet.ranked.length}"><thead><tr><th>Cluster</th><th>Tenant</th><th>Available</th><th>Minutes down</th><th>Down spells</th><th>Nodes down at end</th><th>Data at risk</th><th title="Calls made by the tenant's nodes (the cluster named in their encryption context)">KMS calls</th><th>Failed</th></tr></thead><tbody>${rows.map((c) => html`<tr${isAffected(c) ? html` class="affected"` : html``}><td>${c.cluster}</td><td>${c.tenant}</td><td>${availabilityText(c.availabilityPercent, 2)}</td><td>${count(c.minutesUnavailable)}</td><td>${c.downIntervals.length}</td><td>${`${c.nodesDownAtEnd}/${c.nodes}`}</td><td>${c.dataAtRisk}</td><td>${count(c.kmsCalls)}</td><td>${count(c.failedKmsCalls)}</td></tr>`)}</tbody></table>`;
}

/**
 * Why the tenants' KMS calls do not add up to the run's: calls that name no cluster in an encryption
 * context (key set-up and changes, key lookups) are counted in the totals only.
 */
function callsBesideTenants(record: RunRecord): Html {
  if (!summedUp(record.execution)) return html``;
  const byTenants = record.clusters.reduce((n, c) => n + c.kmsCalls, 0);
  const other = record.totals.kmsCalls - byTenants;
  if (other <= 0) return html``;
  return html`<p class="muted" id="tenant-calls-note">${`A tenant's KMS calls are those its nodes made. The other ${count(other)} of the run's ${count(record.totals.kmsCalls)} KMS calls name no tenant's cluster: setting up and changing keys, key policies, grants and aliases (the timeline's steps among them), and key lookups (DescribeKey), which carry no encryption context.`}</p>`;
}

interface RecordIndex {
  nodes: Map<string, HierarchyNode[]>;
  risks: Map<string, RunRecord['dataAtRisk']>;
  keyOf: Map<string, RunRecord['topology']['keys'][number]>;
  snapshotsLost: Map<string, number>;
}

function indexRecord(record: RunRecord): RecordIndex {
  const group = <T>(items: readonly T[], by: (t: T) => string): Map<string, T[]> => {
    const map = new Map<string, T[]>();
    for (const item of items) map.set(by(item), [...(map.get(by(item)) ?? []), item]);
    return map;
  };
  const keys = new Map(record.topology.keys.map((k) => [k.id, k]));
  const keyOf = new Map(record.topology.clusters.flatMap((c) => (keys.has(c.key) ? [[c.id, keys.get(c.key) as RunRecord['topology']['keys'][number]] as const] : [])));
  const snapshotsLost = new Map<string, number>();
  for (const s of record.hierarchy.snapshots) if (!s.restorable) snapshotsLost.set(s.cluster, (snapshotsLost.get(s.cluster) ?? 0) + 1);
  return { nodes: group(record.hierarchy.nodes, (n) => n.cluster), risks: group(record.dataAtRisk, (r) => r.cluster), keyOf, snapshotsLost };
}

function tenantDetail(record: RunRecord, c: ClusterSummary, index: RecordIndex, timeline: TimelineDigest): Html {
  const key = index.keyOf.get(c.cluster);
  const nodes = index.nodes.get(c.cluster) ?? [];
  const risks = index.risks.get(c.cluster) ?? [];
  const lost = index.snapshotsLost.get(c.cluster) ?? 0;
  const entries = timeline.byCluster.get(c.cluster);
  const spells = c.downIntervals.slice(0, LIMITS.downIntervals);
  return html`<article class="tenant" id="tenant-${idFragment(c.cluster)}" data-cluster="${c.cluster}">
<h4>${c.cluster} <span class="muted">${`tenant ${c.tenant}`}</span> ${c.minutesUnavailable > 0 ? html`<span class="pill bad">${`down ${count(c.minutesUnavailable)} min`}</span>` : html``} ${c.dataAtRisk > 0 ? html`<span class="pill bad">${`${c.dataAtRisk} at risk`}</span>` : html``} ${c.nodesDownAtEnd > 0 ? html`<span class="pill warn">${`${c.nodesDownAtEnd}/${c.nodes} nodes down at the end`}</span>` : html``}</h4>
<dl class="facts">
<dt>Availability</dt><dd>${`${availabilityText(c.availabilityPercent, 3)} of the run · ${count(c.minutesUnavailable)} minutes not serving · ${count(c.kmsCalls)} KMS calls, ${count(c.failedKmsCalls)} failed`}${lost > 0 ? ` · ${lost} snapshot${lost === 1 ? '' : 's'} not restorable` : ''}</dd>
<dt>Not serving</dt><dd>${c.downIntervals.length === 0 ? 'never' : html`${spells.map((d, i) => html`${i > 0 ? '; ' : ''}<span class="nowrap">${`${offset(d[0])}–${offset(d[1])}`}</span> <span class="muted clock">${`(${clockTime(record.startTime, d[0])} to ${clockTime(record.startTime, d[1])})`}</span>`)}${c.downIntervals.length > spells.length ? ` and ${c.downIntervals.length - spells.length} more` : ''}`}</dd>
${key ? html`<dt>CMK</dt><dd><code>${key.id}</code> ${key.multiRegion ? 'multi-Region' : 'single-Region'} · <code>${key.arn}</code>${key.replicas.map((r) => html`<br><span class="muted">${`replica in ${r.region}:`}</span> <code>${r.arn}</code>`)}</dd>` : html``}
</dl>
${nodes.length === 0 ? html`` : html`<table class="tenant-nodes"><thead><tr><th>Node at the end</th><th>Status</th><th>KMS region</th><th class="num">Master key</th><th>Wrapped under</th></tr></thead><tbody>${nodes.map((n) => html`<tr><td class="nowrap">${n.node}</td><td><span class="pill ${statusTone(n.status)}">${n.status}</span></td><td>${n.kmsRegion}</td><td class="num">${`v${n.masterKeyVersion}`}</td><td><code>${n.cmkArn}</code></td></tr>`)}</tbody></table>`}
${risks.length === 0 ? html`` : html`<p class="at-risk-title"><strong>Data at risk</strong></p><ul class="tenant-risks">${risks.slice(0, LIMITS.dataAtRiskPerTenant).map((r) => html`<li>${r.what}: <span class="muted">${r.reason}</span></li>`)}${risks.length > LIMITS.dataAtRiskPerTenant ? html`<li class="muted">${`and ${risks.length - LIMITS.dataAtRiskPerTenant} more (data at risk below; the CSV lists all)`}</li>` : html``}</ul>`}
${entries ? tenantTimeline(record, entries) : html``}
</article>`;
}

function tenantTimeline(record: RunRecord, { entries, more, routine }: TenantEntries): Html {
  const cut = entries.length > 0 && more > 0 ? Math.min(LIMITS.tenantEntriesFirst, entries.length) : -1;
  const counted = routine.length === 0 ? html`` : html`<p class="muted routine">${`Routine events, counted: ${routine.map(([name, n]) => `${name} ×${count(n)}`).join(', ')}.`}</p>`;
  if (entries.length === 0) return counted;
  return html`${counted}<table class="tenant-timeline"><thead><tr><th class="num">#</th><th>At</th><th>What happened</th><th>By</th><th>Outcome</th></tr></thead><tbody>${entries.map((e, i) => html`${i === cut ? html`<tr class="gap"><td></td><td colspan="4" class="muted">${`… ${count(more)} more entries concerning this tenant (timeline in the CSV and JSON reports) …`}</td></tr>` : html``}<tr><td class="num">${e.seq + 1}</td><td class="nowrap">${offset(e.at)}<br><span class="muted clock">${clockTime(record.startTime, e.at)}</span></td><td><strong>${e.name}</strong> ${clip(e.detail, 240)}</td><td>${principalCell(e.principal, record.execution)}</td><td><span class="pill ${OUTCOME_TONE[e.outcome]}">${e.outcome}</span></td></tr>`)}</tbody></table>`;
}
