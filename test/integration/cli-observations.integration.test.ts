import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `keydrill audit observations`: what an outage refused, apart from the CloudTrail records, and as many as the run counted. */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-observations-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keydrill = (args: string[]) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });

describe('keydrill audit observations', () => {
  it('lists the calls a regional outage refused, as many as the run counted, and none of them among the CloudTrail records', () => {
    const run = keydrill(['drill', 'run', 'regional-outage-multi-region-key', '--json']);
    expect(run.status).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const shown = keydrill(['runs', 'show', runId, '--json']);
    const clientSide = (JSON.parse(shown.stdout) as { totals: { clientSideCalls: number } }).totals.clientSideCalls;
    expect(clientSide).toBeGreaterThan(0);
    const out = keydrill(['audit', 'observations', '--run', runId, '--max', '10000', '--json']);
    expect(out.status).toBe(0);
    const observations = (JSON.parse(out.stdout) as { Observations: { errorCode: string; cause: string; region: string; runId: string }[] }).Observations;
    expect(observations).toHaveLength(clientSide);
    expect(new Set(observations.map((o) => `${o.errorCode} ${o.cause} ${o.region} ${o.runId}`))).toEqual(new Set([`NetworkingError injected-outage us-east-1 ${runId}`]));
    const records = keydrill(['audit', 'query', '--run', runId, '--errors', '--max', '10000', '--json']);
    const codes = (JSON.parse(records.stdout) as { Records: { errorCode?: string }[] }).Records.map((r) => r.errorCode);
    expect(codes).not.toContain('NetworkingError');
  }, 120_000);

  it('refuses a run id that names no run (exit 2) rather than saying every call of it reached KMS', () => {
    // An audit trial mistyped a run id and read 'no matching observations (every call reached KMS)', exit 0.
    const missing = keydrill(['audit', 'observations', '--run', 'no-such-run']);
    expect(missing.status, missing.stderr).toBe(2);
    expect(missing.stderr).toContain('audit observations: there is no run no-such-run');
    expect(missing.stdout).not.toContain('reached KMS');
    const json = keydrill(['audit', 'observations', '--run', 'no-such-run', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'run-not-found', option: '--run' } });

    // A run whose every call reached KMS says so, by its id.
    const run = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
    expect(run.status).toBe(0);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    expect(keydrill(['audit', 'observations', '--run', runId]).stdout.trim()).toBe(`no observations: every call of run ${runId} reached KMS`);
    // Narrowed to a region, nothing found says no more than that.
    expect(keydrill(['audit', 'observations', '--run', runId, '--region', 'ap-south-1']).stdout).toMatch(/^no matching observations \(calls refused before they reached KMS are recorded by the drills that made them; imported CloudTrail logs hold none\)$/m);
  }, 120_000);
});
