import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  it('a gzip bomb in audit import: exit 2, the file and the limit named', async () => {
    const file = join(home, 'bomb.json.gz');
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    // 513 MiB of spaces, a few hundred KiB on disk.
    await pipeline(Readable.from((function* () { for (let i = 0; i < 513; i++) yield chunk; })()), createGzip({ level: 1 }), createWriteStream(file));
    const r = keydrill('audit', 'import', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: decompresses to more than 512 MiB, the limit for one CloudTrail log file`);
    expect(r.stderr).not.toContain('not a valid gzip file');
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

  it('a YAML alias bomb and an unresolved alias: exit 2 with the line', () => {
    const bomb = join(home, 'bomb.yaml');
    const levels = ['a: &a [x,x,x,x,x,x,x,x,x]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]', 'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]'];
    writeFileSync(bomb, `name: bomb\n${levels.join('\n')}\n`);
    const r = keydrill('drill', 'run', bomb);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('an alias bomb?); the first alias is *a (line 3)');
    const dangling = join(home, 'dangling.yaml');
    writeFileSync(dangling, 'name: x\ntitle: y\nduration: *missing\n');
    const v = keydrill('drill', 'validate', dangling);
    expect(v.status).toBe(2);
    expect(v.stderr).toContain(`${dangling}: 1 problem\n  the alias *missing names no anchor (&missing) defined before it (line 3)`);
  });
});
