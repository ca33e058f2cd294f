import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { z } from 'zod';
import { CloudTrailLogFile, CloudTrailRecord } from '../../src-shared/cloudtrail';

/**
 * Reads one CloudTrail log file as CloudTrail delivers it to S3 — `{"Records": [...]}`, plain or
 * gzipped — and validates every record. A file is all or nothing: the first problem is reported
 * as a CloudTrailFileError naming the file, the record (index and eventID) and the field.
 */
const MAX_FILE_BYTES = 512 * 1024 * 1024;
const gunzipAsync = promisify(gunzip);

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

export async function readCloudTrailLogFile(file: string): Promise<CloudTrailRecord[]> {
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CloudTrailFileError(file, 'is not a file');
    if (info.size > MAX_FILE_BYTES) throw new CloudTrailFileError(file, `is ${info.size} bytes; a CloudTrail log file is at most ${MAX_FILE_BYTES} bytes here`);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof CloudTrailFileError) throw err;
    throw new CloudTrailFileError(file, `cannot be read: ${(err as Error).message}`);
  }
  // By content, not name: CloudTrail's files are .json.gz, but a downloaded copy may have lost its suffix.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: MAX_FILE_BYTES });
    } catch (err) {
      // zlib stops at maxOutputLength: say that, not "invalid gzip", for a file that only expands too far (a gzip bomb).
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new CloudTrailFileError(file, `decompresses to more than ${MAX_FILE_BYTES / 1024 / 1024} MiB, the limit for one CloudTrail log file (CloudTrail writes far smaller ones): a gzip bomb, or not a CloudTrail log file`);
      }
      throw new CloudTrailFileError(file, `is not a valid gzip file: ${(err as Error).message}`);
    }
  }
  let json: unknown;
  try {
    // A byte order mark is no JSON (RFC 8259 lets a reader ignore it), but editors on Windows add one to files they save.
    const text = bytes.toString('utf8');
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    // Named like CloudTrail's .json.gz but neither gzip nor JSON inside: say what the name promised.
    const gz = /\.gz$/i.test(file) && !(bytes[0] === 0x1f && bytes[1] === 0x8b);
    throw new CloudTrailFileError(file, gz ? 'is named .gz but is not gzip data (nor plain JSON): a damaged or mislabelled download?' : `is not valid JSON: ${(err as Error).message}`);
  }
  return parseCloudTrailLog(json, file);
}

/** Validates a parsed `{"Records": [...]}` document; `source` names it in errors. */
export function parseCloudTrailLog(json: unknown, source: string): CloudTrailRecord[] {
  const log = CloudTrailLogFile.safeParse(json);
  if (!log.success) {
    throw new CloudTrailFileError(source, `is not a CloudTrail log file ({"Records": [...]}): ${describeIssue(log.error.issues[0])}`);
  }
  const records: CloudTrailRecord[] = [];
  log.data.Records.forEach((raw, index) => {
    const proto = protoField(raw);
    if (proto) throw new CloudTrailFileError(source, `${recordName(raw, index)}: ${proto}: ${PROTO_REFUSED}`, index);
    const parsed = CloudTrailRecord.safeParse(raw);
    if (!parsed.success) throw new CloudTrailFileError(source, `${recordName(raw, index)}: ${describeIssue(parsed.error.issues[0])}`, index);
    records.push(parsed.data);
  });
  return records;
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

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
