import { existsSync } from 'node:fs';
import { count } from '../../src-shared/count';
import { formatDuration } from '../../src-shared/duration';
import { callsAndRecords, summedUp } from '../../src-shared/record-counts';
import { stopReasonText } from '../../src-shared/stop-reason';
import { storedEvidence } from '../report/stored-evidence';
import { AppServices } from '../app/app-services';
import { eventsDbPath } from './audit-options';
import { backendText } from '../../src-shared/backend-text';
import { describeFailedStep, describeTenants, runOutcome, summariseRun } from './drill-summary';
import { defineCommand } from './command-spec';
import { keydrillHome } from './keydrill-home';
import { EXIT_OK, runLookupError, UsageError } from './usage-error';

/** `keydrill runs list | show`: the saved runs of the data folder, as the UI's run picker shows them. */

function withServices<T>(use: (services: AppServices) => T): T {
  const services = new AppServices({ home: keydrillHome() });
  try {
    return use(services);
  } finally {
    void services.close();
  }
}

function withRuns<T>(use: (runs: AppServices['runs']) => T): T {
  return withServices((services) => use(services.runs));
}

export const runsListCommand = defineCommand({
  path: ['runs', 'list'],
  summary: 'the saved runs, newest first',
  description: 'Lists the runs saved in the data folder ($KEYDRILL_HOME or ~/.keydrill) by keydrill drill run, the desktop window and keydrill ui.',
  options: {
    json: { type: 'boolean', description: 'print the run summaries as a JSON array, each with its status as runs show --json gives it (the outcome: passed, failed, cancelled, interrupted or running)' },
    quiet: { type: 'boolean', short: 'q', description: 'print only the run ids, one a line (for scripts and completion)' },
  },
  examples: [
    { command: 'keydrill runs list', note: 'id, scenario, backend, outcome and when' },
    { command: 'keydrill runs list -q | head -1', note: 'the newest run\'s id' },
  ],
  async run({ values, output }) {
    const runs = withRuns((r) => r.list());
    // The outcome, as runs show and drill run name it (passed, failed, cancelled, interrupted, running).
    const outcome = (r: (typeof runs)[number]) => runOutcome(r.status, r.passed);
    if (values.json) output.json(runs.map((r) => ({ ...r, status: outcome(r) })));
    else if (values.quiet) for (const r of runs) console.log(r.runId);
    else if (runs.length === 0) console.log(`no saved runs in ${keydrillHome()} (keydrill drill run saves one)`);
    else {
      // A run that did not play to its end was not judged: no verdicts, rather than 0 of 0 passed.
      const verdicts = (r: (typeof runs)[number]) => (r.status === 'completed' ? `${r.verdictsPassed}/${r.verdicts}` : 'not judged');
      const rows = runs.map((r) => [r.runId, r.backend, outcome(r), verdicts(r), r.dataAtRisk ? `${r.dataAtRisk} at risk` : '', r.startedAt.replace(/\.\d+Z$/, 'Z')]);
      const headers = ['run', 'backend', 'outcome', 'verdicts', 'data', 'started'];
      const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
      const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
      console.log([line(headers), ...rows.map(line)].join('\n'));
    }
    return EXIT_OK;
  },
});

