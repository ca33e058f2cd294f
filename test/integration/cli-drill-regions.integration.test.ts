import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { AppServices } from '../../src-main/app/app-services';
import { closedPort } from '../support/closed-port';

/**
 * A scenario naming a region that is no AWS region passed validation, then `drill run` on the
 * embedded KMS started, had its first call refused ("Credential should be scoped to a valid
 * region"), exited 3 and left an interrupted run behind. It is bad input: refused before the drill
 * starts, with the field and line, exit 2, no run saved. LocalStack and AWS are left to judge a
 * region themselves (a region newer than KeyDrill's list is theirs to accept).
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-regions-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keydrill(...args: string[]) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });
}

const file = join(home, 'us-east-9.yaml');
writeFileSync(file, stringify(fleetScenario({ tenants: 1, days: 1 })).replaceAll('us-east-1', 'us-east-9'));

describe('a scenario region the embedded KMS does not answer for', () => {
  it('is refused before the drill starts, naming the field and line, exit 2, and no run is saved', () => {
    const r = keydrill('drill', 'run', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/topology\.regions\[0\]: region us-east-9 is not one of the \d+ AWS regions the embedded KMS answers for .*\(line \d+\)/);
    expect(keydrill('runs', 'list').stdout).toMatch(/no saved runs/);
  });

  it('is refused the same way when the app starts the drill, before any job', async () => {
    const services = new AppServices({ home: join(home, 'app') });
    try {
      expect(() => services.drills.run({ text: readFileSync(file, 'utf8') }, 'embedded', undefined)).toThrow(/The scenario is not valid: .*region us-east-9 is not one of the \d+ AWS regions the embedded KMS answers for/);
      expect(services.runs.list()).toEqual([]);
    } finally {
      await services.close();
    }
  });

  it('is left to LocalStack to judge: the drill goes on to the backend (here, nothing answers)', async () => {
    const port = await closedPort();
    const r = keydrill('drill', 'run', file, '--backend', 'localstack', '--endpoint', `http://127.0.0.1:${port}`);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`LocalStack's KMS at http://127.0.0.1:${port} is unreachable`);
  });
});
