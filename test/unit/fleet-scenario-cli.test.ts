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

  it('refuses counts that are not whole or below 1, and a drill too short for its outage, with exit 2 and the option named', () => {
    for (const [args, message] of [
      [['--tenants', '0'], "--tenants needs a whole number of at least 1, got '0'"],
      [['--tenants', '2.7'], "--tenants needs a whole number of at least 1, got '2.7'"],
      [['--nodes', '-1'], "--nodes needs a number, got '-1'"],
      [['--days', '0'], "--days needs a number above 0, got '0'"],
      [['--days', '0.05', '--outage-hours', '3'], '--outage-hours 3: a 0.05-day drill ends before its outage would start'],
    ] as const) {
      const r = spawnSync(tsx, [script, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('names one tenant and a revoked tenant in the title', () => {
    const out = execFileSync(tsx, [script, '--tenants', '1', '--days', '2', '--revoke-first-tenant'], { encoding: 'utf8' });
    expect(out).toContain('title: "Fleet of 1 tenant: us-east-1 outage with multi-Region keys, t1 revoked"');
  });
});