export const runsShowCommand = defineCommand({
  path: ['runs', 'show'],
  summary: 'a saved run: scenario, backend, verdicts and totals',
  args: [{ name: 'run-id', complete: 'run', description: 'the id of a saved run (keydrill runs list)' }],
  options: { json: { type: 'boolean', description: 'print the outcome as keydrill drill run --json does' } },
  examples: [{ command: 'keydrill runs show revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e', note: 'what a run found' }],
  async run({ values, positionals, output }) {
    const runId = positionals[0] as string;
    const { record, failedSteps, stored } = withServices((services) => {
      let found;
      try {
        found = { record: services.runs.get(runId), failedSteps: services.runs.failedSteps(runId) };
      } catch (err) {
        throw runLookupError('runs show', err);
      }
      // A run that never summed itself up is counted where its records went (never creating an empty store to do so).
      const stored = existsSync(eventsDbPath(undefined)) ? storedEvidence(services.eventStore(), found.record) : undefined;
      return { ...found, stored };
    });
    const s = summariseRun(record, failedSteps, stored);
    if (values.json) {
      // As drill run --json prints it: ok: true beside the outcome, as a failure's ok: false.
      output.json({ ok: true, ...s });
      return EXIT_OK;
    }
    console.log(`${s.runId}\n  ${s.scenario.title} (${s.scenario.name}), seed ${s.scenario.seed}\n  ${backendText(s.backend.kind, s.backend.endpoint)} · started ${record.startTime} (drill clock) · ${s.status}`);
    const stopped = stopReasonText(s);
    if (stopped) console.log(`  ${stopped}`);
    for (const note of s.backend.simulatedOnClient) console.log(`  note: timeline[${note.step}] ${note.do} was simulated on the client: ${note.note}`);
    for (const f of s.failedSteps) console.log(`  note: ${describeFailedStep(f)}`);
    for (const v of s.verdicts) console.log(`  ${v.passed ? 'PASS' : 'FAIL'}  ${v.summary}`);
    if (summedUp(record.execution)) console.log(`  ${callsAndRecords(s.totals, s.totals.cloudTrailRecords)}; keydrill audit query --run ${s.runId} lists them`);
    else console.log(`  its calls were never summed up (the run did not finish)${s.stored ? `; the event store holds ${count(s.stored.records)} CloudTrail records of it${s.stored.lastRecordAt === undefined ? '' : `, the last at drill time ${formatDuration(s.stored.lastRecordAt)}`}, and ${count(s.stored.observations)} calls that never reached KMS` : ''} (keydrill audit query --run ${s.runId})`);
    const codes = (byCode: Record<string, number>) => Object.entries(byCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, n]) => `${code} ${count(n)}`).join(', ');
    if (Object.keys(s.totals.errorsByCode).length) console.log(`  failed KMS calls by error code: ${codes(s.totals.errorsByCode)}`);
    if (s.totals.clientSideCalls) console.log(`  ${count(s.totals.clientSideCalls)} calls never reached KMS: ${codes(s.totals.clientSideByCode)}`);
    const tenants = describeTenants(s);
    if (tenants) console.log(`  ${tenants}`);
    if (s.dataAtRisk.length) {
      console.log(`  data at risk at the end: ${s.dataAtRisk.length}`);
      // What is at risk, then why: three nodes of one cluster are three lines that say which node.
      for (const r of s.dataAtRisk.slice(0, 10)) console.log(`    ${r.what.startsWith(`${r.cluster}/`) ? r.what : `${r.cluster} ${r.what}`}: ${r.reason}`);
      if (s.dataAtRisk.length > 10) console.log(`    … and ${s.dataAtRisk.length - 10} more (keydrill runs show ${s.runId} --json)`);
    }
    return EXIT_OK;
  },
});

export const runsDeleteCommand = defineCommand({
  path: ['runs', 'delete'],
  summary: 'delete saved runs (their CloudTrail records stay in the event store)',
  description: 'Removes runs from the run store. A run still playing is refused. The CloudTrail records a run made stay in events.sqlite: they are evidence of real KMS calls.',
  args: [{ name: 'run-id', complete: 'run', description: 'the id of a saved run (keydrill runs list); more may follow' }],
  options: { json: { type: 'boolean', description: 'print {deleted: [...]} as JSON' } },
  examples: [{ command: 'keydrill runs delete revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e', note: 'forget one run' }],
  variadic: true,
  async run({ values, positionals, output }) {
    // All or none: a mistyped id among several must not leave the others deleted behind an error.
    const deleted = withRuns((r) => {
      let missing: string[];
      try {
        missing = r.deleteAll(positionals);
      } catch (err) {
        throw new UsageError(`runs delete: ${(err as Error).message}; no run was deleted`);
      }
      if (missing.length > 0) throw new UsageError(`runs delete: there is no run ${missing.join(', ')} in ${keydrillHome()} (keydrill runs list); no run was deleted`);
      return positionals;
    });
    if (values.json) output.json({ deleted });
    else for (const id of deleted) console.log(`deleted run ${id}`);
    return EXIT_OK;
  },
});
