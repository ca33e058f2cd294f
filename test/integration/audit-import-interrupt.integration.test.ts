import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailImportInterruptedError, importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';

const ROOT = join(import.meta.dirname, '../..');
const SAMPLE = join(ROOT, 'resources/sample-cloudtrail/AWSLogs/111122223333/CloudTrail/us-east-1/2026/01/15/111122223333_CloudTrail_us-east-1_20260115T0905Z_Kd7fQm2ZpL4xRt8W.json');
let dir: string;
let big: string;
let even: string;

/** A log file of `n` KMS records of about 1 KB, each with its own eventID and second: over 32 MiB, so stored in parts of 10,000. */
function writeLog(file: string, n: number): void {
  const template = (JSON.parse(readFileSync(SAMPLE, 'utf8')) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;
  const start = Date.parse('2026-01-01T00:00:00Z');
  const records: string[] = [];
  for (let i = 0; i < n; i++) {
    const eventTime = new Date(start + i * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    records.push(JSON.stringify({ ...template, eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, eventTime, userAgent: `agent/${'x'.repeat(900)}` }));
  }
  writeFileSync(file, `{"Records":[${records.join(',')}]}`);
}

function storedEvents(db: string): number {
  const store = SqliteEventStore.open(db);
  try {
    return store.count();
  } finally {
    store.close();
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-import-interrupt-'));
  big = join(dir, 'big.json');
  even = join(dir, 'even.json');
  writeLog(big, 40_340);
  writeLog(even, 40_000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an import of a large file stopped part-way', () => {
  it('aborted after its first part: no further part is stored, and the error says what of the file is', async () => {
    const store = SqliteEventStore.open(join(dir, 'first-part.sqlite'));
    const stop = new AbortController();
    try {
      const err = await importCloudTrailLogs(store, big, (p) => { if (p.imported >= 10_000) stop.abort(); }, stop.signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CloudTrailImportInterruptedError);
      const stopped = err as CloudTrailImportInterruptedError;
      expect({ stored: stopped.stored, records: stopped.records, imported: stopped.report.imported }).toEqual({ stored: 10_000, records: 40_340, imported: 10_000 });
      expect(stopped.message).toBe(`interrupted: 10,000 of the 40,340 records of ${big} are stored; run the import again to store the rest — already stored records are skipped`);
      expect(store.count()).toBe(10_000);
    } finally {
      store.close();
    }
  }, 120_000);

  it('aborted once its last record is stored: the import is complete, not interrupted', async () => {
    const store = SqliteEventStore.open(join(dir, 'last-part.sqlite'));
    const stop = new AbortController();
    try {
      // 40,000 records: the last part is stored before the end of the file is read, and the abort comes after it.
      const report = await importCloudTrailLogs(store, even, (p) => { if (p.imported >= 40_000) stop.abort(); }, stop.signal);
      expect(stop.signal.aborted).toBe(true);
      expect(report).toMatchObject({ files: 1, imported: 40_000, duplicates: 0, failed: [] });
      expect(store.count()).toBe(40_000);
    } finally {
      store.close();
    }
  }, 120_000);

  it('keydrill audit import stopped by Ctrl-C says on stderr how many records of the file are stored, exits 130, and a second import completes it', async () => {
    const home = join(dir, 'home');
    const db = join(home, 'events.sqlite');
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'audit', 'import', big], { cwd: ROOT, env: { ...process.env, KEYDRILL_HOME: home, KEYDRILL_PROGRESS_INTERVAL_MS: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The first part is stored: then this test takes the write lock, so the import cannot store
    // another part (nor finish) until the signal is sent; it may finish the part it is writing.
    await new Promise<void>((resolve) => child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (/[1-9]\d*0000 events imported/.test(stderr)) resolve();
    }));
    const lock = new Database(db, { timeout: 30_000 });
    lock.exec('BEGIN IMMEDIATE');
    child.kill('SIGINT');
    lock.exec('COMMIT');
    lock.close();
    expect(await exited).toBe(130);

    const said = /keydrill: audit import: interrupted: ([\d,]+) of the 40,340 records of (.+) are stored; run the import again to store the rest — already stored records are skipped\n/.exec(stderr);
    expect(said, stderr).not.toBeNull();
    expect(said![2]).toBe(big);
    const stored = Number(said![1]!.replace(/,/g, ''));
    expect(stored % 10_000).toBe(0);
    expect(stored).toBeGreaterThanOrEqual(10_000);
    expect(stored).toBeLessThan(40_340);
    expect(stdout).not.toMatch(/imported/);
    expect(storedEvents(db)).toBe(stored);

    const again = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['bin/keydrill.mjs', 'audit', 'import', big], { cwd: ROOT, env: { ...process.env, KEYDRILL_HOME: home } }, (err, out) => resolve({ code: err ? Number(err.code) : 0, stdout: out }));
    });
    expect(again.code).toBe(0);
    // Counts as the CLI prints them: thousands separated, 'file' for one.
    expect(again.stdout).toContain(`imported ${(40_340 - stored).toLocaleString('en-US')} events from 1 of 1 file (${stored.toLocaleString('en-US')} already stored)`);
    expect(storedEvents(db)).toBe(40_340);
  }, 180_000);
});
