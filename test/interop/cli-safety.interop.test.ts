import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAliasesCommand } from '@aws-sdk/client-kms';
import { afterAll, describe, expect, it } from 'vitest';
import { leftoversIn } from '../../src-main/cli/cleanup-command';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';
import { LOCALSTACK_ENDPOINT, requireLocalStackInCi } from './interop-peers';

requireLocalStackInCi();

/**
 * Safety on a backend that keeps what a drill makes: a drill interrupted with Ctrl-C leaves no key
 * Enabled and no alias behind; keys a drill killed outright left are found by their tag and
 * scheduled for deletion by `keydrill cleanup`.
 */
const ENV_BASE = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && k !== 'LOCALSTACK_ENDPOINT'));
const REGIONS = ['us-east-1', 'us-west-2'];

describe.skipIf(!LOCALSTACK_ENDPOINT)('drills that do not finish, on LocalStack', () => {
  const ls = LOCALSTACK_ENDPOINT as string;
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-safety-'));
  const kms = new KmsClientFactory({ backend: 'localstack', endpoint: ls });
  afterAll(() => {
    kms.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A long live drill with a multi-Region key, a replica and aliases, under a name no other run uses. */
  function scenarioFile(): { file: string; name: string } {
    const name = `safety-${randomBytes(4).toString('hex')}`;
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}
title: A drill that will be stopped
duration: 1h
topology:
  regions: [us-east-1, us-west-2]
  tenants:
    - id: acme
      keys:
        - { id: acme-mrk, region: us-east-1, multiRegion: true, replicas: [us-west-2], alias: alias/${name} }
  clusters:
    - id: prod
      tenant: acme
      key: acme-mrk
      nodes:
        - { id: n1, region: us-east-1, zone: a }
      databases: [orders]
workload:
  opsPerSecondPerDatabase: 10
timeline:
  - { do: key-disable, id: disable, at: 50m, key: acme-mrk }
`);
    return { file, name };
  }

  function start(args: string[]): { child: ChildProcess; done: Promise<number | null>; output: () => string } {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', ...args], { env: { ...ENV_BASE, KEYDRILL_HOME: join(dir, 'home') }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    return { child, done: new Promise((resolve) => child.on('close', resolve)), output: () => output };
  }

  async function leftovers(name: string) {
    const all = (await Promise.all(REGIONS.map((r) => leftoversIn((region) => kms.clientFor(region), r, name)))).flat();
    return all.filter((k, i) => all.findIndex((o) => o.keyId === k.keyId && o.region === k.region) === i);
  }

  async function aliasesNamed(name: string): Promise<string[]> {
    const found: string[] = [];
    for (const region of REGIONS) {
      const page = await kms.clientFor(region).send(new ListAliasesCommand({ Limit: 100 }));
      for (const a of page.Aliases ?? []) if (a.AliasName?.startsWith(`alias/${name}`)) found.push(`${region} ${a.AliasName}`);
    }
    return found;
  }

  /** Until the drill has made its key and replica, Enabled. */
  async function keysMade(name: string): Promise<void> {
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      const keys = await leftovers(name);
      if (keys.filter((k) => k.state === 'Enabled').length >= 2 && (await aliasesNamed(name)).length >= 2) return;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`the drill ${name} made no keys within a minute`);
  }

  it('Ctrl-C during a live drill: exit 130, the run kept as cancelled, no key left Enabled, no alias left', async () => {
    const { file, name } = scenarioFile();
    const run = start(['drill', 'run', file, '--backend', 'localstack', '--endpoint', ls, '--live', '--json']);
    await keysMade(name);
    run.child.kill('SIGINT');
    const code = await run.done;
    expect(code).toBe(130);
    expect(run.output()).toContain('"status":"cancelled"');
    expect(await leftovers(name)).toEqual([]);
    expect(await aliasesNamed(name)).toEqual([]);
  }, 120_000);

  it('keydrill cleanup finds what a killed drill left by its tag and schedules it for deletion', async () => {
    const { file, name } = scenarioFile();
    const run = start(['drill', 'run', file, '--backend', 'localstack', '--endpoint', ls, '--live']);
    await keysMade(name);
    run.child.kill('SIGKILL');
    await run.done;
    const left = await leftovers(name);
    expect(left.map((k) => `${k.region} ${k.state}${k.replica ? ' replica' : ''}`).sort()).toEqual(['us-east-1 Enabled', 'us-west-2 Enabled replica']);

    const args = ['cleanup', '--backend', 'localstack', '--endpoint', ls, '--region', 'us-east-1', '--region', 'us-west-2', '--scenario', name, '--json'];
    const dry = start([...args, '--dry-run']);
    expect(await dry.done).toBe(0);
    expect(JSON.parse(dry.output()) as unknown).toMatchObject({ dryRun: true, scheduled: 0, found: [expect.anything(), expect.anything()] });
    expect(await leftovers(name)).toHaveLength(2);

    const clean = start(args);
    expect(await clean.done).toBe(0);
    expect(JSON.parse(clean.output()) as unknown).toMatchObject({ scheduled: 2, aliasesDeleted: 2 });
    expect(await leftovers(name)).toEqual([]);
    expect(await aliasesNamed(name)).toEqual([]);
  }, 120_000);
});
