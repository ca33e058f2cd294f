import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';

/**
 * Symbolic links in a folder given to `keydrill audit import`: real files, real links, a real event
 * store file. A link is taken for what it leads to; what it leads to is read once however many paths
 * lead there; a link that leads nowhere is named, with its target, and costs nothing else.
 */
const ROOT = join(import.meta.dirname, '../..');
const SAMPLES = join(ROOT, 'resources/sample-cloudtrail');
const PLAIN = join(SAMPLES, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W.json');
const SAMPLE_EVENTS = 11;

let dir: string;
let folder: string;
/** A month folder of the copied samples: where links are put, as a user would put a day's folder or a file. */
let month: string;
let elsewhere: string;
let store: SqliteEventStore;

/** A log file of `prefix`-named copies of the sample file's 5 records, written at `path`. */
function logWithFreshIds(path: string, prefix: string): string {
  const { Records } = JSON.parse(readFileSync(PLAIN, 'utf8')) as { Records: Record<string, unknown>[] };
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, JSON.stringify({ Records: Records.map((r, i) => ({ ...r, eventID: `${prefix}-${i}` })) }));
  return path;
}

const storedIds = (): string[] => store.scan({}).events.map((e) => e.record.eventID).sort();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-links-'));
  folder = join(dir, 'logs');
  cpSync(SAMPLES, folder, { recursive: true });
  month = join(folder, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/01');
  elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('symbolic links in a folder being imported', () => {
  it('imports a link to a log file like the file, and walks a link to a folder like the folder', async () => {
    const file = logWithFreshIds(join(elsewhere, 'moved.json'), 'via-file-link');
    const day = join(dir, 'day-20');
    logWithFreshIds(join(day, '111122223333_CloudTrail_us-east-1_20260120T0900Z_Aa11Bb22Cc33Dd44.json'), 'via-folder-link');
    symlinkSync(file, join(month, 'linked-file.json'));
    symlinkSync(day, join(month, '20'));
    const report = await importCloudTrailLogs(store, folder);
    expect(report).toEqual({ files: 5, imported: SAMPLE_EVENTS + 10, duplicates: 0, observations: 0, failed: [] });
    const fiveOf = (prefix: string) => [0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`);
    expect(storedIds().filter((id) => id.startsWith('via-'))).toEqual([...fiveOf('via-file-link'), ...fiveOf('via-folder-link')].sort());
  });

  it('follows a link by what its target is named when the link has no log file name of its own', async () => {
    const file = logWithFreshIds(join(elsewhere, '111122223333_CloudTrail_us-east-1_20260121T0900Z_Ee55Ff66Gg77Hh88.json'), 'latest');
    symlinkSync(file, join(month, 'latest'));
    expect(await importCloudTrailLogs(store, folder)).toMatchObject({ files: 4, imported: SAMPLE_EVENTS + 5, failed: [] });
  });

  it('reads each file and folder once however many links lead to it: links back up the tree end, and nothing is counted twice', async () => {
    symlinkSync(folder, join(month, 'back-to-the-top'));
    symlinkSync('.', join(month, 'itself'));
    symlinkSync(join(month, '15'), join(month, 'also-15'));
    symlinkSync(join(month, '15', basename(PLAIN)), join(month, 'same-file.json'));
    const report = await importCloudTrailLogs(store, folder);
    expect(report).toEqual({ files: 3, imported: SAMPLE_EVENTS, duplicates: 0, observations: 0, failed: [] });
  });

  it('names a dangling link with its target, imports everything else, and keeps it when the target appears', async () => {
    const target = join(elsewhere, 'not-yet.json');
    const link = join(month, 'dangling.json');
    symlinkSync(target, link);
    const report = await importCloudTrailLogs(store, folder);
    expect(report).toEqual({
      files: 4, imported: SAMPLE_EVENTS, duplicates: 0, observations: 0,
      failed: [{ file: link, error: `${link}: is a symbolic link to ${target}, which does not exist (a dangling link): nothing was imported from it` }],
    });
    expect(store.count()).toBe(SAMPLE_EVENTS);
    logWithFreshIds(target, 'arrived');
    expect(await importCloudTrailLogs(store, folder)).toEqual({ files: 4, imported: 5, duplicates: SAMPLE_EVENTS, observations: 0, failed: [] });
  });

  it('names a loop of links and a link to a device instead of following or reading them forever', async () => {
    symlinkSync(join(month, 'b.json'), join(month, 'a.json'));
    symlinkSync(join(month, 'a.json'), join(month, 'b.json'));
    const hasDevice = existsSync('/dev/zero');
    if (hasDevice) symlinkSync('/dev/zero', join(month, 'zero.json'));
    const report = await importCloudTrailLogs(store, folder);
    expect(report.imported).toBe(SAMPLE_EVENTS);
    expect(report.failed).toEqual([
      { file: join(month, 'a.json'), error: `${join(month, 'a.json')}: is a symbolic link to ${join(month, 'b.json')}, which leads back to itself through other links (a loop of links): nothing was imported from it` },
      { file: join(month, 'b.json'), error: `${join(month, 'b.json')}: is a symbolic link to ${join(month, 'a.json')}, which leads back to itself through other links (a loop of links): nothing was imported from it` },
      ...(hasDevice ? [{ file: join(month, 'zero.json'), error: `${join(month, 'zero.json')}: is a symbolic link to /dev/zero, which is neither a file nor a folder: nothing was imported from it` }] : []),
    ]);
  });

  it('says so when the path given is itself a dangling link', async () => {
    const link = join(dir, 'gone');
    symlinkSync(join(dir, 'no-such-folder'), link);
    await expect(importCloudTrailLogs(store, link)).rejects.toThrow(`${link}: is a symbolic link to ${join(dir, 'no-such-folder')}, which does not exist (a dangling link): nothing was imported from it`);
  });
});

describe('keydrill audit import on a folder with links', () => {
  it('imports through the links, names the dangling one on stderr and exits 2, with what it imported kept', async () => {
    const file = logWithFreshIds(join(elsewhere, 'moved.json'), 'cli-link');
    symlinkSync(file, join(month, 'linked.json'));
    const dangling = join(month, 'dangling.json.gz');
    symlinkSync(join(elsewhere, 'missing.json.gz'), dangling);
    const home = join(dir, 'home');
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/keydrill.mjs', 'audit', 'import', folder], { cwd: ROOT, env: { ...process.env, KEYDRILL_HOME: home } }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(new RegExp(`imported ${SAMPLE_EVENTS + 5} events from 4 of 5 files \\(0 already stored\\)`));
    expect(run.stderr).toContain(`${dangling}: is a symbolic link to ${join(elsewhere, 'missing.json.gz')}, which does not exist (a dangling link): nothing was imported from it`);
    const kept = SqliteEventStore.open(join(home, 'events.sqlite'));
    try {
      expect(kept.count()).toBe(SAMPLE_EVENTS + 5);
    } finally {
      kept.close();
    }
  }, 60_000);
});
