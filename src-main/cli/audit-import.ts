import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { resolve } from 'node:path';
import { CloudTrailImportInterruptedError, CloudTrailImportStoppedError, importCloudTrailLogs } from '../audit/cloudtrail-file-import';
import { CloudTrailFileError } from '../audit/cloudtrail-log-file';
import { importLookupEvents, LookupEventsImportError, LookupEventsStoppedError } from '../audit/lookup-events-import';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { checkAwsProfile } from '../kms/aws-profile-check';
import { defineCommand } from './command-spec';
import { attributeOption, DB_OPTION, eventsDbPath, regionOption } from './audit-options';
import { progressReporter } from './progress';
import { TIME_RANGE_OPTIONS, timeRange } from './time-options';
import type { JsonOutput } from './json-output';
import { CouldNotRunError, EXIT_CANCELLED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error';
import { count, counted } from '../../src-shared/count';

/**
 * `keydrill audit import <file|dir>` imports CloudTrail log files (.json, .json.gz, or a folder in
 * the S3 AWSLogs/… layout); `keydrill audit import --lookup-events` pulls events from CloudTrail's
 * LookupEvents API (KMS events unless --attribute says otherwise). Malformed files are reported
 * with the record and field at fault, the others imported, and the exit code is then 2.
 */
export const auditImportCommand = defineCommand({
  path: ['audit', 'import'],
  summary: 'import CloudTrail log files, or events from CloudTrail LookupEvents',
  description: 'Imports .json and .json.gz CloudTrail log files (or a saved `aws cloudtrail lookup-events` answer), or a folder in the S3 AWSLogs/ layout, into the event store; or, with --lookup-events, pulls events from the CloudTrail LookupEvents API of an AWS account (the standard credential chain: AWS_PROFILE, AWS_REGION, SSO, instance roles). An event already stored is skipped. Symbolic links in a folder are followed, each file and folder read once (a link back up the tree is no loop). A malformed file is named with the record and field at fault and nothing from it is stored, as is a link that leads nowhere; the exit code is then 2. Ctrl-C stores no further part of a file over 32 MiB (stored in parts) and says how many of its records are stored; the exit code is then 130, and importing again stores the rest.',
  args: [{ name: 'file-or-dir', optional: true, complete: 'file', description: 'a CloudTrail log file or a folder of them (not with --lookup-events)' }],
  options: {
    'lookup-events': { type: 'boolean', description: 'pull events from CloudTrail LookupEvents instead of reading files' },
    region: { type: 'string', value: 'R', description: 'with --lookup-events: the region to look up (default: AWS_REGION or the profile\'s)' },
    ...TIME_RANGE_OPTIONS,
    endpoint: { type: 'string', value: 'URL', description: 'with --lookup-events: a CloudTrail endpoint (keydrill kms serve answers LookupEvents)' },
    attribute: { type: 'string', value: 'Name=Value', description: 'with --lookup-events: one lookup attribute (default EventSource=kms.amazonaws.com)' },
    ...DB_OPTION,
    json: { type: 'boolean', description: 'print the import\'s counts and failed files as JSON' },
  },
  examples: [
    { command: 'keydrill audit import ./AWSLogs', note: 'a folder of CloudTrail log files as copied from S3' },
    { command: 'keydrill audit import --lookup-events --region eu-west-1 --start 7d', note: 'the last week of KMS events of an AWS account' },
  ],
  async run({ values, positionals, output }) {
    const lookup = values['lookup-events'] === true;
    const target = positionals[0];
    if (lookup === (target !== undefined)) throw new UsageError('audit import: give a log file or folder, or --lookup-events (one of them)');
    if (!lookup) {
      const stray = (['region', 'start', 'end', 'endpoint', 'attribute'] as const).filter((o) => values[o] !== undefined);
      if (stray.length) throw new UsageError(`audit import: --${stray[0]} applies only with --lookup-events`);
    }
    const dbPath = eventsDbPath(values.db);
    const json = values.json === true ? output : undefined;
    if (lookup) {
      const region = regionOption(values.region);
      const { startTime, endTime } = timeRange(values);
      const attribute = attributeOption(values.attribute) ?? { key: 'EventSource', value: 'kms.amazonaws.com' };
      const endpoint = endpointOption(values.endpoint);
      return importFromLookupEvents(dbPath, { region, endpoint, startTime, endTime, attribute, json });
    }
    return importFiles(dbPath, resolve(target as string), json);
  },
});

async function importFiles(dbPath: string, target: string, json: JsonOutput | undefined): Promise<number> {
  const store = SqliteEventStore.open(dbPath);
  const progress = progressReporter();
  // Ctrl-C or TERM: no further part is stored, and what is stored is said (a large file's parts stay).
  // Kept until the store is closed, so a late signal cannot cut the summary of a finished import.
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!stop.signal.aborted) process.stderr.write(`\nkeydrill: ${signal}: stopping the import before its next part…\n`);
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const report = await importCloudTrailLogs(store, target, (p) => progress.update(`audit import: ${p.filesDone}/${p.filesTotal} files, ${p.imported} events imported`), stop.signal);
    progress.done();
    if (stop.signal.aborted) console.error(`keydrill: audit import: the ${String(stop.signal.reason)} came after the last record was stored: the import is complete`);
    if (json) json.json({ db: dbPath, files: report.files, imported: report.imported, duplicates: report.duplicates, observations: report.observations, failed: report.failed, skippedFolders: report.skippedFolders ?? [], passedOverFiles: report.passedOverFiles ?? [] });
    else {
      console.log(`imported ${counted(report.imported, 'event')} from ${count(report.files - report.failed.length)} of ${counted(report.files, 'file')} (${count(report.duplicates)} already stored) into ${dbPath}`);
      // Older KeyDrill exports wrote calls that never reached KMS as records: not CloudTrail, kept apart.
      if (report.observations > 0) console.log(`${counted(report.observations, 'record')} of calls that never reached KMS kept as client-side observations, not as CloudTrail`);
      const skipped = report.skippedFolders ?? [];
      if (skipped.length > 0) console.log(`passed over ${skipped.length === 1 ? `the folder ${skipped[0]}` : `${skipped.length} folders (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''})`}: CloudTrail's digest and Insights files hold no CloudTrail records`);
      const others = report.passedOverFiles ?? [];
      if (others.length > 0) console.log(`passed over ${others.length === 1 ? `the file ${others[0]}` : `${count(others.length)} files (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''})`}, not read: CloudTrail log files are .json or .json.gz`);
    }
    if (report.failed.length === 0) return EXIT_OK;
    console.error(`keydrill: audit import: ${counted(report.failed.length, 'file')} not imported, nothing from ${report.failed.length === 1 ? 'it' : 'them'} stored:`);
    for (const f of report.failed) console.error(`  ${f.error}`);
    return EXIT_USAGE;
  } catch (err) {
    progress.done();
    if (err instanceof CloudTrailImportInterruptedError) {
      const r = err.report;
      if (json) json.json({ db: dbPath, files: r.files, imported: r.imported, duplicates: r.duplicates, observations: r.observations, failed: r.failed, interrupted: { file: err.file, stored: err.stored, records: err.records ?? null } });
      console.error(`keydrill: audit import: ${err.message}`);
      // As an interrupted drill ends: 128 + SIGINT, as a shell reports an interrupted command.
      return EXIT_CANCELLED;
    }
    if (err instanceof CloudTrailFileError) throw new UsageError(`audit import: ${err.message}`);
    if (err instanceof CloudTrailImportStoppedError) throw new CouldNotRunError(`audit import: ${err.message}`, { code: 'store-failed', path: err.file });
    throw err;
  } finally {
    store.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface LookupSettings {
  region: string | undefined;
  endpoint: string | undefined;
  startTime: number | undefined;
  endTime: number | undefined;
  attribute: { key: string; value: string };
  /** Where the outcome goes with --json. */
  json: JsonOutput | undefined;
}

async function importFromLookupEvents(dbPath: string, s: LookupSettings): Promise<number> {
  // The standard credential chain and region settings (AWS_PROFILE, AWS_REGION, ...), as every AWS tool;
  // an AWS_PROFILE in neither AWS file is named as such, not as credentials that could not be loaded.
  await checkAwsProfile(undefined);
  const client = new CloudTrailClient({ ...(s.region ? { region: s.region } : {}), ...(s.endpoint ? { endpoint: s.endpoint } : {}) });
  const store = SqliteEventStore.open(dbPath);
  const progress = progressReporter();
  try {
    const result = await importLookupEvents(client, store, {
      startTime: s.startTime === undefined ? undefined : new Date(s.startTime),
      endTime: s.endTime === undefined ? undefined : new Date(s.endTime),
      attribute: s.attribute as { key: 'EventSource'; value: string },
      onProgress: (p) => progress.update(`audit import: ${p.pages} pages, ${p.events} events, ${p.imported} new`),
    });
    progress.done();
    if (s.json) s.json.json({ db: dbPath, pages: result.pages, imported: result.imported, duplicates: result.duplicates });
    else console.log(`imported ${result.imported} events from ${result.pages} LookupEvents pages (${result.duplicates} already stored) into ${dbPath}`);
    return EXIT_OK;
  } catch (err) {
    progress.done();
    if (err instanceof LookupEventsImportError) throw new UsageError(`audit import: ${err.message}`);
    // Some pages were stored before it stopped: a malformed event is bad input, anything else (the network, the store) is not.
    if (err instanceof LookupEventsStoppedError) {
      if (err.cause instanceof LookupEventsImportError) throw new UsageError(`audit import: ${err.message}`);
      throw new CouldNotRunError(`audit import: ${err.message}`, { code: 'lookup-stopped' });
    }
    if (err instanceof Error && /region is missing/i.test(err.message)) throw new UsageError('audit import: --lookup-events needs a region: --region, AWS_REGION, or a profile with one');
    throw err;
  } finally {
    client.destroy();
    store.close();
  }
}

function endpointOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:4566, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint must be an http or https URL, got '${value}'`);
  return value;
}
