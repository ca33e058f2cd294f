import { resolve } from 'node:path';
import type { DrillSetup } from '../../src-shared/api-types';
import { count, counted } from '../../src-shared/count';
import { callsAndRecords } from '../../src-shared/record-counts';
import { describeSetup } from '../../src-shared/drill-setup';
import { formatDuration } from '../../src-shared/duration';
import type { RunRecord } from '../../src-shared/run-record';
import type { Scenario } from '../../src-shared/scenario';
import { parseSeed, SEED_RANGE } from '../../src-shared/seed-text';
import { describeEstimate, estimateDrill, LARGE_ESTIMATED_EVENTS } from '../../src-shared/drill-estimate';
import { timeLeftText } from '../../src-shared/drill-eta';
import { BatchedIngest } from '../audit/batched-ingest';
import { exportCloudTrailLogs, type ExportReport } from '../audit/cloudtrail-export';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { DrillRefusedError, runDrill } from '../drill/drill-runner';
import { resolveKmsEndpoint } from '../kms/aws-endpoint-config';
import { checkAwsProfile } from '../kms/aws-profile-check';
import { backendUnavailable, KMS_BACKENDS, type KmsBackend } from '../kms/kms-client-factory';
import { ReportError } from '../report/report-error';
import type { RunSource } from '../report/run-source';
import { reportFormatFor, writeReport } from '../report/write-report';
import { DB_OPTION, eventsDbPath } from './audit-options';
import { backendText } from '../../src-shared/backend-text';
import { defineCommand, intOption, type OptionSpecs, type OptionValues } from './command-spec';
import { describePlan, planDrill } from './dry-run';
import { describeFailedStep, describeTenants, summariseRun, type DrillSummary } from './drill-summary';
import { writeJUnit, type JUnitOutcome } from './junit-report';
import { bar, progressReporter } from './progress';
import { runService, scenarioFrom } from './scenario-input';
import { scenarioTargetFor } from '../drill/scenario-target';
import type { JsonOutput } from './json-output';
import { checkFilesApartFromFolder, checkFilesApartFromInputs, checkFilesDistinct, checkOutputFile, checkOutputFolder, othersNote } from './output-paths';
import { CouldNotRunError, EXIT_CANCELLED, EXIT_COULD_NOT_RUN, EXIT_FAILED, EXIT_OK, UsageError } from './usage-error';

/** --seed accepts exactly the whole numbers a scenario's seed accepts, written in decimal (seed-text.ts). */
export function seedOption(value: string): number {
  const seed = parseSeed(value);
  if (seed === undefined) {
    throw new UsageError(`--seed must be a whole number from ${SEED_RANGE.min} to ${SEED_RANGE.max} (the range of a scenario's seed), got '${value}'`, { option: '--seed' });
  }
  return seed;
}

const DRILL_RUN_OPTIONS = {
  backend: { type: 'string', choices: KMS_BACKENDS, description: 'the KMS the drill runs against (default embedded: an in-process KMS on a virtual clock)' },
  endpoint: { type: 'string', value: 'URL', description: 'the KMS endpoint for localstack or aws (default: AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL, the profile\'s endpoint_url, then LocalStack\'s http://localhost:4566 or AWS\'s own)' },
  profile: { type: 'string', value: 'P', description: 'the AWS profile (credentials, region, endpoint_url), as AWS_PROFILE=P' },
  seed: { type: 'string', value: 'N', description: `the random seed, a whole number from ${SEED_RANGE.min} to ${SEED_RANGE.max} as in a scenario file (default: the scenario's seed); same scenario and seed, same result` },
  report: { type: 'string', multiple: true, value: 'FILE', complete: 'file', description: 'write a report: .html, .pdf, .json, .csv, or .xml for the verdicts as JUnit XML (CI test results); its folder must exist' },
  'cloudtrail-out': { type: 'string', value: 'DIR', complete: 'dir', description: 'also write the run\'s CloudTrail log files (S3 layout) under DIR (created if need be)' },
  'dry-run': { type: 'boolean', description: 'list the keys, replicas, aliases and grants the drill would create, and create nothing' },
  live: { type: 'boolean', description: 'play the drill on the wall clock (for LocalStack and AWS, or to watch it)' },
  speed: { type: 'string', value: 'N', description: 'with --live: N times faster than real time (default 1)' },
  ...DB_OPTION,
  json: { type: 'boolean', description: 'print the outcome as one JSON object: ok: true, run id, status, backend and what it simulated on the client, steps that failed when played, verdicts with kind, measured and expected values, tenants (how many were down, for how long, and every tenant the run hurt, worst first); when the drill could not run, ok: false, exitCode and error: {code, message, and option, path, problems when they apply}' },
} as const satisfies OptionSpecs;

