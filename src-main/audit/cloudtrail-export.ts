import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { EventStore } from './event-store';

/**
 * Exports events as CloudTrail log files, exactly as CloudTrail delivers them to S3, so Athena's
 * CloudTrail table and CloudTrail Lake's import read them as they are:
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`,
 * each gzipped `{"Records":[…]}` holding one account, region and day, oldest first, split at
 * `maxRecordsPerFile`. The name's time is the file's last event, to the minute (CloudTrail names
 * a file by when it delivered it, which is after its last event).
 */
export interface ExportOptions {
  runId?: string | undefined;
  startTime?: number | undefined;
  endTime?: number | undefined;
  /** Default 10,000 (CloudTrail's own files are usually far smaller; engines read either). */
  maxRecordsPerFile?: number;
  onProgress?: (progress: { files: number; records: number }) => void;
  /** The 16-character suffix; by default derived from the file's content (see fileSuffix). */
  suffix?: () => string;
}

export interface ExportReport {
  /** Paths relative to the output folder, in the order written. */
  files: string[];
  records: number;
  /** Of `files`, those already in the folder, byte for byte (the same records exported before): left as they were. */
  unchanged: number;
  /**
   * CloudTrail log files already under the folder's AWSLogs/ that this export did not write (another
   * run's, or other times'): whoever is handed the folder gets them too.
   */
  others: number;
}

const gzipAsync = promisify(gzip);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export async function exportCloudTrailLogs(store: EventStore, outDir: string, options: ExportOptions = {}): Promise<ExportReport> {
  const maxRecords = options.maxRecordsPerFile ?? 10_000;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new RangeError(`maxRecordsPerFile must be a positive whole number, got ${maxRecords}`);
  const report: ExportReport = { files: [], records: 0, unchanged: 0, others: 0 };
  const groups = new Map<string, { account: string; region: string; day: string; records: CloudTrailRecord[] }>();

  const writeGroup = async (key: string): Promise<void> => {
    const group = groups.get(key);
    if (!group || group.records.length === 0) return;
    groups.delete(key);
    const last = group.records[group.records.length - 1] as CloudTrailRecord;
    const stamp = last.eventTime.slice(0, 16).replace(/[-:]/g, '');
    const folder = join('AWSLogs', group.account, 'CloudTrail', group.region, ...group.day.split('-'));
    const body = JSON.stringify({ Records: group.records });
    const name = `${group.account}_CloudTrail_${group.region}_${stamp}Z_${options.suffix?.() ?? fileSuffix(body)}.json.gz`;
    await mkdir(join(outDir, folder), { recursive: true });
    const written = await writeFile(join(outDir, folder, name), await gzipAsync(body), { flag: 'wx' }).then(
      () => true,
      (err: NodeJS.ErrnoException) => {
        // The name is the content's: a file by that name holds these very records, exported before.
        if (err.code === 'EEXIST' && !options.suffix) return false;
        throw err;
      },
    );
    if (!written) report.unchanged++;
    report.files.push(join(folder, name));
    report.records += group.records.length;
    options.onProgress?.({ files: report.files.length, records: report.records });
  };

  let currentDay = '';
  let after: number | undefined;
  do {
    // Pages, not one open cursor: the store stays free for the batched ingest while files are written.
    const page = store.scan({ after, runId: options.runId, startTime: options.startTime, endTime: options.endTime });
    for (const { record } of page.events) {
      const day = record.eventTime.slice(0, 10);
      if (day !== currentDay) {
        // Scans are in time order: once a new day starts, every earlier day's files are complete.
        for (const key of [...groups.keys()]) await writeGroup(key);
        currentDay = day;
      }
      const account = accountOf(record);
      const region = REGION.test(record.awsRegion) ? record.awsRegion : 'unknown-region';
      const key = `${account}/${region}/${day}`;
      let group = groups.get(key);
      if (!group) {
        group = { account, region, day, records: [] };
        groups.set(key, group);
      }
      group.records.push(record);
      if (group.records.length >= maxRecords) await writeGroup(key);
    }
    after = page.next;
  } while (after !== undefined);
  for (const key of [...groups.keys()]) await writeGroup(key);
  const ours = new Set(report.files);
  report.others = (await logFilesUnder(outDir)).filter((f) => !ours.has(f)).length;
  return report;
}

/** The CloudTrail log files under `outDir`/AWSLogs, as paths relative to `outDir`. */
async function logFilesUnder(outDir: string): Promise<string[]> {
  const entries = await readdir(join(outDir, 'AWSLogs'), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.json.gz')).map((e) => relative(outDir, join(e.parentPath, e.name)));
}

/** The account whose trail delivers the event: the recipient, else the caller's, else the resource's. Never a path-unsafe string. */
function accountOf(record: CloudTrailRecord): string {
  const candidates = [record.recipientAccountId, record.userIdentity.accountId, record.resources?.[0]?.accountId];
  return candidates.find((a): a is string => typeof a === 'string' && ACCOUNT.test(a)) ?? '000000000000';
}

/**
 * CloudTrail's 16-character [A-Za-z0-9] "unique string", taken from a SHA-256 of the file's JSON: the
 * same records exported again into the same folder give the same file name, so a second export of a
 * run finds its files there instead of writing every record twice; different records never share one.
 */
function fileSuffix(body: string): string {
  let s = '';
  for (const b of createHash('sha256').update(body).digest().subarray(0, 16)) s += ALPHABET[b % ALPHABET.length];
  return s;
}
