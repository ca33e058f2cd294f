import type { RunRecord } from '../../../src-shared/run-record';
import { html, type Html } from './html-template';
import { offset, words, yesNo } from './format-text';

const BACKEND_NAMES: Record<RunRecord['backend']['kind'], string> = {
  embedded: 'the embedded KMS (KeyDrill\'s own AWS KMS-compatible endpoint)',
  localstack: 'LocalStack',
  aws: 'AWS KMS',
};

/** Which KMS the drill ran against, what it enforces, and which steps had to be played on the client. */
export function backendSection(record: RunRecord): Html {
  const { backend } = record;
  const capabilities = Object.entries(backend.capabilities);
  const steps = Array.isArray(record.scenario.definition.timeline) ? record.scenario.definition.timeline : [];
  const atOf = (step: number): string => {
    const at = (steps[step] as Record<string, unknown> | undefined)?.at;
    return typeof at === 'number' ? offset(at) : '';
  };
  return html`<section id="backend"><h2>Backend</h2>
<p>The drill ran against ${BACKEND_NAMES[backend.kind]} at <code>${record.execution.endpoint}</code>, account <code>${record.topology.account}</code>, regions ${record.topology.regions.join(', ')}. Every KMS call went through <code>@aws-sdk/client-kms</code>; each call that reached KMS was recorded as a CloudTrail record, and each call that did not is counted apart as a client-side observation.</p>
${capabilities.length > 0 ? html`<table class="capabilities"><thead><tr><th>Capability</th><th>Enforced</th></tr></thead><tbody>${capabilities.map(([name, on]) => html`<tr><td>${words(name)}</td><td><span class="pill ${on ? 'ok' : 'warn'}">${yesNo(on)}</span></td></tr>`)}</tbody></table>` : html`<p class="muted">No capabilities were recorded for this backend.</p>`}
<h3>Steps simulated on the client</h3>
${backend.simulated.length === 0
    ? html`<p>None: the backend enforced every step of the scenario itself.</p>`
    : html`<p>The backend cannot enforce these steps, so the simulator played them in the KMS client instead. Their outcome shows what AWS KMS would do, not what this backend did.</p>
<table class="simulated"><thead><tr><th>Step</th><th>At</th><th>Kind</th><th>Note</th></tr></thead><tbody>${backend.simulated.map((s) => html`<tr><td class="nowrap"><code>${`timeline[${s.step}]`}</code></td><td class="nowrap">${atOf(s.step)}</td><td><code>${s.do}</code></td><td>${s.note}</td></tr>`)}</tbody></table>`}
${backend.departures?.length
    ? html`<h3>Where the backend departs from AWS KMS</h3>
<p>The run depended on these capabilities the backend lacks; the note says what the drill did instead.</p>
<table class="simulated departures"><thead><tr><th>At</th><th>Event</th><th>Capability</th><th>Note</th></tr></thead><tbody>${backend.departures.map((d) => html`<tr><td class="nowrap">${offset(d.at)}</td><td><code>${d.name}</code>${d.key ? html` <code>${d.key}</code>` : html``}</td><td>${words(d.capability)}</td><td>${d.note}</td></tr>`)}</tbody></table>`
    : html``}
</section>`;
}
