import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { sha256, tamperedCopy } from '../support/tampered-bundle';

/**
 * `keydrill verify` is what an auditor runs on an audit bundle handed over: `sha256sum -c` passes a
 * folder with a file added, and a tamperer who rewrites SHA256SUMS too passes it whole; only the
 * seal's digest (quoted in the sign-off) and the run's event-set digest, recomputed from the
 * CloudTrail files, show that.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-verify-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keydrill(...args: string[]) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home, CHROMIUM_PATH: '/nonexistent' }, timeout: 120_000 });
}

/** A tampered copy of the bundle in this test's home (support/tampered-bundle.ts). */
const tampered = (bundle: string, name: string, change: (records: Record<string, unknown>[]) => Record<string, unknown>[]) => tamperedCopy(bundle, join(home, name), change);

describe('keydrill verify', () => {
  let bundle: string;
  let runId: string;
  beforeAll(() => {
    const run = keydrill('drill', 'run', 'revocation-and-restore');
    expect(run.status, run.stderr).toBe(0);
    runId = /run (\S+) saved/.exec(run.stdout)?.[1] ?? '';
    bundle = join(home, 'bundle');
    const made = keydrill('report', runId, '--bundle', bundle);
    expect(made.status, made.stderr).toBe(0);
  }, 120_000);

  it('verifies a bundle as written: every file, the seal, and the event set recomputed to the run\'s digest', () => {
    const r = keydrill('verify', bundle);
    expect(r.status, r.stderr).toBe(0);
    const seal = sha256(readFileSync(join(bundle, 'SHA256SUMS')));
    const digest = (JSON.parse(readFileSync(join(bundle, 'run-record.json'), 'utf8')) as { execution: { eventSetSha256: string } }).execution.eventSetSha256;
    expect(r.stdout).toContain(`  seal: SHA-256 of SHA256SUMS is ${seal}`);
    expect(r.stdout).toContain(`  event set: 34 CloudTrail records give ${digest}, the run's digest`);
    expect(r.stdout.trimEnd().endsWith('\nverified')).toBe(true);
    const json = JSON.parse(keydrill('verify', bundle, '--json').stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ runId, seal, files: { problems: [] }, eventSet: { expected: digest, recomputed: digest, found: 34, records: 34, missing: 0, foreign: 0, duplicates: 0 }, verified: true });
  });

  it('takes a SHA256SUMS saved with CRLF line ends and digests in capitals, as sha256sum -c does (every line was a problem, every file not listed)', () => {
    const windows = join(home, 'crlf');
    spawnSync('cp', ['-r', bundle, windows]);
    const lines = readFileSync(join(windows, 'SHA256SUMS'), 'utf8').split('\n').filter(Boolean);
    writeFileSync(join(windows, 'SHA256SUMS'), lines.map((l) => `${l.slice(0, 64).toUpperCase()}${l.slice(64)}\r\n`).join(''));
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: windows }).status).toBe(0);
    const r = keydrill('verify', windows);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain(`  files: all ${lines.length} match SHA256SUMS, and no other file is in the folder\n`);
    expect(r.stdout.trimEnd().endsWith('\nverified')).toBe(true);
  });

  it('names a file added beside the sealed ones, which sha256sum -c lets through', () => {
    const copy = join(home, 'added');
    spawnSync('cp', ['-r', bundle, copy]);
    writeFileSync(join(copy, 'cloudtrail', 'extra.json'), '{"Records":[]}');
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: copy }).status).toBe(0);
    const r = keydrill('verify', copy);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('    not listed: cloudtrail/extra.json');
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
  });

  it('does not verify what lies outside the folder: a symbolic link, added or in place of a file, or a listed ../ path', () => {
    const linked = join(home, 'linked');
    spawnSync('cp', ['-r', bundle, linked]);
    symlinkSync('/etc/hostname', join(linked, 'notes.txt'));
    const csv = join(home, 'report-elsewhere.csv');
    renameSync(join(linked, 'report.csv'), csv);
    symlinkSync(csv, join(linked, 'report.csv'));
    const r = keydrill('verify', linked);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('    a symbolic link, not a file of the bundle: notes.txt\n');
    expect(r.stdout).toContain('    a symbolic link, not a file of the bundle: report.csv\n');
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);

    const outside = join(home, 'outside');
    spawnSync('cp', ['-r', bundle, outside]);
    writeFileSync(join(home, 'elsewhere.txt'), 'x');
    writeFileSync(join(outside, 'SHA256SUMS'), `${readFileSync(join(outside, 'SHA256SUMS'), 'utf8')}${sha256('x')}  ../elsewhere.txt\n`);
    const o = keydrill('verify', outside);
    expect(o.status).toBe(1);
    expect(o.stdout).toContain('    outside the bundle: ../elsewhere.txt\n');
  });

  it('never reads what is not a regular file: a FIFO in place of a file, a link to /dev/zero, a FIFO added; each named, exit 1 (it hung)', () => {
    const odd = join(home, 'odd-files');
    spawnSync('cp', ['-r', bundle, odd]);
    rmSync(join(odd, 'report.csv'));
    expect(spawnSync('mkfifo', [join(odd, 'report.csv')]).status).toBe(0);
    expect(spawnSync('mkfifo', [join(odd, 'cloudtrail', 'pipe.json')]).status).toBe(0);
    rmSync(join(odd, 'report.html'));
    symlinkSync('/dev/zero', join(odd, 'report.html'));
    symlinkSync('/dev/zero', join(odd, 'cloudtrail', 'zero.json'));
    const r = spawnSync(process.execPath, ['bin/keydrill.mjs', 'verify', odd], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 30_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('    report.csv is not a regular file (a FIFO)\n');
    expect(r.stdout).toContain('    cloudtrail/pipe.json is not a regular file (a FIFO)\n');
    expect(r.stdout).toContain('    a symbolic link, not a file of the bundle: report.html\n');
    expect(r.stdout).toContain('    a symbolic link, not a file of the bundle: cloudtrail/zero.json\n');
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
  });

  it('names files and folders the user may not read, exit 1: not missing, not a crash (it said missing, is not JSON, or could not run: EACCES)', () => {
    // Root reads whatever the modes say: the check runs as nobody where it can, as the user otherwise.
    const asRoot = process.getuid?.() === 0;
    if (asRoot && !existsSync('/usr/bin/setpriv')) return;
    const open = mkdtempSync(join(tmpdir(), 'keydrill-verify-denied-'));
    try {
      chmodSync(open, 0o755);
      mkdirSync(join(open, 'home'), { mode: 0o777 });
      const asUser = (dir: string) => spawnSync(asRoot ? '/usr/bin/setpriv' : process.execPath, [...(asRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath] : []), 'bin/keydrill.mjs', 'verify', dir], { encoding: 'utf8', env: { ...process.env, HOME: open, KEYDRILL_HOME: join(open, 'home') }, timeout: 60_000 });
      const copyOf = (name: string) => {
        const to = join(open, name);
        spawnSync('cp', ['-r', bundle, to]);
        spawnSync('chmod', ['-R', 'a+rX', to]);
        return to;
      };
      const locked = copyOf('locked');
      chmodSync(join(locked, 'report.csv'), 0);
      chmodSync(join(locked, 'cloudtrail'), 0);
      const r = asUser(locked);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('    report.csv cannot be read (permission denied)\n');
      expect(r.stdout).toContain('    cloudtrail/ cannot be read (permission denied)\n');
      expect(r.stdout).not.toContain('missing: report.csv');
      expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);

      const manifest = copyOf('locked-manifest');
      chmodSync(join(manifest, 'manifest.json'), 0);
      const m = asUser(manifest);
      expect(m.stderr).toBe('');
      expect(m.status).toBe(1);
      expect(m.stdout).toContain(`audit bundle ${manifest}: its manifest.json cannot be read (permission denied)\n`);
      expect(m.stdout).toContain('    manifest.json cannot be read (permission denied)\n');
      expect(m.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
    } finally {
      spawnSync('chmod', ['-R', 'u+rwX', open]);
      rmSync(open, { recursive: true, force: true });
    }
  });

  it('finds a record changed, left out or added under a rewritten SHA256SUMS, by the event set', () => {
    const changed = tampered(bundle, 'changed', (records) => records.map((rec, i) => (i === 0 ? { ...rec, sourceIPAddress: '198.51.100.7' } : rec)));
    const r = keydrill('verify', changed);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('  files: all ');
    expect(r.stdout).toMatch(/ {2}event set: the CloudTrail records give [0-9a-f]{64}, not the run's [0-9a-f]{64}: a record was changed\n/);
    // The rewritten seal no longer has the digest the sign-off quotes.
    expect(r.stdout).toContain(`  seal: SHA-256 of SHA256SUMS is ${sha256(readFileSync(join(changed, 'SHA256SUMS')))}`);
    expect(r.stdout).not.toContain(sha256(readFileSync(join(bundle, 'SHA256SUMS'))));

    const dropped = tampered(bundle, 'dropped', (records) => records.slice(1));
    expect(keydrill('verify', dropped).stdout).toMatch(/: 1 of the run's records missing \(record \d+\)\n/);

    const added = tampered(bundle, 'added-record', (records) => [...records, { ...records[0], eventID: '00000000-0000-4000-8000-000000000000' }]);
    expect(keydrill('verify', added).stdout).toMatch(/, the run's digest, but 1 record not of this run\n/);
  });

  it('says a duplicated CloudTrail file leaves the digest the run\'s but its eventIDs occur twice (it said the digest was not the run\'s, quoting the same one)', () => {
    const doubled = join(home, 'doubled');
    spawnSync('cp', ['-r', bundle, doubled]);
    const path = (readFileSync(join(doubled, 'SHA256SUMS'), 'utf8').split('\n').find((l) => l.includes('  cloudtrail/')) as string).slice(66);
    const copyPath = path.replace(/\.json\.gz$/, '-copy.json.gz');
    const bytes = readFileSync(join(doubled, ...path.split('/')));
    writeFileSync(join(doubled, ...copyPath.split('/')), bytes);
    writeFileSync(join(doubled, 'SHA256SUMS'), `${readFileSync(join(doubled, 'SHA256SUMS'), 'utf8')}${sha256(bytes)}  ${copyPath}\n`);
    const records = (JSON.parse(gunzipSync(bytes).toString('utf8')) as { Records: unknown[] }).Records.length;
    const digest = (JSON.parse(readFileSync(join(bundle, 'run-record.json'), 'utf8')) as { execution: { eventSetSha256: string } }).execution.eventSetSha256;
    const r = keydrill('verify', doubled);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`  event set: 34 CloudTrail records give ${digest}, the run's digest, but ${records} eventID${records === 1 ? ' occurs' : 's occur'} twice\n`);
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
  });

  it('does not verify a bundle whose CloudTrail file is damaged, naming the file, exit 1 (it stopped with exit 3)', () => {
    const damaged = join(home, 'damaged');
    spawnSync('cp', ['-r', bundle, damaged]);
    const path = (readFileSync(join(damaged, 'SHA256SUMS'), 'utf8').split('\n').find((l) => l.includes('  cloudtrail/')) as string).slice(66);
    writeFileSync(join(damaged, ...path.split('/')), 'a truncated download');
    const r = keydrill('verify', damaged);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`    changed: ${path}\n`);
    expect(r.stdout).toContain(`1 CloudTrail file not readable as CloudTrail:\n    ${path}: is named .gz but is not gzip data`);
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
    const json = JSON.parse(keydrill('verify', damaged, '--json').stdout) as { eventSet: { unreadable: string[] }; verified: boolean };
    expect(json.verified).toBe(false);
    expect(json.eventSet.unreadable).toHaveLength(1);
  });

  it('does not verify a bundle made without the run\'s CloudTrail records (another event store)', () => {
    const bare = join(home, 'bare');
    // An event store that exists but holds nothing of this run.
    const other = join(home, 'other-events.sqlite');
    SqliteEventStore.open(other).close();
    const made = keydrill('report', runId, '--bundle', bare, '--db', other);
    // Written, with its notes, but the command that made it fails and says why (it exited 0).
    expect(made.status, made.stderr).toBe(1);
    expect(made.stderr).toContain(`the audit bundle ${bare} is incomplete: 34 CloudTrail records the run made are not in the event store ${other} (was the run made with another --db?); keydrill verify will not verify it.`);
    expect(made.stdout).toContain('note: The event store holds 0 CloudTrail records of this run, and the run made 34');
    const r = keydrill('verify', bare);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("  event set: the bundle holds none of the run's 34 CloudTrail records, so they cannot be checked");
  });

  it('does not verify a bundle whose sealed manifest.json was damaged, exit 1 (it said the folder is no bundle, exit 2)', () => {
    const damaged = join(home, 'damaged-manifest');
    spawnSync('cp', ['-r', bundle, damaged]);
    writeFileSync(join(damaged, 'manifest.json'), readFileSync(join(damaged, 'manifest.json'), 'utf8').slice(0, 500));
    const r = keydrill('verify', damaged);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toContain('    changed: manifest.json\n');
    expect(r.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
    expect(JSON.parse(keydrill('verify', damaged, '--json').stdout)).toMatchObject({ runId: null, files: { problems: ['changed: manifest.json'] }, eventSet: null, verified: false });
  });

  it('refuses a folder that is no audit bundle, exit 2', () => {
    // A SHA256SUMS that is a folder stopped verify with EISDIR, exit 3.
    const sumsFolder = join(home, 'sums-folder');
    spawnSync('cp', ['-r', bundle, sumsFolder]);
    rmSync(join(sumsFolder, 'SHA256SUMS'));
    mkdirSync(join(sumsFolder, 'SHA256SUMS'));
    for (const [target, message] of [
      [join(home, 'nowhere'), 'no such folder'],
      [home, 'is not an audit bundle: it has no SHA256SUMS'],
      [join(bundle, 'SHA256SUMS'), 'not a folder'],
      [sumsFolder, 'is not an audit bundle: its SHA256SUMS is not a file'],
      [`/${'a'.repeat(4999)}`, 'verify: a path is at most 4,096 characters, and this one has 5,000\n'],
    ] as const) {
      const r = keydrill('verify', target);
      expect(r.status, target).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(readdirSync(bundle)).toContain('manifest.json');
  });
});
