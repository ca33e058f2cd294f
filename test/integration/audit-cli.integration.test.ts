import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { startKms, type KmsHarness } from '../support/kms-harness';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'resources/sample-cloudtrail');
let home: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `keydrill audit …` in its own process, as a user runs it, with KEYDRILL_HOME in a temp folder. */
function keydrill(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/keydrill.mjs', 'audit', ...args], { cwd: ROOT, env: { ...process.env, KEYDRILL_HOME: home, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'keydrill-cli-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('keydrill audit on the command line', () => {
  it('imports the sample logs into ~/.keydrill/events.sqlite, then skips them on a second import', async () => {
    const first = await keydrill(['import', SAMPLES]);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/imported 11 events from 3 of 3 files \(0 already stored\)/);
    expect(existsSync(join(home, 'events.sqlite'))).toBe(true);
    const again = await keydrill(['import', SAMPLES]);
    expect(again.stdout).toMatch(/imported 0 events from 3 of 3 files \(11 already stored\)/);
  });

  it('says which files of a folder it did not read for their name (JSON lines beside the logs), so a folder handed over is not taken as imported whole', async () => {
    const folder = join(home, 'handed-over');
    cpSync(SAMPLES, folder, { recursive: true });
    writeFileSync(join(folder, 'lake-results.jsonl'), '{"eventID":"x"}\n');
    writeFileSync(join(folder, 'notes.txt'), 'exported by the customer on 2026-01-16');
    writeFileSync(join(folder, '.DS_Store'), '');
    const run = await keydrill(['import', folder]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain(`passed over 2 files (${join(folder, 'lake-results.jsonl')}, ${join(folder, 'notes.txt')}), not read: CloudTrail log files are .json or .json.gz`);
    const json = await keydrill(['import', folder, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ files: 3, passedOverFiles: [join(folder, 'lake-results.jsonl'), join(folder, 'notes.txt')] });
  });

  it('queries by attribute and errors, newest first, as JSON that is itself a CloudTrail log file', async () => {
    const decrypts = await keydrill(['query', '--attribute', 'EventName=Decrypt', '--json']);
    expect(decrypts.code).toBe(0);
    const { Records } = JSON.parse(decrypts.stdout) as { Records: CloudTrailRecord[] };
    expect(Records.map((r) => [r.eventName, r.eventTime])).toEqual([
      ['Decrypt', '2026-01-16T14:11:27Z'], ['Decrypt', '2026-01-15T09:08:02Z'], ['Decrypt', '2026-01-15T09:06:10Z'], ['Decrypt', '2026-01-15T09:04:51Z'],
    ]);
    const errors = await keydrill(['query', '--errors', '--start', '2026-01-15', '--end', '2026-01-15T23:59:59Z']);
    expect(errors.code).toBe(0);
    expect(errors.stdout.trim().split('\n').slice(2)).toEqual([expect.stringMatching(/^2026-01-15T09:08:02Z\s+Decrypt\s+node-4\s+eu-west-1\s+key\/mrk-\S+\s+111122223333\s+AccessDenied$/)]);
  });

  it('--start without --end ends now: events dated after today (a drill\'s own clock) are left out, and the hint says where they are', async () => {
    const db = join(home, 'future.sqlite');
    const store = SqliteEventStore.open(db);
    const tomorrow = Date.now() + 86_400_000;
    store.append([...syntheticKmsEvents({ count: 5, start: tomorrow, durationMs: 60_000, regions: ['eu-west-1'], errorRate: 0, seed: 3 })].map((record) => ({ record })));
    store.close();
    const run = await keydrill(['query', '--start', '24h', '--db', db]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('no matching events');
    expect(run.stdout).toMatch(/events matching the other filters exist outside this time range; the newest is at \S+/);
    const later = await keydrill(['query', '--start', '24h', '--end', new Date(tomorrow + 86_400_000).toISOString(), '--db', db, '--json']);
    expect((JSON.parse(later.stdout) as { Records: unknown[] }).Records).toHaveLength(5);
  });

  it('exports CloudTrail log files in the S3 layout', async () => {
    const out = join(home, 'export');
    const run = await keydrill(['export', '--cloudtrail-out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/exported 11 events into 3 CloudTrail log files/);
    expect(readdirSync(join(out, 'AWSLogs/111122223333/CloudTrail')).sort()).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('stops quietly when its reader closes the pipe early, as `audit query --json | head` does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-cli-pipe-'));
    const db = join(dir, 'events.sqlite');
    const store = SqliteEventStore.open(db);
    store.append([...syntheticKmsEvents({ count: 3000, start: Date.UTC(2026, 1, 1), durationMs: 3_600_000, regions: ['eu-west-1'], seed: 5 })].map((record) => ({ record })));
    store.close();
    try {
      const child = spawn(process.execPath, ['bin/keydrill.mjs', 'audit', 'query', '--db', db, '--max', '3000', '--json'], { cwd: ROOT, env: { ...process.env, KEYDRILL_HOME: home } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // The reader takes the first chunk (a few KB of more than 3 MB) and goes away.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports from CloudTrail LookupEvents at an endpoint with the standard AWS credentials', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-cli-ct-'));
    const source = SqliteEventStore.open(join(dir, 'source.sqlite'));
    let h: KmsHarness | undefined;
    try {
      const records = [...syntheticKmsEvents({ count: 70, start: Date.UTC(2026, 1, 1), durationMs: 600_000, regions: ['ap-south-1'], seed: 21 })];
      source.append(records.map((record) => ({ record })));
      h = await startKms({ eventStore: source });
      const admin = h.kms.identity('admin');
      const env = { AWS_ACCESS_KEY_ID: admin.accessKeyId, AWS_SECRET_ACCESS_KEY: admin.secretAccessKey, AWS_PROFILE: '', AWS_CONFIG_FILE: join(dir, 'none'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
      const run = await keydrill(['import', '--lookup-events', '--region', 'ap-south-1', '--endpoint', h.endpoint, '--start', '2026-02-01', '--db', join(dir, 'copy.sqlite')], env);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/imported 70 events from 2 LookupEvents pages \(0 already stored\)/);
    } finally {
      await h?.close();
      source.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits with 2 and says what is wrong and where, for each kind of bad input', async () => {
    const bad = join(home, 'bad-logs');
    cpSync(SAMPLES, bad, { recursive: true });
    mkdirSync(join(bad, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/17'), { recursive: true });
    const broken = join(bad, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/17/broken.json');
    writeFileSync(broken, JSON.stringify({ Records: [{ eventVersion: '1.11' }] }));
    // A folder with only digests in it: the wrong folder, not a successful import of nothing.
    const digestsOnly = join(home, 'digests-only');
    mkdirSync(join(digestsOnly, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/15'), { recursive: true });
    writeFileSync(join(digestsOnly, 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/01/15/111122223333_CloudTrail-Digest_us-east-1_trail_us-east-1_20260115T091500Z.json.gz'), '');
    const cases: [string[], RegExp][] = [
      [['import', bad], new RegExp(`1 file not imported, nothing from it stored:\\n  ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: Records\\[0\\]: userIdentity: `)],
      [['import', join(home, 'missing.json')], /audit import: .*missing\.json: cannot be read: ENOENT/],
      [['import', digestsOnly], /audit import: .*digests-only: holds no CloudTrail log files \(\.json or \.json\.gz/],
      [['import'], /give a log file or folder, or --lookup-events/],
      [['import', SAMPLES, '--region', 'us-east-1'], /--region applies only with --lookup-events/],
      [['import', '--lookup-events', '--region', 'moon-1'], /--region must be an AWS region like us-east-1, got 'moon-1'/],
      [['import', '--lookup-events', '--endpoint', 'ftp://x'], /--endpoint must be an http or https URL/],
      [['query', '--attribute', 'Colour=red'], /--attribute must be Name=Value with Name one of EventId, /],
      [['query', '--start', 'last tuesday'], /--start must be a time like 2026-01-15T09:00:00Z/],
      [['query', '--start', '2026-01-16', '--end', '2026-01-15'], /--start \(2026-01-16T00:00:00.000Z\) is later than --end/],
      [['query', '--max', '0'], /--max must be a whole number from 1 to 10000, got '0'/],
      [['query', '--next-token', 'eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA'], /--next-token: The paging token is not valid/],
      [['query', '--db', join(home, 'nothing-here.sqlite')], /no event store at .*nothing-here\.sqlite/],
      [['query', '--colour'], /audit query: Unknown option '--colour'/],
      [['export'], /--cloudtrail-out DIR is required/],
      [['query', '--run', 'no-such-run'], /audit query: there is no run no-such-run: no event of the store belongs to it and no run by that id was saved/],
      [['export', '--cloudtrail-out', join(home, 'never-written'), '--run', 'no-such-run'], /audit export: there is no run no-such-run/],
      [['rotate'], /'keydrill audit' needs one of: import, export, query, observations \(got 'rotate'\)/],
    ];
    for (const [args, message] of cases) {
      const run = await keydrill(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
    }
    // The good files of the bad folder were imported all the same (they were already stored).
    expect((await keydrill(['import', bad])).stdout).toMatch(/from 3 of 4 files \(11 already stored\)/);
  }, 120_000);
});
