import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { z } from 'zod';
import { CloudTrailLogFile, CloudTrailRecord } from '../../src-shared/cloudtrail';
import { issueText } from '../../src-shared/issue-text';
import { jsonFaultMessage, type JsonText } from './json-syntax-fault';
import { TEXT_START } from './text-position';
import { DocumentSyntaxError, RecordsSplitter } from './records-splitter';

/**
 * Reads one CloudTrail log file as CloudTrail delivers it to S3 — `{"Records": [...]}`, plain or
 * gzipped — a record at a time (or a saved LookupEvents answer, `{"Events": [...]}`), validating each: a file of any size is read holding one record,
 * never the whole file. The first problem is reported as a CloudTrailFileError naming the file, the
 * record (index and eventID) and the field.
 */
export class CloudTrailFileError extends Error {
  override name = 'CloudTrailFileError';
  constructor(
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
    readonly recordIndex?: number,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface LogFileRecord {
  /** Its index in the file's Records array (a saved LookupEvents answer's Events), from 0. */
  index: number;
  record: CloudTrailRecord;
  /** Length of its JSON text in the file (characters, about its bytes). */
  bytes: number;
}

/** Chunks read from disk (and out of gzip) at a time. */
const READ_BYTES = 1024 * 1024;

/** The valid records of `file`, in order; throws CloudTrailFileError at the first problem (records before it were already yielded). */
export async function* cloudTrailLogRecords(file: string): AsyncGenerator<LogFileRecord> {
  const gzipped = await startsWithGzipMagic(file);
  // Named like CloudTrail's .json.gz but neither gzip nor JSON inside: say what the name promised.
  const mislabelled = !gzipped && /\.gz$/i.test(file);
  const notJson = (what: string): CloudTrailFileError =>
    new CloudTrailFileError(file, mislabelled ? 'is named .gz but is not gzip data (nor plain JSON): a damaged or mislabelled download?' : `is not valid JSON: ${what}`);
  const ready: LogFileRecord[] = [];
  const splitter = new RecordsSplitter((element, index) => {
    const raw = parsedValue(element, `Records[${index}]`, notJson);
    ready.push({ index, record: checkedRecord(raw, index, file), bytes: element.text.length });
  });
  const source = openBytes(file, gzipped);
  try {
    for await (const chunk of source) {
      try {
        splitter.push(chunk as Buffer);
      } catch (err) {
        if (err instanceof DocumentSyntaxError) throw notJson(err.message);
        throw err;
      }
      yield* ready;
      ready.length = 0;
    }
  } catch (err) {
    if (err instanceof CloudTrailFileError) throw err;
    const e = err as NodeJS.ErrnoException;
    // zlib's errors (Z_DATA_ERROR, Z_BUF_ERROR for a cut-off file) are about the gzip data, the rest about reading the file.
    if (gzipped && typeof e.code === 'string' && e.code.startsWith('Z_')) throw new CloudTrailFileError(file, `is not a valid gzip file: ${e.message}`);
    throw new CloudTrailFileError(file, `cannot be read: ${e.message}`);
  } finally {
    source.destroy();
  }
  let frame;
  try {
    frame = splitter.end();
  } catch (err) {
    if (err instanceof DocumentSyntaxError) throw notJson(err.message);
    throw err;
  }
  // A document without a Records array (or not an object at all) is said as the schema says it.
  if (frame.notAnObject !== undefined || !frame.recordsStreamed) {
    const members = Object.create(null) as Record<string, unknown>;
    for (const [name, value] of frame.members) members[name] = parsedValue(value, `the member ${JSON.stringify(name)}`, notJson);
    const document = frame.notAnObject !== undefined ? parsedValue(frame.notAnObject, undefined, notJson) : members;
    // What `aws cloudtrail lookup-events` prints, saved to a file (an auditor is handed one by an
    // account they cannot call): each event's record, as --lookup-events stores it.
    const events = typeof document === 'object' && document !== null ? (document as { Events?: unknown }).Events : undefined;
    if (Array.isArray(events)) {
      yield* lookupEventsRecords(events, file);
      return;
    }
    const log = CloudTrailLogFile.safeParse(document);
    throw new CloudTrailFileError(file, `is not a CloudTrail log file ({"Records": [...]}): ${log.success ? 'Records: missing' : describeIssue(log.error.issues[0], document)}`);
  }
  for (const [name, value] of frame.members) parsedValue(value, `the member ${JSON.stringify(name)}`, notJson);
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CloudTrailFileError(file, 'is not a file');
    const handle = await open(file, 'r');
    try {
      const head = Buffer.alloc(2);
      const { bytesRead } = await handle.read(head, 0, 2, 0);
      // By content, not name: CloudTrail's files are .json.gz, but a downloaded copy may have lost its suffix.
      return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
    } finally {
      await handle.close();
    }
  } catch (err) {
    if (err instanceof CloudTrailFileError) throw err;
    throw new CloudTrailFileError(file, `cannot be read: ${(err as Error).message}`);
  }
}

function openBytes(file: string, gzipped: boolean): Readable {
  const bytes = createReadStream(file, { highWaterMark: READ_BYTES });
  if (!gzipped) return bytes;
  // An error of either stream ends the other and surfaces where the bytes are read.
  return pipeline(bytes, createGunzip({ chunkSize: READ_BYTES }), () => undefined);
}

/** A value of the document parsed; `what` names it in the message when it is not valid JSON (none: the whole document). */
function parsedValue(value: JsonText, what: string | undefined, notJson: (what: string) => CloudTrailFileError): unknown {
  try {
    return JSON.parse(value.text);
  } catch {
    throw notJson(jsonFaultMessage(value, what));
  }
}

/** One element of a log's Records array as a CloudTrail record, or a CloudTrailFileError naming it and the field. */
export function checkedRecord(raw: unknown, index: number, source: string, name = recordName(raw, index)): CloudTrailRecord {
  const proto = protoField(raw);
  if (proto) throw new CloudTrailFileError(source, `${name}: ${proto}: ${PROTO_REFUSED}`, index);
  const parsed = CloudTrailRecord.safeParse(raw);
  if (!parsed.success) throw new CloudTrailFileError(source, `${name}: ${describeIssue(parsed.error.issues[0], raw)}`, index);
  return parsed.data;
}

/**
 * The records of a saved LookupEvents answer, `{"Events": [{"EventId", "CloudTrailEvent": "<the
 * record as JSON text>", …}]}`: each checked as a log file's record is, a problem named by its
 * place among the Events. (Held whole while read, unlike a log file's Records: such a file is one
 * answer of at most 90 days of management events.)
 */
function* lookupEventsRecords(events: readonly unknown[], file: string): Generator<LogFileRecord> {
  for (const [index, event] of events.entries()) {
    const { EventId: id, CloudTrailEvent: text } = (typeof event === 'object' && event !== null ? event : {}) as { EventId?: unknown; CloudTrailEvent?: unknown };
    const where = `Events[${index}]${typeof id === 'string' && id ? ` (EventId ${id.slice(0, 64)})` : ''}`;
    if (typeof text !== 'string') throw new CloudTrailFileError(file, `${where}: CloudTrailEvent: missing (expected the event's CloudTrail record as JSON text, as LookupEvents gives it)`, index);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new CloudTrailFileError(file, `${where}: CloudTrailEvent is not valid JSON: ${jsonFaultMessage({ text, start: TEXT_START }, undefined)}`, index);
    }
    yield { index, record: checkedRecord(raw, index, file, `${where}: CloudTrailEvent`), bytes: text.length };
  }
}

