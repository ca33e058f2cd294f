import { stat } from 'node:fs/promises';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BatchPacker } from './event-batch';
import { InvalidEventError, type EventStore } from './event-store';
import { CloudTrailFileError, cloudTrailLogRecords, recordName } from './cloudtrail-log-file';
import { listLogFiles, NO_LOG_FILES, whyUnreadable } from './log-folder-walk';
import { counted } from '../../src-shared/count';

/**
 * Imports CloudTrail log files into the store: one file, or a folder walked recursively (the S3
 * layout `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/…json.gz`). A file is all or nothing: a
 * malformed file stores nothing and is reported with the record and field at fault, while the
 * other files of the folder still import. Files are read a record at a time, so their size is not
 * bounded by memory: a file of up to 32 MiB of records is stored in one transaction, a larger one
 * is read twice — every record checked first, then stored a part at a time. An eventID already stored is counted
 * as a duplicate, not stored again. A record an older KeyDrill exported for a call that never
 * reached KMS (marked `reachedKms: false`) is not CloudTrail: it is kept as a client-side
 * observation and counted apart. Interrupted (an aborted signal: Ctrl-C), an import stores no
 * further part and says exactly what of the file it stopped in is stored
 * (CloudTrailImportInterruptedError); a large file's parts are not taken back, since their rows
 * share minute counts, dictionary and observation tables with everything else in the store, and a
 * transaction spanning the whole file would hold the write lock (and the WAL) for minutes.
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
  /** Folders passed over as holding no CloudTrail records (CloudTrail-Digest, CloudTrail-Insight). */
  skippedFolders?: string[] | undefined;
  /** Files of a folder passed over for their name: not .json or .json.gz, so not read. */
  passedOverFiles?: string[] | undefined;
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
        `${report.duplicates ? ` (${report.duplicates} already stored)` : ''}${report.failed.length ? `, ${counted(report.failed.length, 'file')} refused (malformed, or a link that cannot be followed)` : ''}; ` +
        `${part ? 'the rest of it' : 'it'} and the ${after} file${after === 1 ? '' : 's'} after it were not imported. Importing the same path again skips what is stored.`,
      { cause },
    );
  }
}

/**
 * Stopped by the caller's signal (Ctrl-C) part-way through `file`: the files before it are stored
 * whole (see `report`, which counts the records of `file` stored too), `stored` of its `records`
 * records are (its first parts), the files after it are not. Importing again completes the import.
 */
export class CloudTrailImportInterruptedError extends Error {
  override name = 'CloudTrailImportInterruptedError';
  constructor(readonly file: string, readonly fileIndex: number, readonly report: FileImportReport, readonly stored: number, readonly records: number | undefined) {
    const n = (k: number): string => k.toLocaleString('en');
    const filesBefore = fileIndex - report.failed.length;
    const before = report.imported + report.duplicates + report.observations - stored;
    const after = report.files - fileIndex - 1;
    const ofFile = stored > 0
      ? `${n(stored)} of the ${records === undefined ? '' : `${n(records)} `}records of ${file} are stored`
      : `none of the ${records === undefined ? '' : `${n(records)} `}records of ${file} are stored`;
    const others = report.files === 1 ? '' :
      ` (file ${fileIndex + 1} of ${report.files}); ${n(before)} records from the ${filesBefore} file${filesBefore === 1 ? '' : 's'} before it are stored` +
      `${after ? `, the ${after} file${after === 1 ? '' : 's'} after it were not imported` : ''}`;
    const again = stored + before > 0 ? 'run the import again to store the rest — already stored records are skipped' : 'run the import again to import it';
    super(`interrupted: ${ofFile}${others}; ${again}`);
  }
}

