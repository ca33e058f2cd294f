import type { Evidence, TimelineEntry, Verdict } from '../../../src-shared/run-record';
import { eventIdOf, observationIdOf } from '../../drill/run-trail';
import { html, idFragment, type Html } from './html-template';
import { count, offset } from './format-text';

/** Inline evidence lists stop here; the evidence index at the end lists every ID with what cites it. */
const INLINE_LIMIT = 20;

/** The fragment an auditor can link to: `report.html#ev-<eventID>`. */
export function evidenceAnchor(eventId: string): string {
  return `ev-${idFragment(eventId)}`;
}

/** The records a timeline entry caused, as evidence (the first `limit` of a long stretch are cited by id). */
export function callsEvidence(e: TimelineEntry, limit = INLINE_LIMIT): Evidence & { more: number } {
  const cite = (r: { from: number; count: number } | undefined) => Array.from({ length: Math.min(r?.count ?? 0, limit) }, (_, i) => (r?.from ?? 0) + i);
  const more = Math.max(0, e.calls.count - limit) + Math.max(0, (e.observations?.count ?? 0) - limit);
  return { records: cite(e.calls), ...(e.observations ? { observations: cite(e.observations) } : {}), more };
}

/** CloudTrail event IDs (and client-side observation ids) as code elements, each linking to its row in the evidence index. */
export function evidenceLinks(runId: string, evidence: Evidence & { more?: number }): Html {
  const ids = evidence.records.map((n) => eventIdOf(runId, n));
  const observed = (evidence.observations ?? []).map((n) => observationIdOf(runId, n));
  if (ids.length === 0 && observed.length === 0) return html``;
  const shown = ids.slice(0, INLINE_LIMIT);
  const more = ids.length - shown.length + (evidence.more ?? 0);
  return html`<div class="evidence">${shown.length ? html`<span class="muted">CloudTrail evidence: </span>${shown.map((id) => html`<a href="#${evidenceAnchor(id)}"><code>${id}</code></a> `)}` : html``}${observed.length ? html`<span class="muted">calls that never reached KMS (client-side, not CloudTrail): </span>${observed.slice(0, INLINE_LIMIT).map((id) => html`<code>${id}</code> `)}` : html``}${more > 0 ? html`<span class="muted">${`and ${more} more`}</span>` : html``}${evidence.supporting ? html` <span class="muted">${supportingText(evidence)}</span>` : html``}</div>`;
}

/** "(the first 3 of the 15 records that support it)": the cited are a sample of more. */
export function supportingText(evidence: Evidence): string {
  const of = evidence.supporting;
  if (!of) return '';
  const parts = [
    of.records > evidence.records.length ? `the first ${evidence.records.length} of the ${count(of.records)} CloudTrail records` : '',
    (of.observations ?? 0) > (evidence.observations?.length ?? 0) ? `the first ${evidence.observations?.length ?? 0} of the ${count(of.observations ?? 0)} calls that never reached KMS` : '',
  ].filter(Boolean);
  return parts.length ? `(cited: ${parts.join(' and ')} that support it)` : '';
}

interface Citation {
  id: string;
  /** Anchors (`verdict-2`, `timeline-15`) and how each reads. */
  citedBy: { anchor: string; label: string }[];
}

/** Every event ID the report cites, once, in first-cited order, with the verdicts and timeline entries (those listed) citing it. */
export function citations(runId: string, verdicts: readonly Verdict[], timeline: readonly TimelineEntry[], perEntry = INLINE_LIMIT): Citation[] {
  const byId = new Map<string, Citation>();
  const cite = (id: string, anchor: string, label: string): void => {
    const entry = byId.get(id) ?? { id, citedBy: [] };
    if (!entry.citedBy.some((c) => c.anchor === anchor)) entry.citedBy.push({ anchor, label });
    byId.set(id, entry);
  };
  verdicts.forEach((v, i) => v.evidence.records.slice(0, INLINE_LIMIT).forEach((n) => cite(eventIdOf(runId, n), `verdict-${i + 1}`, `verdict ${i + 1}`)));
  timeline.forEach((t) => callsEvidence(t, perEntry).records.forEach((n) => cite(eventIdOf(runId, n), `timeline-${t.seq + 1}`, `timeline #${t.seq + 1} (${t.name} at ${offset(t.at)})`)));
  return [...byId.values()];
}

export function evidenceIndex(runId: string, verdicts: readonly Verdict[], timeline: readonly TimelineEntry[], perEntry = INLINE_LIMIT): Html {
  const list = citations(runId, verdicts, timeline, perEntry);
  if (list.length === 0) return html`<p class="muted">No verdict or timeline entry cites a CloudTrail event.</p>`;
  return html`<p>Every CloudTrail event ID cited above, once. Look each up in the exported CloudTrail logs or with <code>LookupEvents</code> (attribute <code>EventId</code>).</p>
<table class="evidence-index"><thead><tr><th>CloudTrail event ID</th><th>Cited by</th></tr></thead><tbody>${list.map((c) => html`<tr><td class="nowrap"><code id="${evidenceAnchor(c.id)}">${c.id}</code></td><td>${c.citedBy.map((by, k) => html`${k > 0 ? '; ' : ''}<a href="#${by.anchor}">${by.label}</a>`)}</td></tr>`)}</tbody></table>`;
}
