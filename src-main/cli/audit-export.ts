import { resolve } from 'node:path';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import { parseCommand } from './args';
import { DB_OPTION, eventsDbPath, openExistingStore, progressLine, timeRange } from './audit-options';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill audit export --cloudtrail-out DIR [--run ID] [--start T] [--end T]`: the stored events
 * as CloudTrail log files in the S3 key layout (AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/),
 * ready to copy to a bucket for Athena or CloudTrail Lake.
 */
export async function auditExport(argv: string[]): Promise<number> {
  const { values } = parseCommand('audit export', argv, {
    ...DB_OPTION,
    'cloudtrail-out': { type: 'string' },
    run: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
  });
  if (!values['cloudtrail-out']) throw new UsageError('audit export: --cloudtrail-out DIR is required (the folder that receives AWSLogs/…)');
  if (values.run === '') throw new UsageError('audit export: --run needs a run id');
  const { startTime, endTime } = timeRange(values);
  const outDir = resolve(values['cloudtrail-out']);
  const store = openExistingStore('audit export', eventsDbPath(values.db));
  const progress = progressLine();
  try {
    const report = await exportCloudTrailLogs(store, outDir, {
      runId: values.run,
      startTime,
      endTime,
      onProgress: (p) => progress.update(`${p.files} files, ${p.records} events`),
    });
    progress.done();
    if (report.records === 0) console.log(`no events to export${values.run ? ` for run ${values.run}` : ''}`);
    else console.log(`exported ${report.records} events into ${report.files.length} CloudTrail log files under ${outDir}`);
    return EXIT_OK;
  } finally {
    progress.done();
    store.close();
  }
}
