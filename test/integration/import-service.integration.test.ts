import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, ApiEventPayload } from '../../src-shared/api';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppError } from '../../src-main/app/app-error';
import { AppServices, type AppServicesOptions } from '../../src-main/app/app-services';
import { defaultCloudTrailClient, type CloudTrailTarget } from '../../src-main/app/import-service';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { startKms, type KmsHarness } from '../support/kms-harness';

/**
 * The import service behind `audit:import-files`, `audit:import-lookup` and the desktop File menu:
 * real SQLite files, real gzipped log files from the exporter, and LookupEvents read with the real
 * @aws-sdk/client-cloudtrail from a real embedded KMS over HTTP that serves another event store.
 */
const SAMPLES = join(import.meta.dirname, '../../resources/sample-cloudtrail/AWSLogs/111122223333/CloudTrail');
const SAMPLE_JSON = join(SAMPLES, 'us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W.json');
const START = Date.UTC(2026, 1, 3, 22);
/** A 32-byte data key as KMS returns it in base64: it must never reach an event or an error. */
const KEY_B64 = Buffer.from('8f4bd0e2a1c35977b6e0d4f2a8c1e3b5d7f90a2c4e6b8d0f1a3c5e7092b4d6f8', 'hex').toString('base64');

let scratch: string;
let source: SqliteEventStore;
let records: CloudTrailRecord[];
let exported: string;
let h: KmsHarness;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'keydrill-import-svc-'));
  // The other side: a store full of events across two days and two regions, exported as S3-layout .json.gz files and served by a KMS.
  source = SqliteEventStore.open(join(scratch, 'source.sqlite'));
  records = [...syntheticKmsEvents({ count: 420, start: START, durationMs: 4 * 3_600_000, regions: ['us-east-1', 'eu-west-1'], seed: 11 })];
  source.append(records.map((record) => ({ record })));
  exported = join(scratch, 'exported');
  await exportCloudTrailLogs(source, exported);
  h = await startKms({ eventStore: source });
});

