import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `npx tsx bench/fleet-scenario.ts --help` (as the README sends users to it) said "unknown option '--help'" and exited 2. */
const script = join(process.cwd(), 'bench', 'fleet-scenario.ts');
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

describe('the fleet scenario generator', () => {
  it('says how to use it on --help and -h, on stdout, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const out = execFileSync(tsx, [script, flag], { encoding: 'utf8' });
      expect(out).toMatch(/^usage: npx tsx bench\/fleet-scenario\.ts/);
      for (const option of ['--tenants N', '--days N', '--nodes N', '--databases N', '--outage-hours N', '--seed N', '--revoke-first-tenant']) expect(out).toContain(option);
    }
  });

  it('still refuses an unknown option with exit 2', () => {
    const r = spawnSync(tsx, [script, '--tenant', '3'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown option '--tenant'");
  });
});
