import type { RunRecord } from '../../../src-shared/run-record';
import { evidenceIndex } from './evidence';
import { html, type Html } from './html-template';
import { count, offset, usd } from './format-text';
import { LIMITS } from './report-limits';
import type { TimelineDigest } from './timeline-digest';
import { ratioPercent } from '../../../src-shared/ratio-percent';

/**
 * What cannot be read at the end of the drill, and why. A fleet can lose thousands of items: then
 * the tenants come first (how many items each, and the first reason), then the first items one by
 * one, and the CSV holds them all.
 */
export function dataAtRiskSection(record: RunRecord): Html {
  const risks = record.dataAtRisk;
  if (risks.length === 0) {
    return html`<section id="data-at-risk"><h2>Data at risk</h2>
${record.execution.status === 'completed'
    ? html`<p><span class="pill ok">none</span> Every database and snapshot was readable at the end of the drill.</p>`
    // Not the green "none" of a finished run: nothing was found because nothing was looked at.
    : html`<p><span class="pill unknown">not checked</span> None recorded: the run did not finish, so what was readable at its end was never checked.</p>`}
</section>`;
  }
  const byCluster = new Map<string, { items: number; first: (typeof risks)[number] }>();
  for (const r of risks) {
    const entry = byCluster.get(r.cluster);
    if (entry) entry.items++;
    else byCluster.set(r.cluster, { items: 1, first: r });
  }
  const listed = risks.slice(0, LIMITS.dataAtRiskItems);
  const grouped = byCluster.size > 1 && risks.length > LIMITS.dataAtRiskPerTenant;
  const tenants = [...byCluster].sort((a, b) => b[1].items - a[1].items || (a[0] < b[0] ? -1 : 1)).slice(0, LIMITS.tenantRows);
  return html`<section id="data-at-risk"><h2>Data at risk</h2>
<p><span class="pill bad">${`${count(risks.length)} at risk`}</span> ${`Unreadable at the end of the drill, in ${count(byCluster.size)} tenant${byCluster.size === 1 ? '' : 's'}${record.passed ? ' — although every expectation was met' : ''}:`}</p>
${grouped ? html`<table class="data-at-risk-by-tenant"><thead><tr><th>Cluster</th><th class="num">Items</th><th>For example</th></tr></thead><tbody>${tenants.map(([cluster, t]) => html`<tr><td class="nowrap">${cluster}</td><td class="num">${count(t.items)}</td><td>${t.first.what}: <span class="muted">${t.first.reason}</span></td></tr>`)}</tbody></table>` : html``}
${listed.length < risks.length ? html`<p>${`The first ${count(listed.length)} of ${count(risks.length)} items; the CSV report (section data-at-risk) and the JSON report (dataAtRisk) list every one.`}</p>` : html``}
<table class="data-at-risk"><thead><tr><th>What</th><th>Cluster</th><th>Why</th></tr></thead><tbody>${listed.map((r) => html`<tr><td>${r.what}</td><td>${r.cluster}</td><td>${r.reason}</td></tr>`)}</tbody></table>
</section>`;
}

function card(value: string, label: string): Html {
  return html`<div class="card"><div class="value">${value}</div><div class="label">${label}</div></div>`;
}

/** Totals over the whole run: KMS calls and their estimated cost, cache use and canary records. */
export function totalsSection(record: RunRecord): Html {
  const t = record.totals;
  const regions = Object.entries(t.kmsCallsByRegion).sort((a, b) => a[0].localeCompare(b[0]));
  const errors = Object.values(t.errorsByCode).reduce((a, b) => a + b, 0);
  return html`<section id="totals"><h2>Totals</h2>
<div class="cards">
${card(count(t.kmsCalls), 'KMS calls')}
${card(count(errors), 'failed KMS calls')}
${card(usd(t.kmsCostPerMonthUsd), 'estimated KMS request cost per 30-day month at $0.03 per 10,000 requests')}
${card(ratioPercent(t.cacheHitRatio, 3), 'key cache hit ratio')}
${card(count(t.bulkOperations), 'counted workload operations')}
${card(`${count(t.canaries.read)} / ${count(t.canaries.written)}`, 'canary reads / canary records written (each sweep writes one a database and reads back the first and the newest)')}
${card(count(t.canaries.lost), 'canary records lost')}
</div>
<table class="totals"><thead><tr><th>Measure</th><th class="num">Value</th></tr></thead><tbody>
${regions.map(([region, n]) => html`<tr><td>${`KMS calls in ${region}`}</td><td class="num">${count(n)}</td></tr>`)}
<tr><td>Cache hits</td><td class="num">${count(t.cacheHits)}</td></tr>
<tr><td>Cache misses</td><td class="num">${count(t.cacheMisses)}</td></tr>
</tbody></table>
${canaryNote(record)}
</section>`;
}

