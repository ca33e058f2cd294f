import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keydrill(...args: string[]) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });
}

describe('keydrill drill on the command line', () => {
  it('runs a built-in drill, prints its verdicts, writes the HTML report and exits 0', () => {
    const out = join(home, 'report.html');
    const r = keydrill('drill', 'run', 'regional-outage-multi-region-key', '--report', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PASS .*readable again/);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Regional KMS outage with a multi-Region key');
    expect(html).toMatch(/data-chart/);
    const runId = /run (\S+) saved/.exec(r.stdout)?.[1];
    expect(runId).toBeDefined();
    const again = keydrill('report', runId!, '--out', join(home, 'again.csv'));
    expect(again.status).toBe(0);
    expect(readFileSync(join(home, 'again.csv'), 'utf8').split('\n')[0]).toContain('section');
  });

  it('exits 1 when an expectation fails', () => {
    const r = keydrill('drill', 'run', 'test/fixtures/scenarios/expectation-fails.yaml');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL +prod was available/);
  });

  it('exits 2 on an invalid scenario, naming the path and the line', () => {
    const r = keydrill('drill', 'run', 'test/fixtures/scenarios/invalid.yaml');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('timeline[1].at: expected a duration like "90m", "1h30m" or "7d" (line 21)');
    const v = keydrill('drill', 'validate', 'test/fixtures/scenarios/invalid.yaml');
    expect(v.status).toBe(2);
    expect(keydrill('drill', 'run', 'no-such-drill').status).toBe(2);
    expect(keydrill('drill', 'run', 'revocation-and-restore', '--backend', 'gcp').stderr).toContain('--backend must be one of embedded, localstack, aws');
    expect(keydrill('drill', 'run', 'revocation-and-restore', '--report', 'x.docx').status).toBe(2);
  });

  it('lists the built-in scenarios', () => {
    const r = keydrill('drill', 'list');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(7);
  });

  it('exports the run\'s CloudTrail logs in the S3 layout', () => {
    const dir = join(home, 'ct');
    const r = keydrill('drill', 'run', 'revocation-and-restore', '--cloudtrail-out', dir);
    expect(r.status).toBe(0);
    expect(existsSync(join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'eu-west-1'))).toBe(true);
  });
});
