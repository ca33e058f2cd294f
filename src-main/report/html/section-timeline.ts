import type { FullRunRecord } from '../../../src-shared/run-record';
import { faultWindows } from '../fault-windows';
import { INK } from '../svg/palette';
import { timelineStrip } from '../svg/timeline-strip';
import { callsEvidence, evidenceLinks } from './evidence';
import { html, type Html } from './html-template';
import { clockTime, offset } from './format-text';
import { legend } from './legend';

const OUTCOME_TONE = { ok: 'ok', failed: 'bad', simulated: 'warn' } as const;

/** Faults, operator actions and what the simulator observed: a strip over the drill, then every entry. */
export function timelineSection(record: FullRunRecord): Html {
  const { timeline } = record;
  return html`<section id="timeline"><h2>Timeline</h2>
<figure>
${timelineStrip(timeline, faultWindows(record), record.scenario.duration, { id: 'chart-timeline', kind: 'timeline', label: 'Timeline of faults, actions and observed events over the drill' })}
${legend([
    { label: 'fault', colour: INK.fault },
    { label: 'operator action', colour: INK.action },
    { label: 'observed by the simulator', colour: INK.event },
    { label: 'failed (diamond)', colour: INK.bad },
    { label: 'fault in force', colour: INK.faultBand },
  ])}
<figcaption>Numbers match the table below; simulated steps are drawn hollow.</figcaption>
</figure>
${timeline.length === 0 ? html`<p class="muted">The timeline is empty.</p>` : html`<table class="timeline"><thead><tr><th class="num">#</th><th>At</th><th>Kind</th><th>What</th><th>Where</th><th>Outcome</th></tr></thead><tbody>${timeline.map((e, i) => html`<tr id="timeline-${i + 1}" data-kind="${e.kind}"><td class="num">${i + 1}</td><td><span class="nowrap">${offset(e.at)}</span><br><span class="muted clock">${clockTime(record.startTime, e.at)}</span></td><td class="nowrap">${e.kind}${e.step !== undefined ? html`<br><code>${`timeline[${e.step}]`}</code>` : html``}${e.stepId ? html` <span class="muted">${e.stepId}</span>` : html``}</td><td><strong>${e.name}</strong><br>${e.detail}${evidenceLinks(record.execution.runId, callsEvidence(e))}</td><td class="nowrap">${e.cluster ? `${e.cluster}${e.node ? `/${e.node}` : ''}` : ''}</td><td><span class="pill ${OUTCOME_TONE[e.outcome]}">${e.outcome}</span></td></tr>`)}</tbody></table>`}
</section>`;
}
