import { join, resolve } from 'node:path';
import { BatchedIngest } from '../audit/batched-ingest';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { DrillRefusedError, runDrill } from '../drill/drill-runner';
import { loadRun, saveRun } from '../drill/run-archive';
import { builtInScenarioNames, builtInScenarios, resolveScenario } from '../drill/scenario-catalog';
import { formatProblem, loadScenarioFile, ScenarioError } from '../drill/scenario-loader';
import { KMS_BACKENDS, type KmsBackend } from '../kms/kms-client-factory';
import { reportFormatFor } from '../report/write-report';
import { writeReport } from '../report/write-report';
import { intOption, parseCommand } from './args';
import { eventsDbPath } from './audit-options';
import { keydrillHome } from './keydrill-home';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error';

const runsDir = (): string => join(keydrillHome(), 'runs');

function scenarioFrom(ref: string | undefined, command: string) {
  if (!ref) throw new UsageError(`${command}: name a scenario file or a built-in scenario (keydrill drill list)`);
  const file = resolveScenario(ref);
  if (!file) throw new UsageError(`${command}: no file or built-in scenario named '${ref}' (built-in: ${builtInScenarioNames().join(', ')})`);
  try {
    return loadScenarioFile(file);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
}

/** `keydrill drill run <file|name> [...]` */
export async function drillRun(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('drill run', argv, {
    backend: { type: 'string' }, endpoint: { type: 'string' }, profile: { type: 'string' }, seed: { type: 'string' },
    db: { type: 'string' }, report: { type: 'string', multiple: true }, 'cloudtrail-out': { type: 'string' }, json: { type: 'boolean' },
    live: { type: 'boolean' }, speed: { type: 'string' },
  }, { min: 1, max: 1 });
  const backend = (values.backend ?? 'embedded') as KmsBackend;
  if (!KMS_BACKENDS.includes(backend)) throw new UsageError(`--backend must be one of ${KMS_BACKENDS.join(', ')}, got '${values.backend}'`);
  if (values.endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(values.endpoint)) throw new UsageError(`--endpoint must be a URL like http://localhost:4566, got '${values.endpoint}'`);
  const seed = values.seed === undefined ? undefined : intOption('seed', values.seed, 0, 0, 2 ** 31 - 1);
  if (values.speed !== undefined && !values.live) throw new UsageError('--speed goes with --live');
  const live = values.live ? { speed: intOption('speed', values.speed, 1, 1, 1_000_000) } : undefined;
  for (const file of values.report ?? []) {
    try {
      reportFormatFor(file);
    } catch (err) {
      throw new UsageError(`--report ${file}: ${(err as Error).message}`);
    }
  }
  const scenario = scenarioFrom(positionals[0], 'drill run');
  const store = SqliteEventStore.open(eventsDbPath(values.db));
  const ingest = new BatchedIngest(store);
  const progress = process.stderr.isTTY && !values.json ? progressBar(scenario.title) : undefined;
  try {
    const record = await runDrill(scenario, { backend, endpoint: values.endpoint, profile: values.profile, seed, eventSink: ingest, onProgress: progress, live });
    progress?.(1, true);
    await ingest.flush();
    const saved = saveRun(runsDir(), record);
    if (values.json) console.log(JSON.stringify({ runId: record.runId, passed: record.passed, verdicts: record.verdicts.map((v) => ({ passed: v.passed, summary: v.summary })), file: saved }));
    else printVerdicts(record);
    for (const file of values.report ?? []) {
      const written = await writeReport(record, resolve(file));
      if (!values.json) console.log(`report: ${written.file} (${written.format}, ${written.bytes} bytes)`);
    }
    if (values['cloudtrail-out']) {
      const out = await exportCloudTrailLogs(store, resolve(values['cloudtrail-out']), { runId: record.runId });
      if (!values.json) console.log(`CloudTrail logs: ${out.files.length} file(s), ${out.records} record(s) under ${values['cloudtrail-out']}`);
    }
    if (!values.json) console.log(`run ${record.runId} saved; export it again with: keydrill report ${record.runId} --out report.html`);
    return record.passed ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (err instanceof DrillRefusedError) throw new UsageError(err.message);
    throw err;
  } finally {
    await ingest.close();
    store.close();
  }
}

/** `keydrill drill list` */
export async function drillList(argv: string[]): Promise<number> {
  parseCommand('drill list', argv, {});
  for (const s of builtInScenarios()) console.log(`${s.name.padEnd(36)} ${s.title}`);
  return EXIT_OK;
}

/** `keydrill drill validate <file>` */
export async function drillValidate(argv: string[]): Promise<number> {
  const { positionals } = parseCommand('drill validate', argv, {}, { min: 1, max: 1 });
  try {
    const s = loadScenarioFile(positionals[0] as string);
    console.log(`${positionals[0]}: valid — ${s.title} (${s.timeline.length} steps, ${s.expectations.length} expectations)`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(`${err.file}:\n${err.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    throw err;
  }
}

/** `keydrill report <run-id> --out FILE` */
export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand('report', argv, { out: { type: 'string', multiple: true } }, { min: 1, max: 1 });
  if (!values.out?.length) throw new UsageError('report: --out FILE is required (.html, .pdf, .json or .csv)');
  let record;
  try {
    record = loadRun(runsDir(), positionals[0] as string);
  } catch (err) {
    throw new UsageError(`report: ${(err as Error).message}`);
  }
  for (const file of values.out) {
    try {
      reportFormatFor(file);
    } catch (err) {
      throw new UsageError(`--out ${file}: ${(err as Error).message}`);
    }
    const written = await writeReport(record, resolve(file));
    console.log(`report: ${written.file} (${written.format}, ${written.bytes} bytes)`);
  }
  return EXIT_OK;
}

function printVerdicts(record: Awaited<ReturnType<typeof runDrill>>): void {
  console.log(`\n${record.scenario.title} — ${record.backend.kind} KMS, seed ${record.scenario.seed}`);
  for (const note of record.backend.simulated) console.log(`  note: timeline[${note.step}] ${note.do}: ${note.note}`);
  for (const v of record.verdicts) console.log(`  ${v.passed ? 'PASS' : 'FAIL'}  ${v.summary}`);
  console.log(`  ${record.passed ? 'all expectations met' : 'some expectations failed'} · ${record.totals.kmsCalls} KMS calls · ${record.eventCount} CloudTrail records · event set SHA-256 ${record.eventSetSha256.slice(0, 16)}…\n`);
}

function progressBar(title: string): (fraction: number, done?: boolean) => void {
  let last = -1;
  return (fraction, done = false) => {
    const pct = Math.floor(fraction * 100);
    if (pct === last && !done) return;
    last = pct;
    const width = 30;
    const filled = Math.round((width * pct) / 100);
    process.stderr.write(`\r${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${String(pct).padStart(3)}% ${title}${done ? '\n' : ''}`);
  };
}