/** `keydrill drill run <scenario>`: runs a drill, prints its verdicts, exits 0/1 by them (2 bad input, 3 could not run). */
export const drillRunCommand = defineCommand({
  path: ['drill', 'run'],
  summary: 'run a drill and judge its expectations (exit 1 when one fails)',
  description: 'Provisions the scenario\'s keys in the chosen KMS, builds the envelope hierarchy (master keys per node, database keys, canary records), plays the timeline of faults and operator actions, records every KMS call as a CloudTrail record, judges the expectations and saves the run. On the embedded KMS the drill runs on a virtual clock: a year takes about a second, and the same scenario and seed give the same result. Keys a drill creates in LocalStack or AWS are tagged keydrill:scenario and scheduled for deletion when it ends.',
  args: [{ name: 'scenario', complete: 'scenario', description: 'a scenario file (YAML or JSON) or the name of a built-in scenario (keydrill drill list)' }],
  options: DRILL_RUN_OPTIONS,
  examples: [
    { command: 'keydrill drill run revocation-and-restore --report report.html', note: 'a built-in drill on the embedded KMS, with an HTML report' },
    { command: 'keydrill drill run my-drill.yaml --report verdicts.xml --json > outcome.json', note: 'in CI: JUnit XML for the test results view, JSON for scripts' },
    { command: 'keydrill drill run my-drill.yaml --backend aws --profile prod-keys --dry-run', note: 'what a drill would create in AWS, before it costs anything' },
    { command: 'AWS_ENDPOINT_URL_KMS=http://localhost:4566 keydrill drill run my-drill.yaml --backend localstack --live --speed 10', note: 'against LocalStack, on the wall clock, ten times faster' },
  ],
  run: ({ values, positionals, output }) => drillRun(values, positionals[0] as string, output),
});

type DrillRunValues = OptionValues<typeof DRILL_RUN_OPTIONS>;

interface Outputs {
  reports: string[];
  junit: string[];
}

function outputsFrom(values: DrillRunValues): Outputs {
  const outputs: Outputs = { reports: [], junit: [] };
  for (const file of values.report ?? []) {
    if (/\.xml$/i.test(file)) {
      outputs.junit.push(resolve(file));
      continue;
    }
    try {
      reportFormatFor(file);
    } catch (err) {
      throw new UsageError(`--report ${file}: ${(err as Error).message.replace(/\.$/, '')}, or .xml for JUnit XML.`, { code: 'unknown-format', option: '--report', path: file });
    }
    outputs.reports.push(resolve(file));
  }
  return outputs;
}

