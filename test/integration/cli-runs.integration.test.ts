import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src-main/runs/run-store';

/**
 * `keydrill runs show` and `keydrill report` on a run id: a run that is not there is the user's
 * input (exit 2); a record damaged on disk is not (exit 3), and the message names the run.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-runs-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keydrill = (args: string[]) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });

describe('a saved run looked up by id', () => {
  it('tells a run that is not there (exit 2) from one damaged on disk (exit 3)', () => {
    const run = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const shown = keydrill(['runs', 'show', runId]);
    expect(shown.status).toBe(0);
    // The customer's revocation made the service's calls fail: the text says with what, as --json does.
    expect(shown.stdout).toMatch(/^ {2}failed KMS calls by error code: AccessDeniedException \d+$/m);

    // A bundle folder that holds someone else's files is the user's to change: exit 2, nothing overwritten.
    const taken = join(home, 'taken');
    mkdirSync(taken);
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    const refused = keydrill(['report', runId, '--bundle', taken]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain(`${taken} already holds other files`);

    const missing = keydrill(['runs', 'show', 'no-such-run']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('There is no run no-such-run');
    // The scenario-and-seed part of an id, copied without its time: the message gives the whole id.
    const cut = runId.split('-').slice(0, -2).join('-');
    const partial = keydrill(['runs', 'show', cut]);
    expect(partial.status).toBe(2);
    expect(partial.stderr).toContain(`There is no run ${cut}. Did you mean ${runId}? A run id is given whole.`);

    const db = new Database(join(home, 'runs.sqlite'));
    // A run whose drill failed to go on is kept as interrupted with the reason: runs show says it, in text and --json.
    db.prepare(`UPDATE runs SET status = 'interrupted', reason = 'the drill failed: Could not load credentials from any providers' WHERE run_id = ?`).run(runId);
    const interrupted = keydrill(['runs', 'show', runId]);
    expect(interrupted.stdout).toContain('\n  interrupted: the drill failed: Could not load credentials from any providers\n');
    expect(JSON.parse(keydrill(['runs', 'show', runId, '--json']).stdout)).toMatchObject({ status: 'interrupted', reason: 'the drill failed: Could not load credentials from any providers' });
    db.prepare(`UPDATE runs SET head = '{"format":' WHERE run_id = ?`).run(runId);
    db.close();
    for (const args of [['runs', 'show', runId], ['report', runId, '--out', join(home, 'r.html')]]) {
      const damaged = keydrill(args);
      expect(damaged.status, damaged.stderr).toBe(3);
      expect(damaged.stderr).toContain(`the stored record of run ${runId} is damaged`);
    }
  }, 120_000);

  it('says what the CloudTrail records besides the calls are, for a vendor run', () => {
    const run = keydrill(['drill', 'run', 'vendor-iam-permission-revoke', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const shown = keydrill(['runs', 'show', runId, '--json']);
    const totals = (JSON.parse(shown.stdout) as { totals: { kmsCalls: number; cloudTrailRecords: number; keyOwnerCopies: number } }).totals;
    expect(totals.keyOwnerCopies).toBeGreaterThan(0);
    expect(totals.cloudTrailRecords).toBe(totals.kmsCalls + totals.keyOwnerCopies);
    const text = keydrill(['runs', 'show', runId]).stdout;
    expect(text).toContain(`  ${totals.kmsCalls} KMS calls · ${totals.cloudTrailRecords} CloudTrail records (${totals.keyOwnerCopies} delivered to the key owner's account for calls made from another account)`);
  }, 120_000);

  it('lists the data at risk by what is at risk — which node\'s databases, which canaries — not the same cluster and reason three times', () => {
    const built = readFileSync('resources/scenarios/revocation-and-restore.yaml', 'utf8');
    const file = join(home, 'never-restored.yaml');
    writeFileSync(file, built.replace(/^ {2}- \{ do: restore-access.*\n/m, '').replace(/^ {2}- \{ expect: readable-within.*\n/m, ''));
    const run = keydrill(['drill', 'run', file]);
    expect(run.status, run.stderr).toBe(1);
    const runId = /^run (\S+) saved/m.exec(run.stdout)?.[1] ?? '';
    const shown = keydrill(['runs', 'show', runId]).stdout;
    for (const node of ['n1', 'n2', 'n3']) expect(shown).toMatch(new RegExp(`^ {4}globex-prod/${node} databases accounts, ledger: cannot unwrap the master key: AccessDeniedException in eu-west-1$`, 'm'));
    expect(shown).toMatch(/^ {4}globex-prod \d+ canary records: unreadable at the end of the drill$/m);
  }, 120_000);

  it('counts a run\'s calls and records in the words and digits the drill printed when it ran', () => {
    const out = join(home, 'year-trail');
    const run = keydrill(['drill', 'run', 'year-of-operation', '--cloudtrail-out', out]);
    expect(run.status, run.stderr).toBe(0);
    const runId = /^run (\S+) saved/m.exec(run.stdout)?.[1] ?? '';
    // More than a thousand calls: "1,175", as the report writes it, wherever the count is printed.
    const counted = /· ([\d,]+ KMS calls · [\d,]+ CloudTrail records \([^)]*\)) ·/.exec(run.stdout)?.[1] ?? '';
    expect(counted).toMatch(/^\d,\d{3} KMS calls/);
    expect(run.stdout).toMatch(/^CloudTrail logs: \d+ files?, \d,\d{3} records under /m);
    const shown = keydrill(['runs', 'show', runId]);
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`  ${counted}; keydrill audit query --run ${runId} lists them`);
  }, 120_000);
});

/** A UI trial: while a drill played in the app, `runs show` called its run "failed" and `runs list` "started". */
describe('runs show on a run still playing in another process', () => {
  it('says it is running, judged nothing yet, not failed', () => {
    const run = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
    const runId = (JSON.parse(run.stdout) as { runId: string }).runId;
    const store = RunStore.open(join(home, 'runs.sqlite'));
    try {
      // As the app's run store keeps a drill it plays: started, by a live process (this one).
      const head = store.head(runId)!;
      store.sink().started({ ...head, verdicts: [], passed: false, execution: { ...head.execution, runId: 'still-playing-cli', status: 'started', startedAt: new Date().toISOString() } });
    } finally {
      store.close();
    }
    const shown = keydrill(['runs', 'show', 'still-playing-cli', '--json']);
    expect(shown.status, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout) as { status: string }).toMatchObject({ ok: true, status: 'running' });
    expect(keydrill(['runs', 'show', 'still-playing-cli']).stdout).toMatch(/ · running$/m);
    // runs list names the outcome as runs show does, in its table and in --json (its status was the store's "started", and "completed" for a run that failed).
    const listed = JSON.parse(keydrill(['runs', 'list', '--json']).stdout) as { runId: string; status: string }[];
    expect(listed.find((r) => r.runId === 'still-playing-cli')?.status).toBe('running');
    expect(listed.find((r) => r.runId === runId)?.status).toBe((JSON.parse(run.stdout) as { status: string }).status);
    expect(keydrill(['runs', 'list']).stdout).toMatch(/^still-playing-cli +embedded +running +not judged /m);
  }, 120_000);
});

