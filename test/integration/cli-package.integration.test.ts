import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The CLI as npm installs it: the files `npm pack` puts in the package, and `keydrill` run from a
 * copy of them (no TypeScript sources beside it) on the JavaScript built into out/cli.
 */
const ROOT = resolve('.');
const installed = mkdtempSync(join(tmpdir(), 'keydrill-installed-'));
const home = mkdtempSync(join(tmpdir(), 'keydrill-installed-home-'));
afterAll(() => {
  rmSync(installed, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

beforeAll(() => {
  const built = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  expect(built.stderr).toBe('');
  expect(built.status).toBe(0);
}, 120_000);

describe('the npm package', () => {
  it('packs the launcher, the built CLI and its workers, the scenarios; no TypeScript sources or tests', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/keydrill.mjs', 'out/cli/main.js', 'out/cli/record-worker.js', 'out/cli/store-writer.js', 'out/cli/trail-digest.js', 'resources/scenarios/revocation-and-restore.yaml', 'package.json']));
    expect(files.filter((f) => f.startsWith('src-main/') || f.startsWith('test/') || f.endsWith('.ts'))).toEqual([]);
  });

  it('runs a drill from the installed files alone, on the built JavaScript', () => {
    for (const part of ['bin', 'out/cli', 'resources/scenarios', 'package.json']) cpSync(join(ROOT, part), join(installed, part), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(installed, 'node_modules'), 'dir');
    const run = (...args: string[]) => spawnSync(process.execPath, [join(installed, 'bin/keydrill.mjs'), ...args], { encoding: 'utf8', cwd: installed, env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });
    const version = run('--version');
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const drill = run('drill', 'run', 'revocation-and-restore', '--json');
    expect(drill.stderr).toBe('');
    expect(drill.status).toBe(0);
    expect(JSON.parse(drill.stdout)).toMatchObject({ status: 'passed', scenario: { name: 'revocation-and-restore' } });
  });
});