afterAll(async () => {
  await h?.close();
  source?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let home: string;
let uploads: string;
let services: AppServices;
let ctx: AppContext;
let events: { name: ApiEvent; payload: unknown }[];

function open(options: Partial<AppServicesOptions> = {}): void {
  home = mkdtempSync(join(scratch, 'home-'));
  uploads = join(home, 'uploads');
  mkdirSync(uploads);
  services = new AppServices({ home, tempDir: uploads, ...options });
  ctx = { services };
  events = [];
  services.events.onAny((name, payload) => events.push({ name, payload }));
}

beforeEach(() => open());
afterEach(async () => {
  await services.close();
  vi.unstubAllEnvs();
});

const progressOf = (jobId: string) => events.filter((e) => e.name === 'import:progress').map((e) => e.payload as ApiEventPayload<'import:progress'>).filter((p) => p.jobId === jobId);
const finishedOf = (jobId: string) => events.filter((e) => e.name === 'import:finished').map((e) => e.payload as ApiEventPayload<'import:finished'>).find((p) => p.jobId === jobId);

/** What `callApi` answers for a job start; fails the test with the error when it was refused. */
async function start(channel: 'audit:import-files' | 'audit:import-lookup', args: unknown): Promise<string> {
  const outcome = await callApi(ctx, channel, args);
  if (!outcome.ok) throw new Error(`${channel} refused: ${outcome.error.message}`);
  return (outcome.result as { jobId: string }).jobId;
}

async function finished(jobId: string): Promise<ApiEventPayload<'import:finished'>> {
  await services.imports.idle();
  const end = finishedOf(jobId);
  if (!end) throw new Error(`job ${jobId} ended without import:finished`);
  return end;
}

const upload = (path: string, name = basename(path)) => ({ name, data: readFileSync(path).toString('base64') });
const exportedFiles = (): string[] => readdirSync(exported, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json.gz')).sort().map((f) => join(exported, f));
const storedIds = () => services.eventStore().scan({ limit: 100_000 }).events.map((e) => e.record.eventID);
const sampleRecords = () => (JSON.parse(readFileSync(SAMPLE_JSON, 'utf8')) as { Records: Record<string, unknown>[] }).Records;

describe('importing uploaded CloudTrail log files (audit:import-files)', () => {
  it('stores every event of real .json.gz files, reports progress per file, stores nothing twice, and leaves no temp files', async () => {
    const files = exportedFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    const jobId = await start('audit:import-files', { files: files.map((f) => upload(f)) });
    const end = await finished(jobId);
    // Where the files' events are in time, earliest to latest: the Audit page opens there.
    expect(end).toEqual({ jobId, ok: true, source: 'files', stored: records.length, duplicates: 0, span: { first: '2026-02-03T22:00:08Z', last: '2026-02-04T01:59:38Z' }, failed: [] });
    const progress = progressOf(jobId);
    expect(progress.map((p) => `${p.done}/${p.total} ${p.current}`)).toEqual(files.map((f, i) => `${i + 1}/${files.length} ${basename(f)}`));
    expect(progress.at(-1)).toMatchObject({ stored: records.length, duplicates: 0, source: 'files' });
    expect(storedIds().sort()).toEqual(records.map((r) => r.eventID).sort());
    // The Audit page sees them through the same contract.
    const page = await callApi(ctx, 'audit:lookup', { region: 'eu-west-1', maxResults: 2000 });
    expect(page.ok && (page.result as { events: unknown[] }).events.length).toBe(records.filter((r) => r.awsRegion === 'eu-west-1').length);

    const again = await start('audit:import-files', { files: files.map((f) => upload(f)) });
    expect(await finished(again)).toMatchObject({ ok: true, stored: 0, duplicates: records.length, failed: [] });
    expect(services.eventStore().count()).toBe(records.length);
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('refuses a malformed file whole, naming it and the record at fault, while the other files import', async () => {
    const fresh = sampleRecords().map((r, i) => ({ ...r, eventID: `fresh-${i}` }));
    const badTime = fresh.map((r, i) => (i === 2 ? { ...r, eventTime: '03/02/2026 22:15' } : r));
    const leaking = [{ ...fresh[2], eventID: 'leak-1', responseElements: { Plaintext: KEY_B64, keyId: 'k' } }];
    const jobId = await start('audit:import-files', {
      files: [
        upload(SAMPLE_JSON),
        { name: 'bad-time.json.gz', data: gzipSync(JSON.stringify({ Records: badTime })).toString('base64') },
        { name: 'leak.json', data: Buffer.from(JSON.stringify({ Records: leaking })).toString('base64') },
        { name: 'truncated.json', data: Buffer.from('{"Records": [ {"eventVersion": "1.11",').toString('base64') },
      ],
    });
    const end = await finished(jobId);
    if (!end.ok) throw new Error(end.error);
    expect(end.stored).toBe(5);
    expect(end.failed.map((f) => f.file)).toEqual(['bad-time.json.gz', 'leak.json', 'truncated.json']);
    expect(end.failed[0]!.error).toMatch(/^bad-time\.json\.gz: Records\[2\] \(eventID fresh-2\): eventTime: /);
    expect(end.failed[1]!.error).toMatch(/^leak\.json: Records\[0\] \(eventID leak-1\): responseElements\.Plaintext would put key material in the audit trail; the record is refused$/);
    expect(end.failed[2]!.error).toMatch(/^truncated\.json: is not valid JSON/);
    // Nothing of a refused file is stored, not even its good records; the temp path never shows.
    expect(storedIds().filter((id) => id.startsWith('fresh-') || id === 'leak-1')).toEqual([]);
    expect(JSON.stringify(events)).not.toContain(uploads);
    expect(JSON.stringify(events)).not.toContain(KEY_B64);
    expect(progressOf(jobId).map((p) => p.done)).toEqual([1, 2, 3, 4]);
  });

  it('counts the records an older KeyDrill exported for calls that never reached KMS, which it keeps as client-side observations', async () => {
    const [call] = sampleRecords();
    // KeyDrill before schema 2 wrote a call that never reached KMS as a record marked reachedKms: false.
    const neverReached = { ...call, eventID: 'never-reached-1', errorCode: 'TimeoutError', errorMessage: 'connect ETIMEDOUT', additionalEventData: { reachedKms: false } };
    const jobId = await start('audit:import-files', { files: [{ name: 'old-export.json', data: Buffer.from(JSON.stringify({ Records: [call, neverReached] })).toString('base64') }] });
    expect(await finished(jobId)).toEqual({ jobId, ok: true, source: 'files', stored: 1, observations: 1, duplicates: 0, span: { first: '2026-01-15T09:01:12Z', last: '2026-01-15T09:01:12Z' }, failed: [] });
    expect(services.eventStore().countObservations()).toBe(1);
    const again = await start('audit:import-files', { files: [{ name: 'old-export.json', data: Buffer.from(JSON.stringify({ Records: [call, neverReached] })).toString('base64') }] });
    // Both records were already stored: each is a duplicate, whichever table holds it.
    expect(await finished(again)).toMatchObject({ jobId: again, ok: true, source: 'files', stored: 0, duplicates: 2, failed: [] });
  });

  it('when the store fails part-way (another writer holds its lock), says at which file, what was stored before it and what was not', async () => {
    await services.close();
    const file = join(mkdtempSync(join(scratch, 'locked-')), 'events.sqlite');
    const store = SqliteEventStore.open(file, { busyTimeoutMs: 0 });
    const other = new Database(file);
    try {
      open({ store });
      services.events.onAny((name, payload) => {
        if (name === 'import:progress' && (payload as { done: number }).done === 1) other.exec('BEGIN IMMEDIATE');
      });
      const a = sampleRecords();
      const upload = (name: string, prefix: string) => ({ name, data: Buffer.from(JSON.stringify({ Records: a.map((r, i) => ({ ...r, eventID: `${prefix}-${i}` })) })).toString('base64') });
      const jobId = await start('audit:import-files', { files: [upload('one.json', 'one'), upload('two.json', 'two'), upload('three.json', 'three')] });
      expect(await finished(jobId)).toEqual({
        jobId, ok: false, source: 'files', stored: 5,
        error: 'The event store failed on two.json (file 2 of 3): database is locked. The 1 file before it is stored whole (5 events); two.json and the 1 file after it were not imported. Importing them again skips what is stored.',
      });
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      await services.close();
      store.close();
    }
  });

  it('keeps two uploads that share a name apart', async () => {
    const a = sampleRecords();
    const b = a.map((r, i) => ({ ...r, eventID: `second-${i}` }));
    const jobId = await start('audit:import-files', {
      files: [{ name: 'log.json', data: Buffer.from(JSON.stringify({ Records: a })).toString('base64') }, { name: 'log.json', data: Buffer.from(JSON.stringify({ Records: b })).toString('base64') }],
    });
    expect(await finished(jobId)).toMatchObject({ ok: true, stored: 10, duplicates: 0, failed: [] });
  });

  it('refuses bad input before any job, saying which field', async () => {
    const refused = async (args: unknown) => {
      const outcome = await callApi(ctx, 'audit:import-files', args);
      if (outcome.ok) throw new Error('expected a refusal');
      return outcome.error;
    };
    const good = upload(SAMPLE_JSON);
    expect(await refused({ files: [good, { name: 'x.json', data: 'not base64 at all!' }] })).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/^audit:import-files: files\.1\.data: expected the file bytes in base64/) });
    expect(await refused({ files: [{ ...good, name: '../../etc/evil.json' }] })).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/files\.0\.name: expected a file name without folders/) });
    expect(await refused({ files: [{ ...good, name: 'C:\\logs\\a.json' }] })).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/files\.0\.name: /) });
    expect(await refused({ files: [] })).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/files: /) });
    expect(await refused({ files: [{ ...good, name: '..' }] })).toMatchObject({ code: 'bad-request', message: "files.0.name: expected a file name, not '..'" });
    expect(await refused({ files: [good], extra: 1 })).toMatchObject({ code: 'bad-request' });
    expect(events).toEqual([]);
  });
});

