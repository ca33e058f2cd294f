import { stat } from 'node:fs/promises';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BatchPacker } from './event-batch';
import { InvalidEventError, type EventStore } from './event-store';
import { CloudTrailFileError, cloudTrailLogRecords, recordName } from './cloudtrail-log-file';
import { listLogFiles, NO_LOG_FILES, whyUnreadable } from './log-folder-walk';

/**
 * Imports CloudTrail log files into the store: one file, or a folder walked recursively (the S3
 * layout `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…json.gz`). A file is all or nothing: a
 * malformed file stores nothing and is reported with the record and field at fault, while the
 * other files of the folder still import. Files are read a record at a time, so their size is not
 * bounded by memory: a file of up to 32 MiB of records is stored in one transaction, a larger one
 * is read twice — every record checked first, then stored a part at a time. An eventID already stored is counted
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
    // A large file stores a part at a time: the parts stored before the failure are said, and counted in the report.
    const part = cause instanceof FilePartlyImportedError ? cause.stored.imported + cause.stored.duplicates + cause.stored.observations : 0;
    const reason = cause instanceof FilePartlyImportedError ? (cause.reason as Error) : (cause as Error);
    super(
      `the event store failed on file ${fileIndex + 1} of ${report.files} (${file}): ${reason.message}. ` +
        (part
          ? `${report.imported} events are stored, from the ${done} file${done === 1 ? '' : 's'} before it and the first ${part} records of it`
          : `${report.imported} events from the ${done} file${done === 1 ? '' : 's'} before it are stored`) +
        `${report.duplicates ? ` (${report.duplicates} already stored)` : ''}${report.failed.length ? `, ${report.failed.length} file(s) refused (malformed, or a link that cannot be followed)` : ''}; ` +
        `${part ? 'the rest of it' : 'it'} and the ${after} file${after === 1 ? '' : 's'} after it were not imported. Importing the same path again skips what is stored.`,
      { cause },
    );
  }
}

export async function importCloudTrailLogs(store: EventStore, target: string, onProgress?: (p: FileImportProgress) => void): Promise<FileImportReport> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    throw new CloudTrailFileError(target, await whyUnreadable(target, err as NodeJS.ErrnoException));
  }
  const { files, unfollowable } = info.isDirectory() ? await listLogFiles(target) : { files: [target], unfollowable: [] };
  // The wrong folder (a digest folder, a typo'd prefix) is an error to name, not an import of nothing.
  if (files.length + unfollowable.length === 0) throw new CloudTrailFileError(target, NO_LOG_FILES);
  const failed = unfollowable.map(({ path, problem }) => ({ file: path, error: `${path}: ${problem}` }));
  const report: FileImportReport = { files: files.length + unfollowable.length, imported: 0, duplicates: 0, observations: 0, failed };
  for (const [i, file] of files.entries()) {
    try {
      const result = await importCloudTrailFile(store, file);
      report.imported += result.imported;
      report.duplicates += result.duplicates;
      report.observations += result.observations;
    } catch (err) {
      // A large file stopped part-way: what it stored is counted, and the stop said with its reason.
      const partly = err instanceof FilePartlyImportedError ? err : undefined;
      if (partly) add(report, partly.stored);
      const reason = partly ? partly.reason : err;
      // The store itself failed: stop, and say how far the import got.
      if (!(reason instanceof CloudTrailFileError)) throw new CloudTrailImportStoppedError(file, i, report, partly ?? err);
      report.failed.push({ file, error: partly ? partly.message : reason.message });
    }
    onProgress?.({ file, filesDone: i + 1, filesTotal: files.length, imported: report.imported, duplicates: report.duplicates, observations: report.observations });
  }
  return report;
}

type FileCounts = { imported: number; duplicates: number; observations: number };

/** The eventTimes of a file's first and last records in time (as the file writes them): where its events are in the Audit page. */
export interface EventSpan {
  first: string;
  last: string;
}

/**
 * A large file whose import stopped after some of its parts were stored — the store failed, or the
 * file changed between its two readings. What is stored is whole, valid records of it; importing
 * the file again completes it (what is stored counts as duplicates).
 */
export class FilePartlyImportedError extends Error {
  override name = 'FilePartlyImportedError';
  constructor(readonly file: string, readonly stored: FileCounts, readonly reason: unknown) {
    const n = stored.imported + stored.duplicates + stored.observations;
    super(`${(reason as Error).message} (the first ${n} record${n === 1 ? '' : 's'} of it ${n === 1 ? 'is' : 'are'} stored; importing it again completes it)`, { cause: reason });
  }
}

