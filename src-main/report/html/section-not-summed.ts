import type { RunRecord } from '../../../src-shared/run-record';
import type { StoredEvidence } from '../run-source';
import { html, type Html } from './html-template';
import { count, offset } from './format-text';

/**
 * In place of a section of figures a run never summed up (its process died, its drill failed): the
 * head holds only the zeros it started with, and charts or tables of those would say "no KMS call
 * failed" of a run that made thousands. What the run did record is in the event store: its counts
 * from there when the report was given them, and the command that lists the records either way.
 */
export function notSummedSection(id: string, title: string, what: string, record: RunRecord, stored: StoredEvidence | undefined): Html {
  const runId = record.execution.runId;
  const held = stored
    ? `The event store holds ${count(stored.records)} CloudTrail record${stored.records === 1 ? '' : 's'} of it${stored.lastRecordAt === undefined ? '' : `, the last at ${offset(stored.lastRecordAt)}`}, and ${count(stored.observations)} call${stored.observations === 1 ? '' : 's'} that never reached KMS`
    : 'What it recorded is in the event store';
  return html`<section id="${id}"><h2>${title}</h2>
<p class="not-summed">${`This run did not finish, so its ${what} were never summed up; none are shown rather than zeros. ${held}: `}<code>${`keydrill audit query --run ${runId}`}</code>${' lists them.'}</p>
</section>`;
}