describe('importing files and folders on disk (the desktop File menu)', () => {
  it('walks a folder in the S3 AWSLogs layout and takes single files beside it', async () => {
    const { jobId, files } = await services.imports.startPaths([exported, SAMPLE_JSON]);
    expect(files).toBe(exportedFiles().length + 1);
    expect(await finished(jobId)).toEqual({ jobId, ok: true, source: 'files', stored: records.length + 5, duplicates: 0, span: { first: '2026-01-15T09:01:12Z', last: '2026-02-04T01:59:38Z' }, failed: [] });
    expect(progressOf(jobId).map((p) => p.current)).toEqual([...exportedFiles(), SAMPLE_JSON]);
  });

  it('imports a symbolic link inside a chosen folder like the file it leads to, names a dangling one, and imports the rest', async () => {
    const folder = mkdtempSync(join(scratch, 'linked-'));
    symlinkSync(SAMPLE_JSON, join(folder, 'sample.json'));
    const dangling = join(folder, 'gone.json');
    symlinkSync(join(scratch, 'no-such-log.json'), dangling);
    writeFileSync(join(folder, 'real.json'), readFileSync(SAMPLE_JSON));
    const { jobId, files } = await services.imports.startPaths([folder]);
    expect(files).toBe(3);
    expect(await finished(jobId)).toMatchObject({
      jobId, ok: true, source: 'files', stored: 5, duplicates: 5,
      failed: [{ file: dangling, error: `${dangling}: is a symbolic link to ${join(scratch, 'no-such-log.json')}, which does not exist (a dangling link): nothing was imported from it` }],
    });
  });

  it('refuses a path that cannot be read, or a folder with no log files, before any job', async () => {
    const missing = join(scratch, 'no-such-folder');
    const error = await services.imports.startPaths([exported, missing]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'not-found', message: `Cannot import ${missing}: no such file or folder.` });
    const empty = mkdtempSync(join(scratch, 'empty-'));
    await expect(services.imports.startPaths([empty])).rejects.toThrow(`${empty} holds no CloudTrail log files`);
    await expect(services.imports.startPaths([])).rejects.toThrow(/at least one/);
    expect(events).toEqual([]);
  });
});

