import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A store file that is no SQLite database — `--db` naming the wrong file, a data folder whose
 * events.sqlite or runs.sqlite is something else — is the user's to point elsewhere: exit 2, the
 * message names the file, and the file is left as it was. (An audit trial saw "keydrill: could not
 * run: file is not a database", exit 3, naming no file.)
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-not-a-db-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keydrill = (args: string[], keydrillHome = home) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: keydrillHome }, timeout: 120_000 });
const NOT_A_DB = 'not a database, only some text\n';

describe('a store file that is not a database', () => {
  it('is bad input named with its path (exit 2), and is left as it was', () => {
    const run = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };

    const notes = join(home, 'notes.sqlite');
    writeFileSync(notes, NOT_A_DB, { mode: 0o644 });
    const cases: string[][] = [
      ['audit', 'query', '--db', notes],
      ['audit', 'export', '--db', notes, '--cloudtrail-out', join(home, 'trail')],
      ['report', runId, '--out', join(home, 'r.html'), '--db', notes],
      ['report', runId, '--bundle', join(home, 'bundle'), '--db', notes],
    ];
    for (const args of cases) {
      const refused = keydrill(args);
      expect(refused.status, `${args.join(' ')}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`${notes} is not a KeyDrill event store`);
    }
    const json = keydrill(['audit', 'query', '--db', notes, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'not-a-database', path: notes } });
    expect(readFileSync(notes, 'utf8')).toBe(NOT_A_DB);
    expect(statSync(notes).mode & 0o777).toBe(0o644);

    // A data folder whose run store is something else.
    const other = join(home, 'other-home');
    mkdirSync(other);
    writeFileSync(join(other, 'runs.sqlite'), NOT_A_DB, { mode: 0o644 });
    for (const args of [['runs', 'list'], ['runs', 'show', runId], ['report', runId, '--out', join(home, 'r2.html')]]) {
      const refused = keydrill(args, other);
      expect(refused.status, `${args.join(' ')}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`${join(other, 'runs.sqlite')} is not a KeyDrill run store`);
    }
    expect(readFileSync(join(other, 'runs.sqlite'), 'utf8')).toBe(NOT_A_DB);
    expect(statSync(join(other, 'runs.sqlite')).mode & 0o777).toBe(0o644);

    // The real stores were not touched: the run is still there.
    expect(keydrill(['runs', 'show', runId]).status).toBe(0);
  }, 120_000);
});
