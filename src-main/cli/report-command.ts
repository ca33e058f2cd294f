import { existsSync } from 'node:fs';
import { count } from '../../src-shared/count';
import { resolve } from 'node:path';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import { exportObservations } from '../audit/observation-export';
import { refuseOtherRunsBundle, writeAuditBundle, type BundleOutcome } from '../report/audit-bundle';
import { SUMS_FILE } from '../report/manifest';
import { reportFormatFor, writeReport } from '../report/write-report';
import { DB_OPTION, eventsDbPath, openExistingStore } from './audit-options';
import { defineCommand } from './command-spec';
import { writeJUnit } from './junit-report';
import { summariseRun } from './drill-summary';
import { checkBundleFolder, checkFilesApartFromFolder, checkFilesDistinct, checkOutputFile } from './output-paths';
import { runService } from './scenario-input';
import { EXIT_FAILED, EXIT_OK, runLookupError, UsageError } from './usage-error';

/** `keydrill report <run-id> --out FILE`: a saved run exported again, in any format, or as a sealed audit bundle. */
export const reportCommand = defineCommand({
  path: ['report'],
  summary: 'export a saved run again: HTML, PDF, JSON, CSV, JUnit XML, or a sealed audit bundle',
  description: 'Writes a report of a saved run (keydrill runs list shows them). The format follows the file name: .html (self-contained, with charts), .pdf (printed by an installed Chrome, Chromium or Edge), .json (the run record), .csv, or .xml (the verdicts as JUnit XML). --bundle DIR writes an audit bundle instead: the run record (JSON), HTML, PDF and CSV reports, the run\'s CloudTrail log files and its calls that never reached KMS (client-observations.jsonl) from the event store, manifest.json and SHA256SUMS, which an auditor checks with sha256sum -c SHA256SUMS in that folder.',
  args: [{ name: 'run-id', complete: 'run', description: 'the id of a saved run (printed by keydrill drill run; keydrill runs list)' }],
  options: {
    out: { type: 'string', multiple: true, value: 'FILE', complete: 'file', description: 'the report file (.html, .pdf, .json, .csv or .xml); --out or --bundle is required' },
    bundle: { type: 'string', value: 'DIR', complete: 'dir', description: 'write a sealed audit bundle into DIR (a new or empty folder, or an earlier bundle to replace)' },
    ...DB_OPTION,
    json: { type: 'boolean', description: 'print [{file, format, bytes, sha256}] as JSON (a bundle adds its seal and notes)' },
  },
  examples: [
    { command: 'keydrill report revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e --out report.pdf --out report.csv', note: 'two formats at once' },
    { command: 'keydrill report revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e --bundle audit/ && (cd audit && sha256sum -c SHA256SUMS)', note: 'a sealed bundle for the auditor, checked' },
  ],
  async run({ values, positionals, output }) {
    const outs = values.out ?? [];
    if (outs.length === 0 && values.bundle === undefined) throw new UsageError('report: --out FILE (.html, .pdf, .json, .csv or .xml) or --bundle DIR is required');
    for (const file of outs) {
      if (/\.xml$/i.test(file)) continue;
      try {
        reportFormatFor(file);
      } catch (err) {
        throw new UsageError(`--out ${file}: ${(err as Error).message.replace(/\.$/, '')}, or .xml for JUnit XML.`, { code: 'unknown-format', option: '--out', path: file });
      }
    }
    // Before anything is read or written: an output that cannot be written is bad input now, not after the first reports.
    checkFilesDistinct(outs.map((path) => ({ option: '--out', path })));
    checkFilesApartFromFolder(outs.map((path) => ({ option: '--out', path })), values.bundle === undefined ? undefined : { option: '--bundle', path: values.bundle, owned: true });
    for (const file of outs) await checkOutputFile('--out', file);
    if (values.bundle !== undefined) await checkBundleFolder('--bundle', values.bundle);
    const runs = runService();
    const written: { file: string; format: string; bytes: number; sealSha256?: string; notes?: string[]; missing?: BundleOutcome['missing'] }[] = [];
    // The event store: a bundle's CloudTrail files come from it, and a run that never summed itself up is counted there.
    const dbPath = eventsDbPath(values.db);
    // One named with --db must exist; the default one may not (no drill ran here yet, only runs were copied in).
    const store = values.bundle !== undefined || values.db !== undefined ? openExistingStore(values.bundle !== undefined ? 'report --bundle' : 'report --db', dbPath) : existsSync(dbPath) ? SqliteEventStore.open(dbPath) : undefined;
    try {
      let source;
      try {
        source = runs.source(positionals[0] as string, store);
      } catch (err) {
        throw runLookupError('report', err);
      }
      // Before any --out report is written: a bundle folder that is another run's is refused whole.
      if (values.bundle !== undefined) await refuseOtherRunsBundle(resolve(values.bundle), source.head.execution.runId);
      // The timeline and frames are read from the run store as each report is written, so the store stays open until the last.
      for (const file of outs) {
        if (/\.xml$/i.test(file)) {
          // The suite is stamped with when the run was executed and how long it took, as drill run stamped it, not with now.
          const { startedAt, endedAt } = source.head.execution;
          const end = new Date(endedAt ?? startedAt);
          const seconds = (end.getTime() - Date.parse(startedAt)) / 1000;
          written.push({ ...(await writeJUnit(resolve(file), { kind: 'ran', summary: summariseRun(source.head, runs.failedSteps(source.head.execution.runId)), seconds }, end)), format: 'junit' });
        }
        else written.push(await writeReport(source, resolve(file)));
      }
      if (values.bundle !== undefined && store) {
        const runId = source.head.execution.runId;
        const bundle: BundleOutcome = await writeAuditBundle(source, resolve(values.bundle), { exportCloudTrail: (dir) => exportCloudTrailLogs(store, dir, { runId }), exportObservations: (file) => exportObservations(store, file, runId) });
        written.push({ file: bundle.dir, format: 'bundle', bytes: bundle.bytes, sealSha256: bundle.sealSha256, notes: bundle.notes, ...(bundle.missing ? { missing: bundle.missing } : {}) });
      }
    } finally {
      store?.close();
      runs.close();
    }
    if (values.json) output.json(written);
    else {
      for (const w of written) {
        if (w.format !== 'bundle') console.log(`report: ${w.file} (${w.format}, ${w.bytes} bytes)`);
        else {
          console.log(`audit bundle: ${w.file} (${w.bytes} bytes); check it with: keydrill verify ${w.file} (or cd ${w.file} && sha256sum -c ${SUMS_FILE})`);
          console.log(`  seal: SHA-256 of ${SUMS_FILE} = ${w.sealSha256}`);
          for (const note of w.notes ?? []) console.log(`  note: ${note}`);
        }
      }
    }
    // A bundle short of the run's evidence is written (its notes say what it lacks) but is not a
    // bundle to hand on: keydrill verify refuses it, so the command that made it says so and fails.
    const short = written.find((w) => w.missing);
    if (short?.missing) {
      console.error(`keydrill: the audit bundle ${short.file} is incomplete: ${missingText(short.missing)} the run made are not in the event store ${dbPath} (was the run made with another --db?); keydrill verify will not verify it.`);
      return EXIT_FAILED;
    }
    return EXIT_OK;
  },
});

/** "1,200 CloudTrail records and 3 client-side observations" */
function missingText(missing: NonNullable<BundleOutcome['missing']>): string {
  const parts = [
    ...(missing.records > 0 ? [`${count(missing.records)} CloudTrail record${missing.records === 1 ? '' : 's'}`] : []),
    ...(missing.observations > 0 ? [`${count(missing.observations)} client-side observation${missing.observations === 1 ? '' : 's'}`] : []),
  ];
  return parts.join(' and ');
}