describe('importing from CloudTrail LookupEvents (audit:import-lookup)', () => {
  const inRegion = (region: string) => records.filter((r) => r.awsRegion === region);
  const admin = () => h.kms.identity('admin');

  it('reads every page from a real embedded KMS over HTTP, one progress event per page, and stores the events', async () => {
    await services.close();
    const targets: CloudTrailTarget[] = [];
    open({
      cloudTrailEndpoint: { endpoint: h.endpoint, credentials: admin() },
      cloudTrailClient: (target) => {
        targets.push(target);
        return defaultCloudTrailClient(target);
      },
    });
    const expected = inRegion('eu-west-1');
    const pages = Math.ceil(expected.length / 50);
    const jobId = await start('audit:import-lookup', { region: 'eu-west-1' });
    expect(await finished(jobId)).toEqual({ jobId, ok: true, source: 'lookup-events', stored: expected.length, duplicates: 0, failed: [] });
    expect(targets).toEqual([{ backend: 'embedded', region: 'eu-west-1', endpoint: h.endpoint, credentials: { accessKeyId: admin().accessKeyId, secretAccessKey: admin().secretAccessKey } }]);
    const progress = progressOf(jobId);
    expect(progress.map((p) => p.current)).toEqual(Array.from({ length: pages }, (_, i) => `page ${i + 1}`));
    expect(progress.every((p) => p.total === null && p.source === 'lookup-events')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: pages, stored: expected.length });
    expect(storedIds().sort()).toEqual(expected.map((r) => r.eventID).sort());
    // Secrets travel to the client, never into what the UI hears.
    expect(JSON.stringify(events)).not.toContain(admin().secretAccessKey);
  }, 30_000);

  it('stops after maxPages, within a time range, and stores nothing twice on a second run', async () => {
    await services.close();
    open({ cloudTrailEndpoint: { endpoint: h.endpoint, credentials: admin() } });
    const from = new Date(START + 1_800_000).toISOString();
    const to = new Date(START + 3.5 * 3_600_000).toISOString();
    const ranged = inRegion('us-east-1').filter((r) => r.eventTime >= from.replace('.000Z', 'Z') && r.eventTime <= to.replace('.000Z', 'Z'));
    expect(ranged.length).toBeGreaterThan(100);
    const first = await start('audit:import-lookup', { region: 'us-east-1', startTime: from, endTime: to, maxPages: 2 });
    expect(await finished(first)).toMatchObject({ ok: true, stored: 100, duplicates: 0 });
    const second = await start('audit:import-lookup', { region: 'us-east-1', startTime: from, endTime: to });
    expect(await finished(second)).toMatchObject({ ok: true, stored: ranged.length - 100, duplicates: 100 });
    expect(services.eventStore().count()).toBe(ranged.length);
  }, 30_000);

  it('uses the AWS profile and the asked region from the settings', async () => {
    await services.close();
    // The profile must be in an AWS file (it is checked before any call); no credentials needed for that.
    const config = join(scratch, 'aws-config');
    writeFileSync(config, '[profile auditor]\nregion = eu-west-1\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_PROFILE', undefined);
    const targets: CloudTrailTarget[] = [];
    open({
      cloudTrailClient: (target) => {
        targets.push(target);
        // Real AWS is out of reach here: the same request goes to the embedded KMS instead.
        return defaultCloudTrailClient({ ...target, profile: undefined, endpoint: h.endpoint, credentials: admin() });
      },
    });
    await callApi(ctx, 'settings:set', { backend: { kind: 'aws', profile: 'auditor', regions: ['eu-west-1'] } });
    const jobId = await start('audit:import-lookup', { region: 'us-east-1', maxPages: 1 });
    expect(await finished(jobId)).toMatchObject({ ok: true, stored: 50 });
    expect(targets).toEqual([{ backend: 'aws', region: 'us-east-1', profile: 'auditor' }]);
  });

  it('a profile in neither AWS file ends the job naming it and the profiles there, before any call', async () => {
    await services.close();
    const config = join(scratch, 'aws-config-typo');
    writeFileSync(config, '[profile auditor]\nregion = eu-west-1\n');
    vi.stubEnv('AWS_CONFIG_FILE', config);
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(scratch, 'no-credentials'));
    const targets: CloudTrailTarget[] = [];
    open({ cloudTrailClient: (target) => { targets.push(target); return defaultCloudTrailClient(target); } });
    await callApi(ctx, 'settings:set', { backend: { kind: 'aws', profile: 'audtior', regions: ['eu-west-1'] } });
    const jobId = await start('audit:import-lookup', { region: 'us-east-1' });
    expect(await finished(jobId)).toMatchObject({ ok: false, stored: 0, error: `AWS profile "audtior" is not in ${config} or ${join(scratch, 'no-credentials')} (profiles there: auditor). Did you mean "auditor"?` });
    expect(targets).toEqual([]);
  });

  it('says which backend to choose when the embedded KMS serves no CloudTrail', async () => {
    const outcome = await callApi(ctx, 'audit:import-lookup', { region: 'us-east-1' });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/choose the AWS backend .* or LocalStack on the Settings page/) } });
    const badRegion = await callApi(ctx, 'audit:import-lookup', { region: 'Mars' });
    expect(badRegion).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^audit:import-lookup: region: expected an AWS region/) } });
    expect(events).toEqual([]);
  });

  it('ends the job with the service\'s error when CloudTrail refuses the caller, without the secret', async () => {
    await services.close();
    const wrong = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    open({ cloudTrailEndpoint: { endpoint: h.endpoint, credentials: wrong }, cloudTrailClient: (t) => new CloudTrailClient({ region: t.region, endpoint: t.endpoint, credentials: t.credentials, maxAttempts: 1 }) });
    const jobId = await start('audit:import-lookup', { region: 'us-east-1' });
    const end = await finished(jobId);
    expect(end).toMatchObject({ ok: false, stored: 0, error: expect.stringMatching(/^LookupEvents \(embedded, us-east-1\) failed: \w+: /) });
    expect(JSON.stringify(events)).not.toContain(wrong.secretAccessKey);
    expect(services.eventStore().count()).toBe(0);
  });

  it('closing the services waits for a running import, which stops after a whole page', async () => {
    await services.close();
    open({ cloudTrailEndpoint: { endpoint: h.endpoint, credentials: admin() } });
    const jobId = await start('audit:import-lookup', { region: 'us-east-1' });
    await new Promise<void>((resolve) => {
      const off = services.events.on('import:progress', (p) => {
        if (p.jobId === jobId) {
          off();
          resolve();
        }
      });
    });
    const began = Date.now();
    await services.close();
    expect(Date.now() - began).toBeLessThan(2_000);
    const end = finishedOf(jobId);
    expect(end).toMatchObject({ ok: false, error: expect.stringMatching(/Stopped because KeyDrill is closing/) });
    const reopened = SqliteEventStore.open(join(home, 'events.sqlite'));
    try {
      expect(reopened.count()).toBe(end!.stored);
      expect(reopened.count() % 50).toBe(0);
      expect(reopened.count()).toBeLessThan(inRegion('us-east-1').length);
    } finally {
      reopened.close();
    }
    await expect(services.imports.startPaths([SAMPLE_JSON])).rejects.toThrow(/closing/);
    open();
  });
});
