import { summedUp } from '../../../src-shared/record-counts';
import type { RunRecord } from '../../../src-shared/run-record';
import type { FaultWindow } from '../fault-windows';
import { INK } from '../svg/palette';
import { timelineStrip } from '../svg/timeline-strip';
import { callsEvidence, evidenceLinks } from './evidence';
import { html, type Html } from './html-template';
import { clip, clockTime, count, offset } from './format-text';
import { legend } from './legend';
import { principalCell, principalRole, serviceSession } from './principal';
import { LIMITS } from './report-limits';
import type { TimelineDigest } from './timeline-digest';

const OUTCOME_TONE = { ok: 'ok', failed: 'bad', simulated: 'warn' } as const;

/**
 * Faults, operator actions and what the simulator observed: a strip over the drill, who acted, and
 * the entries. A short timeline is listed whole; a long one (thousands of observed events in a
 * fleet) lists every step, counts observed events by kind and outcome, and lists the first of each
 * kind and the first failures — the CSV and JSON reports hold every entry.
 */
export function timelineSection(record: RunRecord, digest: TimelineDigest, bands: readonly FaultWindow[]): Html {
  const events = digest.total - digest.stepsTotal;
  const stepsCut = digest.stepsTotal > LIMITS.steps;
  return html`<section id="timeline"><h2>Timeline</h2>
<figure>
${timelineStrip(digest.shown, digest.full ? undefined : digest.histogram, bands, record.scenario.duration, { id: 'chart-timeline', kind: 'timeline', label: 'Timeline of faults, actions and observed events over the drill' })}
${legend([
    { label: 'fault', colour: INK.fault },
    { label: 'operator action', colour: INK.action },
    { label: 'observed by the simulator', colour: INK.event },
    { label: 'failed (diamond)', colour: INK.bad },
    { label: 'fault in force', colour: INK.faultBand },
  ])}
<figcaption>${digest.full ? 'Numbers match the # column of the table below; simulated steps are drawn hollow.' : 'Numbers match the # column of the table below; the observed lane shows how many events happened when (grey: ok, red: failed).'}</figcaption>
</figure>
${digest.full ? html`` : html`<p id="timeline-summary">${`The timeline holds ${count(digest.total)} entries: ${count(digest.stepsTotal)} fault and action steps (${stepsCut ? `the first ${count(LIMITS.steps)} listed` : 'all listed'}) and ${count(events)} observed events, counted below by kind and outcome; the first of each kind and the first ${count(LIMITS.failedEvents)} failures are listed. The CSV report (section timeline) and the JSON report hold every entry.`}</p>`}
${principalsTable(record, digest)}
${digest.full ? html`` : groupsTable(record, digest)}
<h3 id="timeline-entries">${digest.full ? 'Every entry' : 'Steps, and the first events of each kind'}</h3>
${digest.shown.length === 0 ? html`<p class="muted">The timeline is empty.</p>` : html`<table class="timeline"><thead><tr><th class="num">#</th><th>At</th><th>Kind</th><th>What</th><th>Where</th><th>By</th><th>Outcome</th></tr></thead><tbody>${digest.shown.map((e) => html`<tr id="timeline-${e.seq + 1}" data-kind="${e.kind}"><td class="num">${e.seq + 1}</td><td><span class="nowrap">${offset(e.at)}</span><br><span class="muted clock">${clockTime(record.startTime, e.at)}</span></td><td class="nowrap">${e.kind}${e.step !== undefined ? html`<br><code>${`timeline[${e.step}]`}</code>` : html``}${e.stepId ? html` <span class="muted">${e.stepId}</span>` : html``}</td><td><strong>${e.name}</strong><br>${clip(e.detail)}${evidenceLinks(record.execution.runId, callsEvidence(e, digest.evidencePerEntry))}</td><td class="nowrap">${e.cluster ? `${e.cluster}${e.node ? `/${e.node}` : ''}` : ''}</td><td>${principalCell(e.principal, record.execution)}</td><td><span class="pill ${OUTCOME_TONE[e.outcome]}">${e.outcome}</span></td></tr>`)}</tbody></table>`}
</section>`;
}

/**
 * Who did what: each principal whose change or KMS calls the timeline records. A fleet whose nodes
 * declare network paths has a session per node: the busiest are listed, the rest summed in one row,
 * so the table stays a table at 1,000 tenants and its columns still add up to the timeline's.
 */
function principalsTable(record: RunRecord, digest: TimelineDigest): Html {
  if (digest.principals.length === 0) return html``;
  const sessions = digest.principals.filter((p) => serviceSession(p.principal, record.execution) !== undefined);
  const folded = new Set(sessions.slice(LIMITS.nodeSessions));
  const sum = (pick: (p: TimelineDigest['principals'][number]) => number) => [...folded].reduce((n, p) => n + pick(p), 0);
  const foldedRow = folded.size === 0 ? html`` : html`<tr class="folded" data-sessions="${folded.size}"><td>${`${count(folded.size)} more sessions of the service role`}</td><td>service role, one session per node</td><td class="num">${count(sum((p) => p.entries))}</td><td class="num">${count(sum((p) => p.steps))}</td><td class="num">${count(sum((p) => p.calls))}</td></tr>`;
  return html`<h3 id="who-acted">Who acted</h3>
<table class="principals"><thead><tr><th>Principal</th><th>Role</th><th class="num">Timeline entries</th><th class="num">Of them steps</th><th class="num">CloudTrail records its entries cite</th></tr></thead><tbody>${digest.principals.filter((p) => !folded.has(p)).map((p) => html`<tr><td><code class="principal">${p.principal}</code></td><td>${principalRole(p.principal, record.execution) ?? ''}</td><td class="num">${count(p.entries)}</td><td class="num">${count(p.steps)}</td><td class="num">${count(p.calls)}</td></tr>`)}${foldedRow}</tbody></table>
${folded.size === 0 ? html`` : html`<p class="muted">${`The ${count(sessions.length - folded.size)} busiest node sessions are listed; the CSV report names who acted on every timeline entry.`}</p>`}
<p class="muted" id="who-acted-note">${`Counted over the timeline's entries, not over each principal's own calls: an entry cites the KMS calls its event brought about, whoever made them (a zone coming back cites the Decrypt calls of the nodes it restarted, made by the service role), and calls no entry is about — provisioning, the workload's routine key refreshes, canaries — are cited by none.${summedUp(record.execution) ? ` Every call of the run is counted in the totals (${count(record.totals.kmsCalls)} KMS calls, ${count(record.eventCount)} CloudTrail records).` : ''}`}</p>`;
}

/** An event of a zone, a region or a key names no tenant: a dash, not a count of none. */
const NO_TENANT = html`<span title="These entries are about a zone, a region or a key, not one tenant">—</span>`;

function groupsTable(record: RunRecord, digest: TimelineDigest): Html {
  return html`<h3 id="observed-events">Observed events by kind</h3>
<table class="event-groups"><thead><tr><th>Event</th><th>Outcome</th><th class="num">Count</th><th class="num">Tenants</th><th>First</th><th>Last</th><th class="num">CloudTrail records</th><th class="num">Never reached KMS</th></tr></thead><tbody>${digest.groups.map((g) => html`<tr data-event="${g.name}" data-outcome="${g.outcome}"><td><strong>${g.name}</strong></td><td><span class="pill ${OUTCOME_TONE[g.outcome]}">${g.outcome}</span></td><td class="num">${count(g.count)}</td><td class="num">${g.clusters === 0 ? NO_TENANT : count(g.clusters)}</td><td class="nowrap"><a href="#timeline-${g.first.seq + 1}">${`#${g.first.seq + 1}`}</a>${` at ${offset(g.first.at)}`}</td><td class="nowrap">${`#${g.last.seq + 1} at ${offset(g.last.at)}`}</td><td class="num">${count(g.calls)}</td><td class="num">${count(g.observations)}</td></tr>`)}</tbody></table>
<p class="muted">${`First and last are entry numbers (#) in the run's timeline; the first of each kind is listed below, with its CloudTrail evidence. Times are offsets from the start of the drill at ${clockTime(record.startTime, 0)}.`}</p>`;
}
