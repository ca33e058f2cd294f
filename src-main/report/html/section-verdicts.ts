import type { RunRecord, Verdict } from '../../../src-shared/run-record';
import { evidenceLinks } from './evidence';
import { html, type Html } from './html-template';
import { describeExpectation } from './format-text';

/** Each expectation, its verdict in one sentence, what was measured, and the CloudTrail events behind it. Failures first. */
export function verdictsSection(record: RunRecord): Html {
  const runId = record.execution.runId;
  const ordered = record.verdicts.map((v, i) => ({ v, n: i + 1 })).sort((a, b) => Number(a.v.passed) - Number(b.v.passed) || a.n - b.n);
  return html`<section id="verdicts"><h2>Verdicts</h2>
${ordered.length === 0 ? html`<p class="muted">The scenario declared no expectations, so there is nothing to judge.</p>` : ordered.map(({ v, n }) => verdictCard(runId, v, n))}
</section>`;
}

function verdictCard(runId: string, v: Verdict, n: number): Html {
  return html`<article class="verdict ${v.passed ? 'passed' : 'failed'}" id="verdict-${n}" data-passed="${String(v.passed)}">
<div><span class="pill ${v.passed ? 'ok' : 'bad'}">${v.passed ? 'passed' : 'failed'}</span> <span class="muted">${`Verdict ${n}`}</span></div>
<p class="summary">${v.summary}</p>
<div class="expectation">${`Expected: ${describeExpectation(v.expectation)}`}${v.measured === null ? html`` : html`${` · measured: ${String(v.measured)}`}`}</div>
${evidenceLinks(runId, v.evidence)}
</article>`;
}
