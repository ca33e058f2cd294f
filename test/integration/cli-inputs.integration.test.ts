import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

/** Bad input that used to fail without saying where or what to do: exit 2, the file named, the limit or the fix given. */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-inputs-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keydrill(...args: string[]) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 120_000 });
}

describe('located errors for hostile or stale input', () => {
  it('a gzip bomb in audit import: read as it expands, never held, and refused with exit 2 naming the file', async () => {
    const file = join(home, 'bomb.json.gz');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    // 513 MiB of spaces, a few hundred KiB on disk.
    await pipeline(Readable.from((function* () { for (let i = 0; i < 513; i++) yield chunk; })()), createGzip({ level: 1 }), createWriteStream(file));
    const r = keydrill('audit', 'import', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: is not valid JSON: the file holds no JSON, only ${513 * 1024 * 1024} bytes of white space`);
    expect(r.stderr).not.toContain('not a valid gzip file');
  });

  it('a gzip bomb inside one record: refused at 64 MiB with exit 2, naming the file and the record', async () => {
    const file = join(home, 'record-bomb.json.gz');
    const chunk = Buffer.alloc(1024 * 1024, 0x78);
    // One "record" whose string runs on for 100 MiB.
    const parts = function* () {
      yield Buffer.from('{"Records": [{"eventVersion": "1.11", "eventName": "');
      for (let i = 0; i < 100; i++) yield chunk;
    };
    await pipeline(Readable.from(parts()), createGzip({ level: 1 }), createWriteStream(file));
    const r = keydrill('audit', 'import', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: is not valid JSON: Records[0] is over 64 MiB, far larger than any CloudTrail record`);
  });

  it('a lock file naming a live process that is not the KMS: exit 2 naming the lock file to remove', async () => {
    const data = join(home, 'kms');
    mkdirSync(data, { recursive: true });
    const unrelated = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      writeFileSync(join(data, 'kms.lock'), `${unrelated.pid}\nabcd1234\n`);
      const r = keydrill('kms', 'serve', '--data', data, '--port', '0');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`pid ${unrelated.pid}`);
      expect(r.stderr).toContain(`remove ${join(data, 'kms.lock')} and start again`);
    } finally {
      unrelated.kill();
    }
  });

  // Node 20's recursive mkdir never returns under /proc: an input trial's KEYDRILL_HOME=/proc/x hung the CLI.
  it.skipIf(process.platform !== 'linux')('a data folder in a kernel file system (/proc, /sys): exit 2 naming where, not a hang', () => {
    const inProc = spawnSync(process.execPath, ['bin/keydrill.mjs', 'runs', 'list'], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: '/proc/keydrill' }, timeout: 60_000 });
    expect(inProc.status).toBe(2);
    expect(inProc.stderr).toContain('KEYDRILL_HOME /proc/keydrill: /proc is a kernel file system, where KeyDrill cannot keep data; choose a folder on a disk');
    const db = keydrill('audit', 'query', '--db', '/proc/keydrill/events.sqlite');
    expect(db.status).toBe(2);
    expect(db.stderr).toContain('--db /proc/keydrill/events.sqlite: /proc is a kernel file system');
    const kms = keydrill('kms', 'serve', '--data', '/sys/keydrill', '--port', '0');
    expect(kms.status).toBe(2);
    expect(kms.stderr).toContain('--data /sys/keydrill: /sys is a kernel file system');
  });

  it('a YAML alias bomb and an unresolved alias: exit 2 with the line', () => {
    const bomb = join(home, 'bomb.yaml');
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    levels.push(`f: [${Array(9).fill('*e').join(',')}]`);
    writeFileSync(bomb, `name: bomb\n${levels.join('\n')}\n`);
    const r = keydrill('drill', 'run', bomb);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('an alias bomb?); the largest is *e, 66,430 values (line 7)');
    const dangling = join(home, 'dangling.yaml');
    writeFileSync(dangling, 'name: x\ntitle: y\nduration: *missing\n');
    const v = keydrill('drill', 'validate', dangling);
    expect(v.status).toBe(2);
    expect(v.stderr).toContain(`${dangling}: 1 problem\n  duration: the alias *missing names no anchor (&missing) defined before it (line 3)`);
  });
});

describe('--seed takes exactly what a scenario\'s seed: takes', () => {
  const built = readFileSync('resources/scenarios/revocation-and-restore.yaml', 'utf8');
  const range = 'a whole number from 0 to 9007199254740991';

  it('accepts and refuses the same values as the scenario file, naming --seed, the value and the range', () => {
    for (const value of ['0', '2147483647', '2147483648', '9007199254740991', '9007199254740992', '-1', '1.5']) {
      const file = join(home, `seed-${value}.yaml`);
      writeFileSync(file, built.replace(/^seed: .*$/m, `seed: ${value}`));
      const inFile = keydrill('drill', 'validate', file);
      const onCommandLine = keydrill('drill', 'run', 'revocation-and-restore', '--dry-run', `--seed=${value}`);
      expect(onCommandLine.status, `--seed=${value}: ${onCommandLine.stderr}`).toBe(inFile.status);
      if (inFile.status === 0) continue;
      expect(inFile.status).toBe(2);
      expect(onCommandLine.stderr).toContain(`--seed must be ${range} (the range of a scenario's seed), got '${value}'`);
    }
  }, 120_000);

  it('runs a drill with a seed above 2^31 and says so in --json; refuses a bad one in --json too', () => {
    const big = 9_007_199_254_740_991;
    const ran = keydrill('drill', 'run', 'revocation-and-restore', '--seed', String(big), '--json');
    expect(ran.status).toBe(0);
    expect((JSON.parse(ran.stdout) as { scenario: { seed: number } }).scenario.seed).toBe(big);
    const refused = keydrill('drill', 'run', 'revocation-and-restore', '--seed', 'seven', '--json');
    expect(refused.status).toBe(2);
    expect(JSON.parse(refused.stdout)).toEqual({ ok: false, exitCode: 2, error: { code: 'usage', option: '--seed', message: `--seed must be ${range} (the range of a scenario's seed), got 'seven'` } });
  });
});