/**
 * When the canary records were written: the drill sweeps a cluster every canaryEvery only while
 * something changes for it (drill-agenda.ts), so a quiet drill writes far fewer than one per interval
 * — said here, or the count reads as a contradiction of the scenario's canaryEvery.
 */
function canaryNote(record: RunRecord): Html {
  const definition = record.scenario.definition as { workload?: { canaryEvery?: unknown }; policy?: { healthCheck?: unknown } };
  const every = definition.workload?.canaryEvery;
  const check = definition.policy?.healthCheck;
  if (typeof every !== 'number' || typeof check !== 'number') return html``;
  return html`<p class="muted" id="canary-note">${`Canary records are written (one per running node and database) and read back every ${offset(every)} while something changes for a cluster — for four health-check intervals (${offset(4 * check)}) after a step or event that concerns it, and while it is not serving — and once a day in steady state; a cluster with no node running writes none until it changes again.`}</p>`;
}

/** The SHA-256 an auditor checks the exported CloudTrail events against, how to check a sealed bundle, and the evidence index. */
export function integritySection(record: RunRecord, timeline: TimelineDigest): Html {
  return html`<section id="integrity"><h2>Event set integrity</h2>
<p>${record.execution.eventSetSha256 === undefined ? 'SHA-256 over the run\'s CloudTrail records (canonical JSON lines, in order):' : `SHA-256 over the run's ${count(record.eventCount)} CloudTrail records (canonical JSON lines, in order):`}</p>
<p class="hash"><code id="event-set-sha256">${record.execution.eventSetSha256 ?? 'not computed: the run did not finish'}</code></p>
<p class="muted" id="event-set-recipe">Recompute it over the exported CloudTrail records of this run — every account's folder and every region's — taken in the run's own order, which is not always the order of the files: record <em>n</em> (from 1) has the eventID made of the first 16 bytes of <code>SHA-256("keydrill-event\\0" + run id + "\\0" + n)</code> with the version and variant bits set as in a UUIDv4 (counting bytes from 0, byte 6 becomes <code>0x40 | (byte 6 &amp; 0x0f)</code> and byte 8 <code>0x80 | (byte 8 &amp; 0x3f)</code>). Write each record as JSON with the keys of every object sorted, no spaces, characters beyond ASCII as UTF-8 (not escaped), and a newline after it; the digest is the SHA-256 of those lines (docs/run-record.md). A different digest means the event set is not the one this report was made from.</p>
<p id="manifest-note">An audit bundle of this run (<code>${`keydrill report ${record.execution.runId} --bundle DIR`}</code>, or <em>Audit bundle</em> on the Reports page) holds this report, the run record (JSON), the CSV, the PDF and the CloudTrail log files, with a <code>SHA256SUMS</code> manifest of every file: <code>sha256sum -c SHA256SUMS</code> in that folder says whether the files handed over are the ones KeyDrill wrote.</p>
<h3 id="evidence-index">Evidence index</h3>
${evidenceIndex(record.execution.runId, record.verdicts, timeline.shown, timeline.evidencePerEntry)}
</section>`;
}

/**
 * The scenario as validated, so the report alone says exactly what was drilled. A fleet's topology
 * lists every tenant and cluster (megabytes of JSON): past LIMITS.definitionChars those two lists are
 * counted instead, and the JSON report (scenario.definition) holds them; the scenario hash names the whole.
 */
export function definitionSection(record: RunRecord): Html {
  const whole = JSON.stringify(record.scenario.definition, null, 2);
  const abridged = whole.length > LIMITS.definitionChars;
  return html`<section id="definition"><h2>Appendix: the scenario as validated</h2>
<p class="muted">${`Durations are in milliseconds; defaults are filled in. Scenario hash ${record.scenario.hash}.`}${abridged ? ' Abridged: the topology\'s tenants and clusters are counted here, and listed in full in the JSON report (scenario.definition).' : ''}</p>
<pre class="definition">${abridged ? JSON.stringify(abridge(record.scenario.definition), null, 2) : whole}</pre>
</section>`;
}

function abridge(definition: Record<string, unknown>): Record<string, unknown> {
  const topology = definition.topology as Record<string, unknown> | undefined;
  if (!topology || typeof topology !== 'object') return definition;
  const counted = (list: unknown, what: string): unknown => (Array.isArray(list) ? `${list.length} ${what} (listed in the JSON report)` : list);
  const rest = { ...definition, topology: { ...topology, tenants: counted(topology.tenants, 'tenants'), clusters: counted(topology.clusters, 'clusters') } };
  const text = JSON.stringify(rest);
  // A scenario whose own timeline or expectations run to megabytes is counted the same way.
  if (text.length <= LIMITS.definitionChars) return rest;
  return { ...rest, timeline: counted(definition.timeline, 'steps'), expectations: counted(definition.expectations, 'expectations') };
}
