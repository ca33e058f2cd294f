import type { FullRunRecord, RunRecord } from '../../../src-shared/run-record';
import { evidenceIndex } from './evidence';
import { html, type Html } from './html-template';
import { count, percent, usd } from './format-text';

/** What cannot be read at the end of the drill, and why. */
export function dataAtRiskSection(record: RunRecord): Html {
  const risks = record.dataAtRisk;
  return html`<section id="data-at-risk"><h2>Data at risk</h2>
${risks.length === 0
    ? html`<p><span class="pill ok">none</span> Every database and snapshot was readable at the end of the drill.</p>`
    : html`<p><span class="pill bad">${`${risks.length} at risk`}</span> Unreadable at the end of the drill:</p>
<table class="data-at-risk"><thead><tr><th>What</th><th>Cluster</th><th>Why</th></tr></thead><tbody>${risks.map((r) => html`<tr><td>${r.what}</td><td>${r.cluster}</td><td>${r.reason}</td></tr>`)}</tbody></table>`}
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
${card(percent(t.cacheHitRatio * 100, 3), 'key cache hit ratio')}
${card(count(t.bulkOperations), 'counted workload operations')}
${card(`${count(t.canaries.read)} / ${count(t.canaries.written)}`, 'canary records read back / written')}
${card(count(t.canaries.lost), 'canary records lost')}
</div>
<table class="totals"><thead><tr><th>Measure</th><th class="num">Value</th></tr></thead><tbody>
${regions.map(([region, n]) => html`<tr><td>${`KMS calls in ${region}`}</td><td class="num">${count(n)}</td></tr>`)}
<tr><td>Cache hits</td><td class="num">${count(t.cacheHits)}</td></tr>
<tr><td>Cache misses</td><td class="num">${count(t.cacheMisses)}</td></tr>
</tbody></table>
</section>`;
}

/** The SHA-256 an auditor checks the exported CloudTrail events against, and the evidence index. */
export function integritySection(record: FullRunRecord): Html {
  return html`<section id="integrity"><h2>Event set integrity</h2>
<p>${`SHA-256 over the run's ${count(record.eventCount)} CloudTrail events (canonical JSON, in order):`}</p>
<p class="hash"><code id="event-set-sha256">${record.execution.eventSetSha256 ?? 'not computed: the run did not finish'}</code></p>
<p class="muted">Recompute it over the exported CloudTrail records of this run; a different digest means the event set is not the one this report was made from.</p>
<h3 id="evidence-index">Evidence index</h3>
${evidenceIndex(record)}
</section>`;
}

/** The scenario as validated, so the report alone says exactly what was drilled. */
export function definitionSection(record: RunRecord): Html {
  return html`<section id="definition"><h2>Appendix: the scenario as validated</h2>
<p class="muted">Durations are in milliseconds; defaults are filled in.</p>
<pre class="definition">${JSON.stringify(record.scenario.definition, null, 2)}</pre>
</section>`;
}
