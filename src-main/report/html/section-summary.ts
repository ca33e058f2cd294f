import type { RunRecord } from '../../../src-shared/run-record';
import { recordsBesideCalls, summedUp } from '../../../src-shared/record-counts';
import { summariseTenants } from '../../../src-shared/tenant-ranking';
import type { StoredEvidence } from '../run-source';
import type { FleetView } from './fleet-view';
import { html, type Html } from './html-template';
import { clockTime, count, offset } from './format-text';
import type { TimelineDigest } from './timeline-digest';

export type HeadlineTone = 'pass' | 'warn' | 'fail' | 'stopped';

/** The first thing an auditor reads: passed or failed, and data at risk beside it — never green beside lost data. */
export interface Headline {
  tone: HeadlineTone;
  title: string;
  text: string;
}

/** How far a run got: its own word, its last timeline entry, and (for a run that never summed itself up) its last stored CloudTrail record. */
export function reachedAt(record: RunRecord, timeline: Pick<TimelineDigest, 'lastAt'>, stored?: StoredEvidence): number {
  return Math.max(record.execution.reachedAt, timeline.lastAt, stored?.lastRecordAt ?? 0);
}

export function headline(record: RunRecord, timeline: Pick<TimelineDigest, 'lastAt'>, stored?: StoredEvidence): Headline {
  const { execution, scenario } = record;
  const risks = record.dataAtRisk.length;
  // Tenants counted as the tenants section, the CLI and the Drills page count them (tenant-ranking.ts).
  const tenantsAtRisk = summariseTenants(record.clusters, 0, execution.status === 'completed').withDataAtRisk ?? 0;
  const atRisk = `${count(risks)} item${risks === 1 ? '' : 's'} of data at risk${tenantsAtRisk > 1 ? ` in ${count(tenantsAtRisk)} tenants` : ''}`;
  const reached = reachedAt(record, timeline, stored);
  const stopped = (how: string): Headline => ({
    tone: 'stopped',
    title: how === 'started' ? 'Not finished' : how === 'cancelled' ? 'Cancelled' : 'Interrupted',
    text: `${execution.reason ?? (how === 'started' ? 'this run has not finished (it may still be playing)' : how === 'cancelled' ? 'stopped before its end' : 'its process ended before the drill did')}. It reached ${offset(reached)} of ${offset(scenario.duration)}; nothing was judged, so it has neither passed nor failed. What it recorded is below.`,
  });
  if (execution.status !== 'completed') return stopped(execution.status);
  const total = record.verdicts.length;
  const failed = record.verdicts.filter((v) => !v.passed).length;
  if (!record.passed) {
    const what = failed > 0 ? `${failed} of ${total} expectation${total === 1 ? '' : 's'} not met` : 'the drill did not complete as expected';
    return { tone: 'fail', title: 'Failed', text: `${what} · ${risks > 0 ? atRisk : 'no data at risk'}` };
  }
  const met = total === 0 ? 'the drill declared no expectations' : `all ${total} expectation${total === 1 ? '' : 's'} met`;
  if (risks > 0) return { tone: 'warn', title: 'Expectations met, but data at risk', text: `${met}, but ${atRisk}: unreadable at the end of the drill` };
  return { tone: 'pass', title: 'Passed', text: `${met} · no data at risk` };
}

