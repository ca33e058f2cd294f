import { resolve } from 'node:path';
import { count } from '../../src-shared/count';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import { defineCommand } from './command-spec';
import { DB_OPTION, eventsDbPath, openExistingStore, refuseUnknownRun } from './audit-options';
import { checkOutputFolder, othersNote } from './output-paths';
import { progressReporter } from './progress';
import { TIME_RANGE_OPTIONS, timeRange } from './time-options';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill audit export --cloudtrail-out DIR [--run ID] [--start T] [--end T]`: the stored events
 * as CloudTrail log files in the S3 key layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/),
 * ready to copy to a bucket for Athena or CloudTrail Lake.
 */
export const auditExportCommand = defineCommand({
  path: ['audit', 'export'],
  summary: 'write stored events as CloudTrail log files (S3 layout) for Athena or CloudTrail Lake',
  description: 'Writes AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…json.gz under the folder, the layout Athena\'s CloudTrail table and CloudTrail Lake read as they are. Drill events carry the drill\'s clock: select a drill\'s events with --run rather than a time range.',
  options: {
    'cloudtrail-out': { type: 'string', value: 'DIR', complete: 'dir', description: 'the folder that receives AWSLogs/… (required)' },
    run: { type: 'string', value: 'ID', description: 'only the events of this drill run (keydrill runs list)' },
    ...TIME_RANGE_OPTIONS,
    ...DB_OPTION,
    json: { type: 'boolean', description: 'print {"records", "files": [...]} as JSON' },
  },
  examples: [
    { command: 'keydrill audit export --cloudtrail-out ./trail --run revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e', note: 'one drill\'s CloudTrail records' },
    { command: 'keydrill audit export --cloudtrail-out ./trail --start 2026-01-15 --end 2026-01-16T00:00+01:00', note: 'imported events of one day' },
  ],
  async run({ values, output }) {
    if (!values['cloudtrail-out']) throw new UsageError('audit export: --cloudtrail-out DIR is required (the folder that receives AWSLogs/…)');
    if (values.run === '') throw new UsageError('audit export: --run needs a run id');
    const { startTime, endTime } = timeRange(values);
    // Before the store is read: a folder that cannot take the files is bad input, and nothing is written.
    await checkOutputFolder('--cloudtrail-out', values['cloudtrail-out']);
    const outDir = resolve(values['cloudtrail-out']);
    const store = openExistingStore('audit export', eventsDbPath(values.db));
    const progress = progressReporter();
    try {
      refuseUnknownRun('audit export', store, values.run);
      const report = await exportCloudTrailLogs(store, outDir, {
        runId: values.run,
        startTime,
        endTime,
        onProgress: (p) => progress.update(`audit export: ${p.files} files, ${p.records} events`),
      });
      progress.done();
      if (values.json) output.json({ outDir, records: report.records, files: report.files, unchanged: report.unchanged, otherFiles: report.others });
      else if (report.records === 0) console.log(`no events to export${values.run ? ` for run ${values.run}` : ''}`);
      else {
        const files = report.files.length;
        const again = report.unchanged ? ` (${count(report.unchanged)} of them ${report.unchanged === 1 ? 'was' : 'were'} there already, the same records exported before: left as ${report.unchanged === 1 ? 'it was' : 'they were'})` : '';
        console.log(`exported ${count(report.records)} event${report.records === 1 ? '' : 's'} into ${count(files)} CloudTrail log file${files === 1 ? '' : 's'} under ${outDir}${again}${othersNote(report.others)}`);
      }
      return EXIT_OK;
    } finally {
      progress.done();
      store.close();
    }
  },
});