async function drillRun(values: DrillRunValues, ref: string, output: JsonOutput): Promise<number> {
  const backend = (values.backend ?? 'embedded') as KmsBackend;
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(values.endpoint)) throw new UsageError(`--endpoint must be a URL like http://localhost:4566, got '${values.endpoint}'`);
  if (backend === 'embedded' && (values.endpoint !== undefined || values.profile !== undefined)) throw new UsageError(`--${values.endpoint !== undefined ? 'endpoint' : 'profile'} goes with --backend localstack or aws (the embedded KMS runs in this process)`);
  const seed = values.seed === undefined ? undefined : seedOption(values.seed);
  if (values.speed !== undefined && !values.live) throw new UsageError('--speed goes with --live');
  const live = values.live ? { speed: intOption('speed', values.speed, 1, 1, 1_000_000) } : undefined;
  const outputs = outputsFrom(values);
  const { scenario, file: scenarioFile } = scenarioFrom(ref, 'drill run', scenarioTargetFor(backend));
  // Before a key is provisioned (real ones in LocalStack or AWS): an output it could not write at the end is bad input now.
  const cloudTrailOut = values['cloudtrail-out'];
  checkFilesDistinct((values.report ?? []).map((path) => ({ option: '--report', path })));
  checkFilesApartFromInputs((values.report ?? []).map((path) => ({ option: '--report', path })), [{ what: 'the scenario file this drill runs', path: scenarioFile }, { what: 'the event store this drill records into', path: eventsDbPath(values.db) }]);
  checkFilesApartFromFolder((values.report ?? []).map((path) => ({ option: '--report', path })), cloudTrailOut === undefined ? undefined : { option: '--cloudtrail-out', path: cloudTrailOut, owned: false });
  for (const file of values.report ?? []) await checkOutputFile('--report', file);
  if (cloudTrailOut !== undefined) await checkOutputFolder('--cloudtrail-out', cloudTrailOut);
  const estimate = estimateDrill(scenario);
  // A big drill says how big before it starts, so nobody waits blind (a drill too big to play was refused above).
  if (estimate.events > LARGE_ESTIMATED_EVENTS) process.stderr.write(`keydrill: ${scenario.name} will play ${describeEstimate(estimate)}\n`);

  // A mistyped --profile is bad input, said before a dry run's plan as before a real run.
  if (backend !== 'embedded') await checkAwsProfile(values.profile);
  const resolved = backend === 'embedded' ? undefined : resolveKmsEndpoint({ backend, explicit: values.endpoint, profile: values.profile });
  if (resolved && !values['dry-run']) console.error(`drill ${scenario.name}: ${backendText(backend, resolved.url)}${resolved.url ? ` (from ${resolved.source})` : ''}${values.profile ?? process.env.AWS_PROFILE ? `, profile ${values.profile ?? process.env.AWS_PROFILE}` : ''}`);

  if (values['dry-run']) {
    const plan = planDrill(scenario);
    if (values.json) output.json({ ok: true, dryRun: true, backend, endpoint: resolved?.url ?? null, ...plan });
    else console.log(describePlan(plan, backend, resolved?.url));
    return EXIT_OK;
  }

  const started = Date.now();
  const store = SqliteEventStore.open(eventsDbPath(values.db));
  const ingest = new BatchedIngest(store);
  const runs = runService();
  const progress = drillProgress(scenario, backend, live);
  // Ctrl-C or a TERM signal stops the drill at its next event: the run is kept as cancelled, and keys
  // made in LocalStack or AWS are scheduled for deletion as at any end.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) process.stderr.write(`\nkeydrill: ${signal}: stopping the drill at its next event (the run is kept as cancelled)…\n`);
    stop.abort(`stopped by ${signal}`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let record: RunRecord;
  try {
    record = await runDrill(scenario, { backend, endpoint: values.endpoint, profile: values.profile, seed, eventSink: ingest, runSink: runs.runStore().sink(), onProgress: progress.onProgress, onSetup: progress.onSetup, live, signal: stop.signal });
    progress.done();
    await ingest.flush();
  } catch (err) {
    runs.close();
    progress.done();
    const reason = couldNotRun(err, backend, resolved?.url);
    if (reason) {
      for (const file of outputs.junit) await writeJUnit(file, { kind: 'could-not-run', scenario: scenario.name, title: scenario.title, message: reason.message, seconds: (Date.now() - started) / 1000 });
      throw reason;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await ingest.close().catch(() => undefined);
  }
  try {
    const runId = record.execution.runId;
    const summary = summariseRun(record, runs.failedSteps(runId));
    // An output that fails now (a full disk, a folder removed meanwhile) must not take the verdicts
    // with it: each is tried, the verdicts are printed, then the failures are, and the exit code is 3.
    const failedOutputs: FailedOutput[] = [];
    const written = await writeOutputs(runs.source(runId), summary, outputs, (Date.now() - started) / 1000, failedOutputs);
    const cloudTrailDir = values['cloudtrail-out'] === undefined ? undefined : resolve(values['cloudtrail-out']);
    let cloudtrail: ExportReport | undefined;
    if (cloudTrailDir !== undefined) {
      try {
        cloudtrail = await exportCloudTrailLogs(store, cloudTrailDir, { runId });
      } catch (err) {
        failedOutputs.push({ option: '--cloudtrail-out', path: cloudTrailDir, message: `Could not write the CloudTrail log files under ${cloudTrailDir}: ${(err as Error).message}` });
      }
    }
    if (values.json) {
      output.json({ ok: true, ...summary, store: runs.file, reports: written, cloudTrailOut: cloudtrail ? { dir: cloudTrailDir, files: cloudtrail.files.length, records: cloudtrail.records, otherFiles: cloudtrail.others } : null, failedOutputs });
    } else {
      printVerdicts(summary);
      for (const w of written) console.log(`report: ${w.file} (${w.format}, ${w.bytes} bytes)`);
      if (cloudtrail) console.log(`CloudTrail logs: ${counted(cloudtrail.files.length, 'file')}, ${counted(cloudtrail.records, 'record')} under ${values['cloudtrail-out']}${othersNote(cloudtrail.others)}`);
      console.log(`run ${runId} ${summary.status === 'cancelled' ? 'cancelled and kept' : 'saved'}; export it again with: keydrill report ${runId} --out report.html`);
    }
    if (failedOutputs.length) {
      for (const f of failedOutputs) console.error(`keydrill: ${f.message}`);
      const again = [
        ...(failedOutputs.some((f) => f.option === '--report') ? [`keydrill report ${runId} --out FILE`] : []),
        ...(failedOutputs.some((f) => f.option === '--cloudtrail-out') ? [`keydrill audit export --run ${runId} --cloudtrail-out DIR`] : []),
      ];
      console.error(`keydrill: could not write ${counted(failedOutputs.length, 'output')}; the drill ran (${summary.status}) and run ${runId} is saved: write them again with ${again.join(' and ')}`);
      return EXIT_COULD_NOT_RUN;
    }
    // A cancelled drill ends as the signal that stopped it would have (128 + SIGINT).
    if (summary.status === 'cancelled') return EXIT_CANCELLED;
    return summary.passed ? EXIT_OK : EXIT_FAILED;
  } finally {
    runs.close();
    store.close();
  }
}

/** A reason the drill could not run at all (exit 3), or undefined for anything else. */
function couldNotRun(err: unknown, backend: KmsBackend, endpoint: string | undefined): Error | undefined {
  if (err instanceof DrillRefusedError) return new CouldNotRunError(err.message, { code: 'drill-refused' });
  return backendUnavailable(err, backend, endpoint);
}

/** An output the drill could not write at its end: `drill run --json` lists them as failedOutputs. */
interface FailedOutput {
  option: '--report' | '--cloudtrail-out';
  path: string;
  message: string;
}

/** Writes every report it can; those it cannot go to `failed`, so one does not stop the others. */
async function writeOutputs(record: RunSource, summary: DrillSummary, outputs: Outputs, seconds: number, failed: FailedOutput[]): Promise<{ file: string; format: string; bytes: number }[]> {
  const written: { file: string; format: string; bytes: number }[] = [];
  const attempt = async (file: string, what: string, write: () => Promise<{ file: string; format: string; bytes: number }>) => {
    try {
      written.push(await write());
    } catch (err) {
      // writeReport's errors name the report and the file already.
      const message = err instanceof ReportError ? err.message : `Could not write the ${what} to ${file}: ${(err as Error).message}`;
      failed.push({ option: '--report', path: file, message });
    }
  };
  for (const file of outputs.reports) await attempt(file, 'report', () => writeReport(record, file));
  const outcome: JUnitOutcome = { kind: 'ran', summary, seconds };
  for (const file of outputs.junit) await attempt(file, 'JUnit XML', async () => ({ ...(await writeJUnit(file, outcome)), format: 'junit' }));
  return written;
}

function printVerdicts(s: DrillSummary): void {
  console.log(`\n${s.scenario.title} — ${backendText(s.backend.kind, s.backend.endpoint)}, seed ${s.scenario.seed}`);
  for (const note of s.backend.simulatedOnClient) console.log(`  note: timeline[${note.step}] ${note.do} was simulated on the client: ${note.note}`);
  for (const f of s.failedSteps) console.log(`  note: ${describeFailedStep(f)}`);
  for (const v of s.verdicts) console.log(`  ${v.passed ? 'PASS' : 'FAIL'}  ${v.summary}`);
  const tenants = describeTenants(s);
  if (tenants) console.log(`  ${tenants}`);
  if (s.dataAtRisk.length) console.log(`  DATA AT RISK: ${counted(s.dataAtRisk.length, 'item')} unreadable at the end, e.g. ${s.dataAtRisk[0]?.what} (${s.dataAtRisk[0]?.reason})`);
  const outcome = s.status === 'cancelled' ? `cancelled at ${formatDuration(Math.floor(s.reachedAt / 1000) * 1000)} of ${formatDuration(s.scenario.duration)}: nothing was judged` : s.passed ? 'all expectations met' : 'some expectations failed';
  // KMS's own RotateKey/DeleteKey records and key owners' copies are CloudTrail records of the run but no calls: say so when there are any.
  const records = callsAndRecords(s.totals, s.totals.cloudTrailRecords);
  console.log(`  ${outcome} · ${records} · ${count(s.totals.clientSideCalls)} calls that never reached KMS · event set SHA-256 ${s.eventSetSha256?.slice(0, 16) ?? '-'}…\n`);
}

/**
 * Progress of a drill on stderr: a bar on a terminal; plain lines elsewhere, so a live drill in CI
 * shows it is running (and how far) rather than staying silent for its whole length.
 */
function drillProgress(scenario: Scenario, backend: KmsBackend, live: { speed: number } | undefined): { onProgress: (fraction: number) => void; onSetup: (setup: DrillSetup) => void; done(): void } {
  const first = live && process.stderr.isTTY !== true
    ? `drill ${scenario.name}: live on ${backend}, ${formatDuration(scenario.duration)} of drill time at speed ${live.speed} (about ${formatDuration(Math.ceil(scenario.duration / live.speed / 1000) * 1000)})`
    : undefined;
  const reporter = progressReporter({ first });
  const tty = process.stderr.isTTY === true;
  // Wall time from the first event (the set-up before it is not the drill's pace); the time left is
  // worked out again at each whole percent, not at each of a fleet's 100,000s of events.
  let playStart: number | undefined;
  let percent = -1;
  let left = '';
  const state: { onProgress: (fraction: number) => void; onSetup: (setup: DrillSetup) => void; done(): void } = {
    onProgress: (fraction) => {
      const now = Date.now();
      playStart ??= now;
      const whole = Math.floor(fraction * 100);
      if (whole !== percent) {
        percent = whole;
        const text = timeLeftText(fraction, now - playStart);
        left = text ? ` · ${text}` : '';
      }
      const at = formatDuration(Math.round((fraction * scenario.duration) / 1000) * 1000);
      reporter.update(tty ? `${bar(fraction)} ${scenario.title}${left}` : `drill ${scenario.name}: ${percent}% (drill time ${at} of ${formatDuration(scenario.duration)})${left}`);
    },
    // A fleet's set-up takes seconds before the first event: say how far it has got rather than sit at 0%.
    onSetup: (setup) => {
      // A live drill's clock starts before its set-up; its pace is counted from the first event after it.
      playStart = undefined;
      reporter.update(tty ? `${bar(0)} ${scenario.title}: ${describeSetup(setup)}` : `drill ${scenario.name}: setting up, ${describeSetup(setup)}`);
    },
    done: () => reporter.done(),
  };
  if (live) state.onProgress(0);
  return state;
}
