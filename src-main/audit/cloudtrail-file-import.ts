import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import { InvalidEventError, type EventStore } from './event-store';
import { CloudTrailFileError, readCloudTrailLogFile, recordName } from './cloudtrail-log-file';

/**
 * Imports CloudTrail log files into the store: one file, or a folder walked recursively (the S3
 * layout `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…json.gz`). Each file is one
 * transaction: a malformed file stores nothing and is reported with the record and field at
 * fault, while the other files of the folder still import. An eventID already stored is counted
 * as a duplicate, not stored again. A record an older KeyDrill exported for a call that never
 * reached KMS (marked `reachedKms: false`) is not CloudTrail: it is kept as a client-side
 * observation and counted apart.
 */
export interface FileImportProgress {
  file: string;
  filesDone: number;
  filesTotal: number;
  imported: number;
  duplicates: number;
  /** Client-side observations found among the records (see above), stored apart from them. */
  observations: number;
}

export interface FileImportReport {
  files: number;
  imported: number;
  duplicates: number;
  observations: number;
  failed: { file: string; error: string }[];
}

/**
 * The store itself failed (locked by another writer, disk full) part-way through: the files before
 * `file` are stored whole (see `report`), it and the files after it are not. Importing again
 * completes the import, skipping what is stored.
 */
export class CloudTrailImportStoppedError extends Error {
  override name = 'CloudTrailImportStoppedError';
  constructor(readonly file: string, readonly fileIndex: number, readonly report: FileImportReport, cause: unknown) {
    const done = fileIndex - report.failed.length;
    const after = report.files - fileIndex - 1;
    super(
      `the event store failed on file ${fileIndex + 1} of ${report.files} (${file}): ${(cause as Error).message}. ` +
        `${report.imported} events from the ${done} file${done === 1 ? '' : 's'} before it are stored` +
        `${report.duplicates ? ` (${report.duplicates} already stored)` : ''}${report.failed.length ? `, ${report.failed.length} malformed file(s) refused` : ''}; ` +
        `it and the ${after} file${after === 1 ? '' : 's'} after it were not imported. Importing the same path again skips what is stored.`,
      { cause },
    );
  }
}

/**
 * Folders CloudTrail writes beside the logs that hold no `Records` (digests) or another format
 * (Insights). Under an account's folder in AWSLogs/ only `CloudTrail` is read: a shared log bucket
 * also holds what other services deliver there (AWS Config's `Config/`, for one).
 */
const SKIPPED_FOLDERS = new Set(['CloudTrail-Digest', 'CloudTrail-Insight']);
const LOG_FILE = /\.json(\.gz)?$/;
const ACCOUNT_ID = /^\d{12}$/;
/** What a folder without log files is told; the app says the same. */
export const NO_LOG_FILES = 'holds no CloudTrail log files (.json or .json.gz, e.g. under AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/)';

export async function importCloudTrailLogs(store: EventStore, target: string, onProgress?: (p: FileImportProgress) => void): Promise<FileImportReport> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    throw new CloudTrailFileError(target, `cannot be read: ${(err as Error).message}`);
  }
  const { files, links } = info.isDirectory() ? await listLogFiles(target) : { files: [target], links: [] };
  // The wrong folder (a digest folder, a typo'd prefix) is an error to name, not an import of nothing.
  if (files.length + links.length === 0) throw new CloudTrailFileError(target, NO_LOG_FILES);
  const report: FileImportReport = { files: files.length + links.length, imported: 0, duplicates: 0, observations: 0, failed: links.map((file) => ({ file, error: `${file}: ${LINK_NOT_FOLLOWED}` })) };
  for (const [i, file] of files.entries()) {
    try {
      const result = await importCloudTrailFile(store, file);
      report.imported += result.imported;
      report.duplicates += result.duplicates;
      report.observations += result.observations;
    } catch (err) {
      // The store itself failed: stop, and say how far the import got.
      if (!(err instanceof CloudTrailFileError)) throw new CloudTrailImportStoppedError(file, i, report, err);
      report.failed.push({ file, error: err.message });
    }
    onProgress?.({ file, filesDone: i + 1, filesTotal: files.length, imported: report.imported, duplicates: report.duplicates, observations: report.observations });
  }
  return report;
}

/** One file in one transaction; throws CloudTrailFileError (nothing stored) if any record is malformed. */
export async function importCloudTrailFile(store: EventStore, file: string): Promise<{ imported: number; duplicates: number; observations: number }> {
  const records = await readCloudTrailLogFile(file);
  try {
    const result = store.append(records.map((record) => ({ record })));
    // An observation already stored is a re-delivery too: counted with the duplicates, so the counts add up to the file's records.
    return { imported: result.inserted, duplicates: result.duplicates + result.observations.duplicates, observations: result.observations.inserted };
  } catch (err) {
    if (!(err instanceof InvalidEventError) || err.index === undefined) throw err;
    const where = err.path.length ? `${err.path.join('.')}: ` : '';
    throw new CloudTrailFileError(file, `${recordName(records[err.index], err.index)}: ${where}${err.message}`, err.index);
  }
}

/** Why a symbolic link inside a folder is not imported (a link may loop, or lead out of the folder chosen). */
export const LINK_NOT_FOLLOWED = 'is a symbolic link, not followed inside a folder: import what it points to by its own path';

/** CloudTrail log files under `dir`, sorted; symbolic links are not followed but listed apart, so that they can be named. */
export async function listLogFiles(dir: string): Promise<{ files: string[]; links: string[] }> {
  const found: string[] = [];
  const links: string[] = [];
  const walk = async (folder: string, inAwsLogs: boolean): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    // AWSLogs/[<org-id>/]<account>/ holds a folder per service (CloudTrail, Config, ...): only CloudTrail's are CloudTrail logs.
    const accountFolder = inAwsLogs && ACCOUNT_ID.test(basename(folder));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && (!accountFolder || entry.name === 'CloudTrail')) await walk(path, inAwsLogs || entry.name === 'AWSLogs');
      } else if (entry.isFile() && LOG_FILE.test(entry.name)) {
        found.push(path);
      } else if (entry.isSymbolicLink()) {
        links.push(path);
      }
    }
  };
  await walk(dir, resolve(dir).split(sep).includes('AWSLogs'));
  return { files: found, links };
}
