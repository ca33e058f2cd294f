import { createHash, randomBytes, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
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

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/**
 * Files being written at once (one per account, region and day of the current day): an org trail's
 * day spans hundreds. Each holds a gzip stream, not its records; past this many the oldest is
 * finished early (a smaller file, as CloudTrail's own are).
 */
const MAX_OPEN_FILES = 64;
const WRITE_CHARS = 64 * 1024;

export async function exportCloudTrailLogs(store: EventStore, outDir: string, options: ExportOptions = {}): Promise<ExportReport> {
  const maxRecords = options.maxRecordsPerFile ?? 10_000;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new RangeError(`maxRecordsPerFile must be a positive whole number, got ${maxRecords}`);
  const report: ExportReport = { files: [], records: 0, unchanged: 0, others: 0 };
  // Records go to their file as they are scanned: memory follows the open files, not the records exported.
  const groups = new Map<string, LogFileSink>();

  const finishGroup = async (key: string): Promise<void> => {
    const group = groups.get(key);
    if (!group) return;
    groups.delete(key);
    const { file, records, unchanged } = await group.finish(options.suffix).catch(async (err: unknown) => {
      await group.discard();
      throw err;
    });
    if (unchanged) report.unchanged++;
    report.files.push(file);
    report.records += records;
    options.onProgress?.({ files: report.files.length, records: report.records });
  };

  try {
    let currentDay = '';
    let after: number | undefined;
    do {
      // Pages, not one open cursor: the store stays free for the batched ingest while files are written.
      const page = store.scan({ after, runId: options.runId, startTime: options.startTime, endTime: options.endTime });
      for (const { record } of page.events) {
        const day = record.eventTime.slice(0, 10);
        if (day !== currentDay) {
          // Scans are in time order: once a new day starts, every earlier day's files are complete.
          for (const key of [...groups.keys()]) await finishGroup(key);
          currentDay = day;
        }
        const account = accountOf(record);
        const region = REGION.test(record.awsRegion) ? record.awsRegion : 'unknown-region';
        const key = `${account}/${region}/${day}`;
        let group = groups.get(key);
        if (!group) {
          if (groups.size >= MAX_OPEN_FILES) await finishGroup(groups.keys().next().value as string);
          group = new LogFileSink(outDir, join('AWSLogs', account, 'CloudTrail', region, ...day.split('-')), `${account}_CloudTrail_${region}_`);
          groups.set(key, group);
        }
        await group.add(record);
        if (group.records >= maxRecords) await finishGroup(key);
      }
      after = page.next;
    } while (after !== undefined);
    for (const key of [...groups.keys()]) await finishGroup(key);
  } finally {
    // Stopped part-way (the store or the disk failed): no half-written file is left behind.
    for (const group of groups.values()) await group.discard();
  }
  const ours = new Set(report.files);
  report.others = (await logFilesUnder(outDir)).filter((f) => !ours.has(f)).length;
  return report;
}

/**
 * One log file being written: its records gzipped to a temporary file in its folder as they come,
 * its name's suffix hashed from the same JSON text, and renamed into place when finished.
 */
class LogFileSink {
  records = 0;
  private lastEventTime = '';
  private readonly hash = createHash('sha256');
  private readonly gzip = createGzip();
  private readonly temp: string;
  private done: Promise<void> | undefined;
  private buffered = '';

  constructor(private readonly outDir: string, private readonly folder: string, private readonly prefix: string) {
    this.temp = join(outDir, folder, `.keydrill-export-${process.pid}-${randomBytes(6).toString('hex')}.partial`);
  }

  async add(record: CloudTrailRecord): Promise<void> {
    if (!this.done) {
      await mkdir(join(this.outDir, this.folder), { recursive: true });
      this.done = pipeline(this.gzip, createWriteStream(this.temp, { flags: 'wx' }));
      // Seen when finished; until then a failure shows as a write that never drains.
      this.done.catch(() => undefined);
      await this.write('{"Records":[');
    }
    await this.write(`${this.records ? ',' : ''}${JSON.stringify(record)}`);
    this.records++;
    this.lastEventTime = record.eventTime;
  }

  /** The file's path under the output folder; unchanged when a file by that name (the same records, exported before) was there. */
  async finish(suffix: (() => string) | undefined): Promise<{ file: string; records: number; unchanged: boolean }> {
    await this.write(']}', true);
    this.gzip.end();
    await this.done;
    const stamp = this.lastEventTime.slice(0, 16).replace(/[-:]/g, '');
    const name = `${this.prefix}${stamp}Z_${suffix?.() ?? fileSuffix(this.hash)}.json.gz`;
    const path = join(this.outDir, this.folder, name);
    let unchanged = false;
    try {
      // Put in place only if the name is free, as writing with 'wx' did: nothing exported before is overwritten.
      await link(this.temp, path).catch((err: NodeJS.ErrnoException) => {
        // A disk without hard links (FAT on a USB stick, some shares): copied instead, just as exclusively.
        if (err.code === 'EEXIST') throw err;
        return copyFile(this.temp, path, constants.COPYFILE_EXCL);
      });
    } catch (err) {
      // The name is the content's: a file by that name holds these very records, exported before.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || suffix) throw err;
      unchanged = true;
    } finally {
      await rm(this.temp, { force: true });
    }
    return { file: join(this.folder, name), records: this.records, unchanged };
  }

  async discard(): Promise<void> {
    this.gzip.destroy();
    await this.done?.catch(() => undefined);
    await rm(this.temp, { force: true });
  }

  /** Text is handed to gzip in pieces of about WRITE_CHARS: a record's JSON is a few hundred bytes. */
  private async write(text: string, last = false): Promise<void> {
    this.buffered += text;
    if (this.buffered.length < WRITE_CHARS && !last) return;
    const piece = this.buffered;
    this.buffered = '';
    this.hash.update(piece);
    if (!this.gzip.write(piece)) await Promise.race([once(this.gzip, 'drain'), this.done]);
  }
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
function fileSuffix(hash: Hash): string {
  let s = '';
  for (const b of hash.digest().subarray(0, 16)) s += ALPHABET[b % ALPHABET.length];
  return s;
}