/** An audit trial deleted a run and a mistyped one: the first was gone, and the error said only that the second was not there. */
describe('runs delete with a run id that names no run among others', () => {
  it('deletes none of them (exit 2) and says so; with every id right, deletes them all', () => {
    const ids = ['revocation-and-restore', 'regional-outage-multi-region-key'].map((scenario) => {
      const run = keydrill(['drill', 'run', scenario, '--json']);
      expect(run.status, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { runId: string }).runId;
    });
    const listed = () => (JSON.parse(keydrill(['runs', 'list', '--json']).stdout) as { runId: string }[]).map((r) => r.runId);

    const refused = keydrill(['runs', 'delete', ids[0]!, 'no-such-run', ids[1]!]);
    expect(refused.status, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('runs delete: there is no run no-such-run in ');
    expect(refused.stderr).toContain('no run was deleted');
    expect(listed()).toEqual(expect.arrayContaining(ids));

    const deleted = keydrill(['runs', 'delete', ...ids, '--json']);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: ids });
    expect(listed()).not.toContain(ids[0]);
    expect(listed()).not.toContain(ids[1]);
    // Their CloudTrail records stay: evidence of real KMS calls.
    expect(keydrill(['audit', 'query', '--run', ids[0]!, '--max', '1']).status).toBe(0);
  }, 120_000);
});
