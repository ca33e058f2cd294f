import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV } from '../support/clean-env';

/**
 * Drills started at the same moment on a fresh data folder — a CI matrix sharing one
 * $KEYDRILL_HOME, or a user with two terminals — each create, or wait for the other to create,
 * the run store and the event store, and every run is saved. (Both once applied the same
 * migration twice: "could not run: table runs already exists".)
 */
const homes: string[] = [];
afterAll(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

function drillRun(home: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml'], { env: { ...CLEAN_ENV, KEYDRILL_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('drills started together on one fresh data folder', () => {
  it('saves every run, none refused by the other creating the stores', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keydrill-concurrent-'));
    homes.push(home);
    const results = await Promise.all([1, 2, 3, 4].map(() => drillRun(home)));
    for (const r of results) expect(r.status, r.stderr).toBe(0);
    const list = spawnSync(process.execPath, ['bin/keydrill.mjs', 'runs', 'list', '--json'], { encoding: 'utf8', env: { ...CLEAN_ENV, KEYDRILL_HOME: home } });
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(4);
  }, 120_000);

  it('opens the stores from six processes at the same millisecond', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keydrill-concurrent-'));
    homes.push(home);
    const at = Date.now() + 4_000; // after every child has loaded
    const opened = await Promise.all([1, 2, 3, 4, 5, 6].map(() => new Promise<{ status: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/open-stores-at.ts', home, String(at)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      child.on('close', (status) => resolve({ status, out }));
    })));
    for (const r of opened) expect(r.out.trim(), r.out).toBe('opened');
  }, 60_000);
});
