import type { RunRecord, Verdict } from '../../../src-shared/run-record';
import { evidenceLinks } from './evidence';
import { html, type Html } from './html-template';
import { describeExpectation } from './format-text';

/**
 * Each expectation, its verdict in one sentence, what was measured beside what was expected, and
 * the CloudTrail records behind it. Failures first. A run that did not finish judged nothing, and
 * says so instead of showing verdicts it never reached.
 */
export function verdictsSection(record: RunRecord): Html {
  const runId = record.execution.runId;
  const ordered = record.verdicts.map((v, i) => ({ v, n: i + 1 })).sort((a, b) => Number(a.v.passed) - Number(b.v.passed) || a.n - b.n);
  const declared = Array.isArray(record.scenario.definition.expectations) ? record.scenario.definition.expectations.length : 0;
  const unjudged = record.execution.status !== 'completed';
  return html`<section id="verdicts"><h2>Verdicts</h2>
${unjudged ? html`<p class="notice stopped" id="not-judged">${`This run was ${record.execution.status === 'started' ? 'not finished' : record.execution.status} when this report was made: none of its ${declared} expectation${declared === 1 ? ' was' : 's were'} judged.`}</p>` : html``}
${ordered.length === 0
    ? (unjudged ? html`` : html`<p class="muted">The scenario declared no expectations, so there is nothing to judge.</p>`)
    : ordered.map(({ v, n }) => verdictCard(runId, v, n))}
</section>`;
}

function verdictCard(runId: string, v: Verdict, n: number): Html {
  const measured = v.measuredText ?? (v.measured === null ? 'nothing was measured' : String(v.measured));
  return html`<article class="verdict ${v.passed ? 'passed' : 'failed'}" id="verdict-${n}" data-passed="${String(v.passed)}">
<div><span class="pill ${v.passed ? 'ok' : 'bad'}">${v.passed ? 'passed' : 'failed'}</span> <span class="muted">${`Verdict ${n}`}</span></div>
<p class="summary">${v.summary}</p>
<dl class="measured"><dt>Measured</dt><dd class="measured-value">${measured}</dd><dt>Expected</dt><dd class="expected-value">${v.expected}</dd></dl>
<div class="expectation">${describeExpectation(v.expectation)}</div>
${evidenceLinks(runId, v.evidence)}
</article>`;
}