export async function importCloudTrailLogs(
  store: EventStore,
  target: string,
  onProgress?: (p: FileImportProgress) => void,
  signal?: AbortSignal,
): Promise<FileImportReport> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    throw new CloudTrailFileError(target, await whyUnreadable(target, err as NodeJS.ErrnoException));
  }
  const { files, unfollowable, skipped, passedOver } = info.isDirectory() ? await listLogFiles(target) : { files: [target], unfollowable: [], skipped: [], passedOver: [] };
  // The wrong folder (a digest folder, a typo'd prefix) is an error to name, not an import of nothing.
  if (files.length + unfollowable.length === 0) throw new CloudTrailFileError(target, NO_LOG_FILES);
  const failed = unfollowable.map(({ path, problem }) => ({ file: path, error: `${path}: ${problem}` }));
  const report: FileImportReport = { files: files.length + unfollowable.length, imported: 0, duplicates: 0, observations: 0, failed, ...(skipped.length ? { skippedFolders: skipped } : {}), ...(passedOver.length ? { passedOverFiles: passedOver } : {}) };
  const progress = (file: string, filesDone: number, part?: FileCounts): void =>
    onProgress?.({
      file, filesDone, filesTotal: files.length, imported: report.imported + (part?.imported ?? 0),
      duplicates: report.duplicates + (part?.duplicates ?? 0), observations: report.observations + (part?.observations ?? 0),
    });
  for (const [i, file] of files.entries()) {
    // Stopped between files: the next one is not begun.
    if (signal?.aborted) throw new CloudTrailImportInterruptedError(file, i, report, 0, undefined);
    try {
      const result = await importCloudTrailFile(store, file, { signal, onStored: (part) => progress(file, i, part) });
      report.imported += result.imported;
      report.duplicates += result.duplicates;
      report.observations += result.observations;
    } catch (err) {
      if (err instanceof FileImportInterruptedError) {
        add(report, err.stored);
        throw new CloudTrailImportInterruptedError(file, i, report, recordCount(err.stored), err.records);
      }
      // A large file stopped part-way: what it stored is counted, and the stop said with its reason.
      const partly = err instanceof FilePartlyImportedError ? err : undefined;
      if (partly) add(report, partly.stored);
      const reason = partly ? partly.reason : err;
      // The store itself failed: stop, and say how far the import got.
      if (!(reason instanceof CloudTrailFileError)) throw new CloudTrailImportStoppedError(file, i, report, partly ?? err);
      report.failed.push({ file, error: partly ? partly.message : reason.message });
    }
    progress(file, i + 1);
  }
  return report;
}

export type FileCounts = { imported: number; duplicates: number; observations: number };

/** What a file import may be given besides the store and the file. */
export interface FileImportOptions {
  /** Once aborted (Ctrl-C), no further part of the file is stored: a FileImportInterruptedError says what is. */
  signal?: AbortSignal;
  /** After each part of a large file is stored: the file's records stored so far. */
  onStored?: (stored: FileCounts) => void;
}

/**
 * The caller's signal stopped the import of `file`: `stored` are its first records (whole parts,
 * none if it stopped while the file was being checked), of `records` in all (undefined if it
 * stopped before the file was read through).
 */
export class FileImportInterruptedError extends Error {
  override name = 'FileImportInterruptedError';
  constructor(readonly file: string, readonly stored: FileCounts, readonly records: number | undefined) {
    super(`${file}: interrupted with ${recordCount(stored)}${records === undefined ? '' : ` of its ${records}`} records stored`);
  }
}

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

/**
 * One file, all or nothing; throws CloudTrailFileError (nothing stored) if any record is malformed.
 * Once `signal` is aborted no further part is stored: FileImportInterruptedError says what is. The
 * last part stored, the file is imported, however late the signal comes.
 */
export async function importCloudTrailFile(store: EventStore, file: string, options: FileImportOptions = {}): Promise<FileCounts & { span?: EventSpan }> {
  const { signal } = options;
  const none: FileCounts = { imported: 0, duplicates: 0, observations: 0 };
  // First reading: every record checked; kept while the file is small enough to store in one transaction.
  let held: CloudTrailRecord[] = [];
  let heldBytes = 0;
  let large = false;
  const checker = new BatchPacker();
  let part: CloudTrailRecord[] = [];
  let partStart = 0;
  const span = new SpanOfTimes();
  let total = 0;
  for await (const { index, record, bytes } of cloudTrailLogRecords(file)) {
    if (signal?.aborted) throw new FileImportInterruptedError(file, none, undefined);
    total = index + 1;
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
  if (!large) {
    await stopIfAborted(signal, file, none, total, held.length);
    return { ...appendRecords(store, file, held, 0), ...span.result() };
  }
  storeCheck(checker, part, partStart, file);

  // Second reading: every record is valid; stored a part at a time.
  const stored: FileCounts = { imported: 0, duplicates: 0, observations: 0 };
  try {
    part = [];
    for await (const { index, record } of cloudTrailLogRecords(file)) {
      if (part.length === 0) partStart = index;
      part.push(record);
      if (part.length === PART_RECORDS) {
        await stopIfAborted(signal, file, stored, total, part.length);
        add(stored, appendRecords(store, file, part, partStart));
        options.onStored?.({ ...stored });
        part = [];
      }
    }
    await stopIfAborted(signal, file, stored, total, part.length);
    add(stored, appendRecords(store, file, part, partStart));
  } catch (err) {
    if (err instanceof FileImportInterruptedError || recordCount(stored) === 0) throw err;
    throw new FilePartlyImportedError(file, stored, err);
  }
  return { ...stored, ...span.result() };
}

/**
 * Before a part is stored: lets a pending signal (Ctrl-C) be handled — two turns of the event loop
 * put an I/O poll between here and the write — and stops if it was. A part of no records stores
 * nothing, so nothing is left to stop.
 */
async function stopIfAborted(signal: AbortSignal | undefined, file: string, stored: FileCounts, total: number, partRecords: number): Promise<void> {
  if (!signal || partRecords === 0) return;
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw new FileImportInterruptedError(file, { ...stored }, total);
}

function recordCount(counts: FileCounts): number {
  return counts.imported + counts.duplicates + counts.observations;
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
