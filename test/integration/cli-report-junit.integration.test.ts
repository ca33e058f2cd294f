import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJUnit } from '../support/junit-check';
import { childrenNamed } from '../support/xml-tree';

/**
 * `keydrill report <run> --out verdicts.xml` exports a saved run's verdicts as JUnit XML again. The
 * suite says when the run was executed and how long it took — what `drill run --report x.xml` said,
 * and what the HTML report's "Executed (wall clock)" says — not when it was exported. (An audit trial
 * read timestamp = the time of the export and time="0.000" beside an HTML report of a 9 s run.)
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-report-junit-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keydrill = (args: string[]) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });

describe('JUnit XML of a saved run, exported again', () => {
  it('is stamped with when the run was executed and lasts as long as it did, as when the drill ran', async () => {
    const atRun = join(home, 'at-run.xml');
    const run = keydrill(['drill', 'run', 'revocation-and-restore', '--report', atRun, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { runId, startedAt, endedAt } = JSON.parse(run.stdout) as { runId: string; startedAt: string; endedAt: string };
    // Exported later, so that "now" is visibly another second.
    await new Promise((r) => setTimeout(r, 1_100));
    const again = join(home, 'again.xml');
    const exported = keydrill(['report', runId, '--out', again]);
    expect(exported.status, exported.stderr).toBe(0);

    const s = childrenNamed(checkJUnit(readFileSync(again, 'utf8')), 'testsuite')[0]!.attributes;
    expect(s.timestamp).toBe(startedAt.replace(/\.\d+Z$/, ''));
    expect(s.time).toBe(((Date.parse(endedAt) - Date.parse(startedAt)) / 1000).toFixed(3));
    // The verdicts are those the drill wrote.
    const { tests, failures, errors } = checkJUnit(readFileSync(atRun, 'utf8')).attributes;
    expect(checkJUnit(readFileSync(again, 'utf8')).attributes).toMatchObject({ tests, failures, errors });
  }, 120_000);
});