/** Title, overall verdict with data at risk, the figures that matter, and the facts an auditor signs off on: when, where, with what, by whom. */
export function summarySection(record: RunRecord, fleet: FleetView, timeline: TimelineDigest, stored?: StoredEvidence): Html {
  const { scenario, execution } = record;
  const h = headline(record, timeline, stored);
  const end = clockTime(record.startTime, scenario.duration);
  const clusters = Math.max(record.clusters.length, record.topology.clusters.length);
  const failedCalls = Object.values(record.totals.errorsByCode).reduce((a, b) => a + b, 0);
  const beside = recordsBesideCalls(record.totals, record.eventCount);
  const trails = Object.entries(record.totals.recordsByAccount).sort((a, b) => a[0].localeCompare(b[0]));
  const judged = execution.status === 'completed';
  // A cancelled run summed up what it played; an interrupted one never did.
  const summed = record.clusters.length > 0;
  return html`<header id="summary">
<p class="eyebrow">KeyDrill drill report</p>
<h1>${scenario.title}</h1>
<div class="banner ${h.tone}" id="overall-verdict" data-passed="${String(judged && record.passed)}" data-status="${execution.status}" data-tone="${h.tone}" data-data-at-risk="${record.dataAtRisk.length}"><strong>${h.title}</strong><span>${h.text}</span></div>
<div class="cards headline-figures">
${card(summed ? `${count(fleet.tenantsDown)} of ${count(clusters)}` : '—', 'tenants (clusters) not serving at some moment', 'tenants-down')}
${card(summed ? count(Math.round(fleet.minutesUnavailable)) : '—', 'minutes unavailable, summed over tenants', 'minutes-unavailable')}
${judged || record.dataAtRisk.length > 0 ? card(count(record.dataAtRisk.length), `items of data at risk${fleet.tenantsAtRisk ? ` in ${count(fleet.tenantsAtRisk)} tenant${fleet.tenantsAtRisk === 1 ? '' : 's'}` : ''}`, 'data-at-risk-count') : card('—', 'items of data at risk: never checked, the run did not finish', 'data-at-risk-count')}
${callCards(record, stored, beside, failedCalls)}
</div>
${scenario.description ? html`<p class="description">${scenario.description}</p>` : html``}
<dl class="facts" id="audit-facts">
<dt>Run</dt><dd><code>${execution.runId}</code> <span class="muted">${`label ${execution.label}`}</span></dd>
<dt>Status</dt><dd><span class="pill ${judged ? 'ok' : 'bad'}">${execution.status}</span>${execution.reason ? html` ${execution.reason}` : html``}</dd>
<dt>Executed (wall clock)</dt><dd>${wallClock(execution.startedAt, execution.endedAt)}</dd>
<dt>Drill time</dt><dd>${end ? `${clockTime(record.startTime, 0)} → ${end} (${offset(scenario.duration)})` : `${record.startTime}, ${offset(scenario.duration)}`}${judged ? '' : `; reached ${offset(reachedAt(record, timeline, stored))}`}</dd>
<dt>Scenario</dt><dd><code>${scenario.name}</code> · hash <code>${scenario.hash}</code> · seed ${scenario.seed}</dd>
${scenario.source ? html`<dt>Source</dt><dd>${scenario.source}</dd>` : html``}
<dt>Backend</dt><dd>${record.backend.kind} · endpoint <code>${execution.endpoint}</code></dd>
<dt>Account</dt><dd><code>${record.topology.account}</code> · regions ${record.topology.regions.join(', ')}</dd>
${trails.length > 1 ? html`<dt>CloudTrail records by trail</dt><dd id="records-by-account">${trails.map(([account, n]) => `${account}: ${count(n)}`).join(' · ')} <span class="muted">(the account whose trail holds each record; a call on another account's key is in both)</span></dd>` : html``}
<dt>Key administrator</dt><dd><code>${execution.principals.administrator}</code> <span class="muted">(faults and actions on keys)</span></dd>
<dt>Service role</dt><dd><code>${execution.principals.service}</code> <span class="muted">(the nodes' KMS calls; a node on a declared network path calls as its own session of this role, named after its cluster and node)</span></dd>
<dt>Made with</dt><dd>${`KeyDrill ${execution.keydrillVersion} · Node.js ${execution.nodeVersion} · ${execution.platform}`}</dd>
<dt>Event set SHA-256</dt><dd><a href="#integrity"><code class="hex">${execution.eventSetSha256 ?? 'not computed: the run did not finish'}</code></a></dd>
</dl>
</header>`;
}

function card(value: string, label: string, id: string): Html {
  return html`<div class="card" id="figure-${id}"><div class="value">${value}</div><div class="label">${label}</div></div>`;
}

/** "2026-03-02 09:00:05Z → 09:01:12Z (1m7s)": start and end of the execution in UTC, and how long it took. */
function wallClock(startedAt: string, endedAt: string | undefined): string {
  const start = Date.parse(startedAt);
  const startText = Number.isNaN(start) ? startedAt : clockTime(startedAt, 0);
  if (!endedAt) return `${startText} → not ended`;
  const end = Date.parse(endedAt);
  if (Number.isNaN(start) || Number.isNaN(end)) return `${startText} → ${endedAt}`;
  const took = Math.max(0, end - start);
  return `${startText} → ${clockTime(endedAt, 0)} (${took < 1000 ? `${took} ms` : offset(Math.round(took / 1000) * 1000)})`;
}

/**
 * The KMS-call cards. A run that never summed itself up has only the zeros it started with: it shows
 * what the event store holds of it when the report was given that, else a dash, never the zeros.
 */
function callCards(record: RunRecord, stored: StoredEvidence | undefined, beside: string | undefined, failedCalls: number): Html {
  if (summedUp(record.execution)) {
    return html`${card(count(record.totals.kmsCalls), `KMS calls (CloudTrail records${beside ? `; besides them, ${beside}` : ''}), ${count(failedCalls)} failed`, 'kms-calls')}
${card(count(record.totals.clientSideCalls), 'calls that never reached KMS', 'client-side-calls')}`;
  }
  if (!stored) {
    return html`${card('—', 'KMS calls: never summed, the run did not finish (keydrill audit query --run lists its CloudTrail records)', 'kms-calls')}
${card('—', 'calls that never reached KMS: never summed', 'client-side-calls')}`;
  }
  return html`${card(count(stored.records), 'CloudTrail records of this run in the event store (the run did not finish, so it never summed up its calls)', 'kms-calls')}
${card(count(stored.observations), 'calls that never reached KMS, in the event store', 'client-side-calls')}`;
}