export const PROTO_REFUSED = 'a field named __proto__ cannot be stored as it is';

/**
 * Where a parsed record holds a field named `__proto__` that validation would copy onto a new
 * object (the record, userIdentity, each resource, requestParameters, responseElements): there the
 * copy would set a prototype instead and lose the field without a word. Deeper values (an
 * encryption context) are kept as they are, such a key included.
 */
export function protoField(raw: unknown): string | undefined {
  const has = (value: unknown): boolean => typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__');
  if (typeof raw !== 'object' || raw === null) return undefined;
  if (has(raw)) return '__proto__';
  const record = raw as Record<string, unknown>;
  for (const field of ['userIdentity', 'requestParameters', 'responseElements']) if (has(record[field])) return `${field}.__proto__`;
  const resources = record.resources;
  if (Array.isArray(resources)) for (const [i, r] of resources.entries()) if (has(r)) return `resources.${i}.__proto__`;
  return undefined;
}

/** "record 3 (eventID 1234…)" — the index counts from 0, as in the file's Records array. */
export function recordName(raw: unknown, index: number): string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { eventID?: unknown }).eventID : undefined;
  return `Records[${index}]${typeof id === 'string' && id ? ` (eventID ${id.slice(0, 64)})` : ''}`;
}

/** The first problem, with its path and what the file holds there, as a reader of JSON names it. */
function describeIssue(issue: z.core.$ZodIssue | undefined, raw: unknown): string {
  if (!issue) return 'invalid';
  const value = issue.path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), raw);
  const message = issueText(issue, value, 'json');
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${message}` : message;
}