/** Records a file may have for them to be held and stored in one transaction (their JSON text; in memory a few times that). */
const HELD_BYTES = 32 * 1024 * 1024;
/** Records checked, and stored, together when a file is too large to hold. */
const PART_RECORDS = 10_000;

/** One file, all or nothing; throws CloudTrailFileError (nothing stored) if any record is malformed. */
export async function importCloudTrailFile(store: EventStore, file: string): Promise<FileCounts & { span?: EventSpan }> {
  // First reading: every record checked; kept while the file is small enough to store in one transaction.
  let held: CloudTrailRecord[] = [];
  let heldBytes = 0;
  let large = false;
  const checker = new BatchPacker();
  let part: CloudTrailRecord[] = [];
  let partStart = 0;
  const span = new SpanOfTimes();
  for await (const { index, record, bytes } of cloudTrailLogRecords(file)) {
    span.add(record.eventTime);
    if (!large) {
      held.push(record);
      heldBytes += bytes;
      if (heldBytes <= HELD_BYTES) continue;
      // Too large to hold: what was held is checked as the store would check it, then let go.
      large = true;
      for (let at = 0; at < held.length; at += PART_RECORDS) storeCheck(checker, held.slice(at, at + PART_RECORDS), at, file);
      held = [];
      continue;
    }
    if (part.length === 0) partStart = index;
    part.push(record);
    if (part.length === PART_RECORDS) {
      storeCheck(checker, part, partStart, file);
      part = [];
    }
  }
  if (!large) return { ...appendRecords(store, file, held, 0), ...span.result() };
  storeCheck(checker, part, partStart, file);

  // Second reading: every record is valid; stored a part at a time.
  const stored: FileCounts = { imported: 0, duplicates: 0, observations: 0 };
  try {
    part = [];
    for await (const { index, record } of cloudTrailLogRecords(file)) {
      if (part.length === 0) partStart = index;
      part.push(record);
      if (part.length === PART_RECORDS) {
        add(stored, appendRecords(store, file, part, partStart));
        part = [];
      }
    }
    add(stored, appendRecords(store, file, part, partStart));
  } catch (err) {
    if (stored.imported + stored.duplicates + stored.observations === 0) throw err;
    throw new FilePartlyImportedError(file, stored, err);
  }
  return { ...stored, ...span.result() };
}

/** The earliest and latest eventTime seen (records are in file order, not time order); files' spans are widened the same way. */
export class SpanOfTimes {
  private first: { at: number; text: string } | undefined;
  private last: { at: number; text: string } | undefined;

  add(eventTime: string): void {
    const at = Date.parse(eventTime);
    if (Number.isNaN(at)) return;
    if (!this.first || at < this.first.at) this.first = { at, text: eventTime };
    if (!this.last || at > this.last.at) this.last = { at, text: eventTime };
  }

  addSpan(span: EventSpan | undefined): void {
    if (!span) return;
    this.add(span.first);
    this.add(span.last);
  }

  result(): { span?: EventSpan } {
    return this.first && this.last ? { span: { first: this.first.text, last: this.last.text } } : {};
  }
}

/** The store's own checks (what append() would refuse), without storing: a refusal names the record in the file. */
function storeCheck(checker: BatchPacker, records: readonly CloudTrailRecord[], offset: number, file: string): void {
  if (records.length === 0) return;
  try {
    checker.pack(records.map((record) => ({ record })));
  } catch (err) {
    throw located(err, records, offset, file);
  }
}

/** Records `offset`… of `file` in one transaction. */
function appendRecords(store: EventStore, file: string, records: readonly CloudTrailRecord[], offset: number): FileCounts {
  if (records.length === 0) return { imported: 0, duplicates: 0, observations: 0 };
  try {
    const result = store.append(records.map((record) => ({ record })));
    // An observation already stored is a re-delivery too: counted with the duplicates, so the counts add up to the file's records.
    return { imported: result.inserted, duplicates: result.duplicates + result.observations.duplicates, observations: result.observations.inserted };
  } catch (err) {
    throw located(err, records, offset, file);
  }
}

/** A store refusal of one record, as a CloudTrailFileError naming it by its index in the file; other errors as they are. */
function located(err: unknown, records: readonly CloudTrailRecord[], offset: number, file: string): unknown {
  if (!(err instanceof InvalidEventError) || err.index === undefined) return err;
  return new CloudTrailFileError(file, `${recordName(records[err.index], offset + err.index)}: ${err.placed}`, offset + err.index);
}

function add(total: FileCounts, part: FileCounts): void {
  total.imported += part.imported;
  total.duplicates += part.duplicates;
  total.observations += part.observations;
}
