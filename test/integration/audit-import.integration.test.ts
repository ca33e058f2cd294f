import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { CloudTrailImportStoppedError, importCloudTrailFile, importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { CloudTrailFileError } from '../../src-main/audit/cloudtrail-log-file';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';

const SAMPLES = join(import.meta.dirname, '../../resources/sample-cloudtrail');
const LOGS = join(SAMPLES, 'AWSLogs/111122223333/CloudTrail');
const PLAIN = join(LOGS, 'us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W.json');
const GZIPPED = join(LOGS, 'eu-west-1/2026/01/15/111122223333_CloudTrail_eu-west-1_20260115T0910Z_b3NzQ8xLr2VtY6pA.json.gz');

let dir: string;
let store: SqliteEventStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-import-'));
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a user sees of the store: every event, oldest first. */
const everything = () => store.scan({}).events.map((e) => e.record);

/** The sample folder copied, plus one bad file written beside its logs. */
function samplesWith(badName: string, content: string | Buffer): { folder: string; bad: string } {
  const folder = join(dir, 'logs');
  cpSync(SAMPLES, folder, { recursive: true });
  const bad = join(folder, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/17', badName);
  mkdirSync(join(bad, '..'), { recursive: true });
  writeFileSync(bad, content);
  return { folder, bad };
}

const goodLog = () => JSON.parse(readFileSync(PLAIN, 'utf8')) as { Records: Record<string, unknown>[] };

describe('importing CloudTrail log files', () => {
  it('imports a plain .json file, a .json.gz file and a folder in the S3 AWSLogs layout', async () => {
    // The file's first and last eventTimes: where the app's Audit page opens after an import.
    expect(await importCloudTrailFile(store, PLAIN)).toEqual({ imported: 5, duplicates: 0, observations: 0, span: { first: '2026-01-15T09:01:12Z', last: '2026-01-15T09:04:58Z' } });
    expect(await importCloudTrailFile(store, GZIPPED)).toMatchObject({ imported: 3, duplicates: 0, observations: 0 });
    const progress: string[] = [];
    const report = await importCloudTrailLogs(store, SAMPLES, (p) => progress.push(`${p.filesDone}/${p.filesTotal}`));
    expect(report).toEqual({ files: 3, imported: 3, duplicates: 8, observations: 0, failed: [] });
    expect(progress).toEqual(['1/3', '2/3', '3/3']);
    const events = everything();
    expect(events.map((r) => r.eventName)).toEqual(['CreateKey', 'CreateAlias', 'GenerateDataKey', 'Decrypt', 'DescribeKey', 'Decrypt', 'ReEncrypt', 'Decrypt', 'DisableKey', 'Decrypt', 'EnableKey']);
    expect(events.slice(0, 5)).toEqual(goodLog().Records);
    expect(store.lookup({ errorsOnly: true }).events.map((e) => e.record.errorCode)).toEqual(['DisabledException', 'AccessDenied']);
  });

  it('stores nothing twice when the same logs are imported again, and says how many were already there', async () => {
    await importCloudTrailLogs(store, SAMPLES);
    const before = everything();
    expect(await importCloudTrailLogs(store, SAMPLES)).toEqual({ files: 3, imported: 0, duplicates: 11, observations: 0, failed: [] });
    expect(everything()).toEqual(before);
  });

  const malformed: [string, string, string | Buffer, RegExp][] = [
    ['bad JSON', 'broken.json', '{"Records": [ {"eventVersion": "1.11",', /broken\.json: is not valid JSON: the JSON document is cut short: the file ends inside Records\[0\] at line 1, column 39 \(byte 38\)$/],
    // Said as a sentence with its place in the file, whether the frame or a record is at fault.
    ['text after the end of its JSON', 'trailing.json', `{"Records": [\n${JSON.stringify(goodLog().Records[0])}\n]}\n\n    x`, /trailing\.json: is not valid JSON: unexpected 'x' after the end of the JSON document at line 5, column 5 \(byte \d+\)$/],
    ['a record that is not JSON', 'bad-record.json', '{"Records": [\n  {"eventVersion": "1.11", "eventID": tru}\n]}', /bad-record\.json: is not valid JSON: in Records\[0\], expected a value, but found a word starting with 't' \(JSON's only words are true, false and null\) at line 2, column 39 \(byte 52\)$/],
    ['a .gz name over data that is not gzip', 'mislabelled.json.gz', 'PK\u0003\u0004 a zip archive, not gzip', /mislabelled\.json\.gz: is named \.gz but is not gzip data \(nor plain JSON\)/],
    ['no Records array', 'no-records.json', JSON.stringify({ records: [] }), /no-records\.json: is not a CloudTrail log file \(\{"Records": \[\.\.\.\]\}\): Records: missing \(expected an array\)$/],
    ['a record without eventID', 'no-id.json.gz', gzipSync(JSON.stringify({ Records: [goodLog().Records[0], { ...goodLog().Records[1], eventID: undefined }] })), /no-id\.json\.gz: Records\[1\]: eventID: missing \(expected text\)$/],
    // What the file holds, in JSON's words, not zod's "Invalid input: expected boolean, received string".
    ['a readOnly written as text', 'read-only-text.json', JSON.stringify({ Records: [{ ...goodLog().Records[0], eventID: 'ro-1', readOnly: 'yes' }] }), /read-only-text\.json: Records\[0\] \(eventID ro-1\): readOnly: expected true or false, not the text "yes"$/],
    // A saved LookupEvents answer whose event carries no record: named by its place among the Events.
    ['a LookupEvents event without its record', 'lookup-events.json', JSON.stringify({ Events: [{ EventId: 'e-1', EventName: 'Decrypt' }] }), /lookup-events\.json: Events\[0\] \(EventId e-1\): CloudTrailEvent: missing \(expected the event's CloudTrail record as JSON text, as LookupEvents gives it\)$/],
    ['a Records that is not an array', 'records-object.json', JSON.stringify({ Records: { eventID: 'x' } }), /records-object\.json: is not a CloudTrail log file \(\{"Records": \[\.\.\.\]\}\): Records: expected an array, not an object$/],
    ['an eventTime in the wrong format', 'bad-time.json', JSON.stringify({ Records: [goodLog().Records[0], { ...goodLog().Records[2], eventTime: '15/01/2026 09:03' }] }), /bad-time\.json: Records\[1\] \(eventID c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f\): eventTime: expected an ISO 8601 UTC time/],
    ['an impossible date', 'bad-date.json', JSON.stringify({ Records: [{ ...goodLog().Records[0], eventID: 'fresh-id', eventTime: '2026-02-30T00:00:00Z' }] }), /bad-date\.json: Records\[0\] \(eventID fresh-id\): eventTime 2026-02-30T00:00:00Z is not a calendar time$/],
    ['a field carrying key material', 'plaintext.json', JSON.stringify({ Records: [{ ...goodLog().Records[2], eventID: 'leak-1', responseElements: { Plaintext: 'AAAA' } }] }), /plaintext\.json: Records\[0\] \(eventID leak-1\): responseElements\.Plaintext would put key material in the audit trail; the record is refused$/],
  ];
  for (const [what, name, content, message] of malformed) {
    it(`reports a file with ${what}, naming the file and record, stores nothing from it, and still imports the others`, async () => {
      const { folder, bad } = samplesWith(name, content);
      const report = await importCloudTrailLogs(store, folder);
      expect(report.failed).toHaveLength(1);
      expect(report.failed[0]!.file).toBe(bad);
      expect(report.failed[0]!.error).toMatch(message);
      expect(report).toMatchObject({ files: 4, imported: 11, duplicates: 0 });

      const fresh = SqliteEventStore.open(':memory:');
      try {
        await importCloudTrailLogs(fresh, SAMPLES);
        expect(everything()).toEqual(fresh.scan({}).events.map((e) => e.record));
      } finally {
        fresh.close();
      }
      await expect(importCloudTrailFile(store, bad)).rejects.toBeInstanceOf(CloudTrailFileError);
      expect(store.count()).toBe(11);
    });
  }

  it('imports a file too large to hold (over 32 MiB of records, gzipped): checked whole before any record is stored, then stored in parts', async () => {
    const template = goodLog().Records[3] as Record<string, unknown>;
    const count = 60_000;
    const second = (i: number) => new Date(Date.parse('2026-01-15T00:00:00Z') + i * 1000).toISOString().replace('.000Z', 'Z');
    const records = Array.from({ length: count }, (_, i) => ({ ...template, eventID: `big-${i}`, eventTime: second(i) }));
    const text = JSON.stringify({ Records: records });
    expect(text.length).toBeGreaterThan(32 * 1024 * 1024);
    const file = join(dir, 'big.json.gz');
    // The last record is bad: past what the import holds, so only a first reading of the whole file can refuse it before storing.
    const bad = { ...records[count - 1], eventTime: '2026-02-30T00:00:00Z' };
    writeFileSync(file, gzipSync(JSON.stringify({ Records: [...records.slice(0, -1), bad] })));
    await expect(importCloudTrailFile(store, file)).rejects.toThrow(`big.json.gz: Records[${count - 1}] (eventID big-${count - 1}): eventTime 2026-02-30T00:00:00Z is not a calendar time`);
    expect(store.count()).toBe(0);

    writeFileSync(file, gzipSync(text));
    expect(await importCloudTrailFile(store, file)).toEqual({ imported: count, duplicates: 0, observations: 0, span: { first: records[0]!.eventTime, last: records[count - 1]!.eventTime } });
    expect(store.count()).toBe(count);
    expect(store.lookup({ attribute: { key: 'EventId', value: `big-${count - 1}` }, maxResults: 1 }).events[0]?.record).toEqual(records[count - 1]);
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 0, duplicates: count, observations: 0 });
  }, 120_000);

  it('leaves the store unchanged when one record of a file is bad, even if the others are new', async () => {
    await importCloudTrailFile(store, PLAIN);
    const before = everything();
    const records: Record<string, unknown>[] = goodLog().Records.map((r, i) => ({ ...r, eventID: `new-${i}` }));
    records[4] = { ...records[4], awsRegion: 42 };
    const file = join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify({ Records: records }));
    await expect(importCloudTrailFile(store, file)).rejects.toThrow(/mixed\.json: Records\[4\] \(eventID new-4\): awsRegion: /);
    expect(everything()).toEqual(before);
  });

  it('imports the records other services write with a redacted secret, such as EC2 CreateKeyPair\'s keyMaterial, and the KMS calls of the same file', async () => {
    // As the CloudTrail user guide's log file examples show it: AWS writes the field, never the secret.
    const createKeyPair = {
      eventVersion: '1.08',
      userIdentity: { type: 'IAMUser', principalId: 'AIDA6ON6E4XEGIEXAMPLE', arn: 'arn:aws:iam::111122223333:user/Arnav', accountId: '111122223333', accessKeyId: 'AKIAI44QH8DHBEXAMPLE', userName: 'Arnav' },
      eventTime: '2026-01-15T09:06:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'CreateKeyPair', awsRegion: 'us-east-1', sourceIPAddress: '192.0.2.0', userAgent: 'aws-cli/2.13.5',
      requestParameters: { keyName: 'my-key', keyType: 'rsa', keyFormat: 'pem' },
      responseElements: { requestId: '9aa4938f-720f-4f4b-9637-0123456a196f', keyName: 'my-key', keyFingerprint: '1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f', keyPairId: 'key-abcd12345eEXAMPLE', keyMaterial: '<sensitiveDataRemoved>' },
      requestID: '9aa4938f-720f-4f4b-9637-0123456a196f', eventID: '2ae450ff-e72b-4de1-87b0-0123455227cb', readOnly: false, eventType: 'AwsApiCall', managementEvent: true,
      recipientAccountId: '111122223333', eventCategory: 'Management', sessionCredentialFromConsole: 'true',
    };
    // CloudTrail's other redaction marker, under another field name the guard watches.
    const hidden = { ...createKeyPair, eventID: '2ae450ff-e72b-4de1-87b0-0123455227cc', requestParameters: { keyName: 'imported', privateKey: 'HIDDEN_DUE_TO_SECURITY_REASONS' } };
    const file = join(dir, '111122223333_CloudTrail_us-east-1_20260115T0910Z_Ab12Cd34Ef56Gh78.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify({ Records: [...goodLog().Records, createKeyPair, hidden] })));
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 7, duplicates: 0, observations: 0 });
    expect(everything()).toEqual([...goodLog().Records, createKeyPair, hidden]);
  });

  it('still refuses a field named for key material that holds a value rather than CloudTrail\'s redaction', async () => {
    const file = join(dir, 'leak.json');
    writeFileSync(file, JSON.stringify({ Records: [{ ...goodLog().Records[2], eventID: 'leak-2', responseElements: { keyMaterial: 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ==' } }] }));
    await expect(importCloudTrailFile(store, file)).rejects.toThrow(/leak\.json: Records\[0\] \(eventID leak-2\): responseElements\.keyMaterial would put key material in the audit trail; the record is refused$/);
    expect(store.count()).toBe(0);
  });

  it('refuses key material one level down or under additionalEventData as it refuses it at the top, naming where; an encryption context is the caller\'s labels and is stored', async () => {
    const file = join(dir, 'nested.json');
    const dataKey = randomBytes(32).toString('base64');
    const base = goodLog().Records[2] as Record<string, unknown>;
    for (const [what, leak, path] of [
      ['a data key inside a response member', { responseElements: { dataKey: { Plaintext: dataKey } } }, 'responseElements.dataKey.Plaintext'],
      ['a list of keys', { responseElements: { keys: [{ id: 'k1' }, { plaintext: dataKey }] } }, 'responseElements.keys.1.plaintext'],
      ['additionalEventData', { additionalEventData: { plaintext: dataKey } }, 'additionalEventData.plaintext'],
    ] as const) {
      writeFileSync(file, JSON.stringify({ Records: [{ ...base, eventID: `nested-${what}`, ...leak }] }));
      const refused = importCloudTrailFile(store, file);
      await expect(refused, what).rejects.toThrow(`: ${path} would put key material in the audit trail; the record is refused`);
      await expect(refused, what).rejects.not.toThrow(dataKey);
    }
    expect(store.count()).toBe(0);
    const labelled = { ...base, eventID: 'context-label', requestParameters: { keyId: 'alias/tenant-a', encryptionContext: { plaintext: 'no', tenant: 'a' } } };
    writeFileSync(file, JSON.stringify({ Records: [labelled] }));
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 1 });
    expect(everything()).toEqual([labelled]);
  });

  it('imports what `aws cloudtrail lookup-events` saves, as --lookup-events stores it: the same records a log file holds count as already stored', async () => {
    const records = goodLog().Records;
    const answer = { Events: records.map((r) => ({ EventId: r.eventID, EventName: r.eventName, EventTime: r.eventTime, Username: 'x', CloudTrailEvent: JSON.stringify(r) })), NextToken: null };
    const file = join(dir, 'lookup-events.json');
    writeFileSync(file, JSON.stringify(answer, null, 2));
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 5, duplicates: 0 });
    expect(everything()).toEqual(records);
    expect(await importCloudTrailFile(store, PLAIN)).toMatchObject({ imported: 0, duplicates: 5 });
    // An event whose record is not a CloudTrail record is refused with its place, and nothing of the file is stored.
    writeFileSync(file, JSON.stringify({ Events: [{ EventId: 'new-1', CloudTrailEvent: JSON.stringify({ ...records[0], eventID: 'new-1' }) }, { EventId: 'new-2', CloudTrailEvent: JSON.stringify({ ...records[1], eventID: 'new-2', eventName: 7 }) }] }));
    await expect(importCloudTrailFile(store, file)).rejects.toThrow(/lookup-events\.json: Events\[1\] \(EventId new-2\): CloudTrailEvent: eventName: /);
    expect(store.count()).toBe(5);
  });

  it('imports a log exported from CloudTrail Lake or Athena, which writes null where AWS leaves a field out, and stores those fields as absent', async () => {
    const records = goodLog().Records;
    const decrypt = records.find((r) => r.eventName === 'Decrypt');
    const failed = records.find((r) => r.eventName === 'GenerateDataKey');
    if (!decrypt || !failed) throw new Error('the sample log has a Decrypt and a GenerateDataKey record');
    const empties = { errorCode: null, errorMessage: null, sharedEventID: null, vpcEndpointId: null, additionalEventData: null };
    const exported = [
      { ...decrypt, eventID: 'lake-1', ...empties, userIdentity: { ...(decrypt.userIdentity as object), invokedBy: null, userName: null } },
      { ...failed, eventID: 'lake-2', errorCode: 'AccessDeniedException', errorMessage: 'denied', resources: null, readOnly: null, managementEvent: null },
    ];
    const file = join(dir, 'lake-export.json');
    writeFileSync(file, JSON.stringify({ Records: exported }));
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 2, duplicates: 0 });
    const byId = new Map(everything().map((r) => [r.eventID, r]));
    const [first, second] = [byId.get('lake-1'), byId.get('lake-2')];
    // Null in a field CloudTrail defines is no value: the field is left out, as AWS writes it.
    const { userName: _u, ...identity } = decrypt.userIdentity as Record<string, unknown>;
    expect(first).toEqual({ ...decrypt, eventID: 'lake-1', userIdentity: identity, vpcEndpointId: null, additionalEventData: null });
    expect(first).not.toHaveProperty('errorCode');
    const { resources: _r, readOnly: _o, managementEvent: _m, ...rest } = failed;
    expect(second).toEqual({ ...rest, eventID: 'lake-2', errorCode: 'AccessDeniedException', errorMessage: 'denied' });
    // A null where CloudTrail writes a value is still refused, with its place.
    writeFileSync(file, JSON.stringify({ Records: [{ ...decrypt, eventID: 'lake-3', eventName: null }] }));
    await expect(importCloudTrailFile(store, file)).rejects.toThrow(/lake-export\.json: Records\[0\] \(eventID lake-3\): eventName: /);
  });

  it('reads a log file saved with a UTF-8 byte order mark and Windows line ends, as an editor on Windows writes it', async () => {
    const file = join(dir, 'edited.json');
    writeFileSync(file, `\ufeff${JSON.stringify(goodLog(), null, 2).replace(/\n/g, '\r\n')}`);
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 5, duplicates: 0, observations: 0 });
    expect(everything()).toEqual(goodLog().Records);
    writeFileSync(file, gzipSync(`\ufeff${JSON.stringify(goodLog())}`));
    expect(await importCloudTrailFile(store, file)).toMatchObject({ imported: 0, duplicates: 5, observations: 0 });
  });

  it('skips CloudTrail digest and Insights folders that sit beside the logs', async () => {
    const folder = join(dir, 'bucket');
    cpSync(SAMPLES, folder, { recursive: true });
    const digest = join(folder, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/15');
    mkdirSync(digest, { recursive: true });
    writeFileSync(join(digest, '111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260115T091500Z.json.gz'), gzipSync('{"awsAccountId":"111122223333","digestStartTime":"2026-01-15T08:15:00Z"}'));
    // Passed over, and said: a trial's folder of 8 files read "files: 7" with no word of the eighth.
    expect(await importCloudTrailLogs(store, folder)).toEqual({ files: 3, imported: 11, duplicates: 0, observations: 0, failed: [], skippedFolders: [join(folder, 'AWSLogs/111122223333/CloudTrail-Digest')] });
  });

  it('when the store itself fails part-way through a folder, says which files were stored whole and which were not, and a second import completes it', async () => {
    store.close();
    const file = join(dir, 'events.sqlite');
    // No waiting for a lock: another process (the app running a drill) holds the write lock from the second file on.
    store = SqliteEventStore.open(file, { busyTimeoutMs: 0 });
    const other = new Database(file);
    try {
      const error = await importCloudTrailLogs(store, SAMPLES, (p) => {
        if (p.filesDone === 1) other.exec('BEGIN IMMEDIATE');
      }).then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(CloudTrailImportStoppedError);
      const stopped = error as CloudTrailImportStoppedError;
      expect(stopped.report).toEqual({ files: 3, imported: 3, duplicates: 0, observations: 0, failed: [] });
      expect(stopped.file).toBe(PLAIN);
      expect(stopped.message).toMatch(/the event store failed on file 2 of 3 \(.*us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W\.json\): database is locked/);
      expect(stopped.message).toMatch(/3 events from the 1 file before it are stored; it and the 1 file after it were not imported/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.count()).toBe(3);
    expect(await importCloudTrailLogs(store, SAMPLES)).toEqual({ files: 3, imported: 8, duplicates: 3, observations: 0, failed: [] });
  });

  it('when the store fails in the middle of a file too large to hold, counts the part it stored and says so; a second import completes it', async () => {
    const template = goodLog().Records[3] as Record<string, unknown>;
    const count = 30_000;
    const records = Array.from({ length: count }, (_, i) => ({ ...template, eventID: `part-${i}`, requestParameters: { ...(template.requestParameters as object), pad: 'x'.repeat(600) } }));
    const folder = join(dir, 'big');
    mkdirSync(folder);
    writeFileSync(join(folder, 'big.json'), JSON.stringify({ Records: records }));
    store.close();
    const file = join(dir, 'events.sqlite');
    store = SqliteEventStore.open(file, { busyTimeoutMs: 0 });
    const other = new Database(file);
    // Another writer takes the lock once the first part of the file is stored.
    const append = store.append.bind(store);
    let parts = 0;
    store.append = (...args) => {
      if (++parts === 2) other.exec('BEGIN IMMEDIATE');
      return append(...args);
    };
    try {
      const error = await importCloudTrailLogs(store, folder).then(() => undefined, (err: unknown) => err);
      expect(error).toBeInstanceOf(CloudTrailImportStoppedError);
      const stopped = error as CloudTrailImportStoppedError;
      expect(stopped.report).toEqual({ files: 1, imported: 10_000, duplicates: 0, observations: 0, failed: [] });
      expect(stopped.message).toMatch(/failed on file 1 of 1 \(.*big\.json\): database is locked\. 10000 events are stored, from the 0 files before it and the first 10000 records of it; the rest of it and the 0 files after it were not imported/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(store.count()).toBe(10_000);
    expect(await importCloudTrailLogs(store, folder)).toEqual({ files: 1, imported: 20_000, duplicates: 10_000, observations: 0, failed: [] });
  }, 120_000);

  it('refuses a folder that holds no log files (only digests, say) rather than report an import of nothing', async () => {
    const folder = join(dir, 'digests');
    mkdirSync(join(folder, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1'), { recursive: true });
    writeFileSync(join(folder, 'README.txt'), 'copied from the bucket');
    await expect(importCloudTrailLogs(store, folder)).rejects.toThrow(/digests: holds no CloudTrail log files \(\.json or \.json\.gz, e\.g\. under AWSLogs\/<account>\/CloudTrail\/<region>\/YYYY\/MM\/DD\/\)/);
  });

  it('reads only the CloudTrail folder of each account in a shared log bucket, not what AWS Config and other services deliver beside it', async () => {
    const folder = join(dir, 'log-archive');
    cpSync(SAMPLES, folder, { recursive: true });
    // Where AWS Config delivers configuration history (the s3ObjectKey of its delivery notification).
    const config = join(folder, 'AWSLogs/111122223333/Config/us-east-1/2026/1/15/ConfigHistory');
    mkdirSync(config, { recursive: true });
    writeFileSync(join(config, '111122223333_Config_us-east-1_ConfigHistory_AWS::KMS::Key_20260115T091500Z_20260115T091500Z_1.json.gz'), gzipSync(JSON.stringify({ fileVersion: '1.0', configurationItems: [] })));
    expect(await importCloudTrailLogs(store, folder)).toEqual({ files: 3, imported: 11, duplicates: 0, observations: 0, failed: [] });
  });

  it('refuses a record with a field named __proto__ where the record is copied field by field, rather than drop the field unsaid', async () => {
    // JSON.parse keeps "__proto__" as a field; copying it onto a new object would set a prototype instead, and lose the field.
    for (const [where, text] of [
      ['requestParameters.__proto__', '"requestParameters":{"__proto__":{"keyId":"arn:aws:kms:us-east-1:111122223333:key/other"},'],
      ['userIdentity.__proto__', '"userIdentity":{"__proto__":"x",'],
      ['__proto__', '"eventVersion":"1.11","__proto__":{"x":1},'],
    ] as const) {
      const record = JSON.stringify({ ...goodLog().Records[2], eventID: 'proto-1', eventVersion: '1.11' });
      const file = join(dir, 'proto.json');
      const key = text.slice(1, text.indexOf('"', 1));
      writeFileSync(file, `{"Records":[${record.replace(`"${key}":${key === 'eventVersion' ? '"1.11",' : '{'}`, text)}]}`);
      await expect(importCloudTrailFile(store, file), where).rejects.toThrow(`proto.json: Records[0] (eventID proto-1): ${where}: a field named __proto__ cannot be stored as it is`);
    }
    expect(store.count()).toBe(0);
  });

  it('says plainly when the path to import does not exist', async () => {
    await expect(importCloudTrailLogs(store, join(dir, 'nowhere'))).rejects.toThrow(/nowhere: cannot be read: ENOENT/);
  });
});
