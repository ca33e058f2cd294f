import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLEAN_ENV } from '../support/clean-env';

/**
 * `keydrill report` and `keydrill audit export` check where they will write before they read or
 * write anything, as `drill run` does for --report and --cloudtrail-out: a path that cannot be
 * written is bad input (exit 2) named with its option, and no report of the same command is written.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-outputs-'));
const out = join(home, 'out');
afterAll(() => rmSync(home, { recursive: true, force: true }));
const keydrill = (args: string[]) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...CLEAN_ENV, KEYDRILL_HOME: home }, timeout: 120_000 });

let runId = '';
const aFile = join(out, 'a-file.txt');
const full = join(out, 'full.html');
const taken = join(out, 'taken');
const missing = join(out, 'no-such-folder');
// A folder that exists and takes no new files, whoever runs the test (root included).
const readOnly = process.platform === 'linux' ? '/proc' : undefined;

beforeAll(() => {
  const run = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
  expect(run.status, run.stderr).toBe(0);
  runId = (JSON.parse(run.stdout) as { runId: string }).runId;
  mkdirSync(out);
  writeFileSync(aFile, 'mine');
  // A folder where a file is expected, not empty: nothing in it may be touched.
  mkdirSync(full);
  writeFileSync(join(full, 'index.html'), 'mine');
  mkdirSync(taken);
  writeFileSync(join(taken, 'notes.txt'), 'mine');
}, 120_000);

/** Every entry under `out`, to show a refused command wrote nothing. */
function contents(): string[] {
  return readdirSync(out, { recursive: true, encoding: 'utf8' }).sort();
}

describe('an output path is checked before the work, and a bad one is named (exit 2) with nothing written', () => {
  it('report --out: a folder, a file in a missing folder, a folder that takes no files, a file standing in for a folder', () => {
    const cases: [string, string][] = [
      [full, `${full} is a folder; give a file name`],
      [join(missing, 'report.csv'), `the folder ${missing} does not exist; create it first`],
      [join(aFile, 'report.json'), `${aFile} is a file, not a folder`],
      ...(readOnly ? [[join(readOnly, 'report.html'), `cannot create files in ${readOnly}`] as [string, string]] : []),
    ];
    const before = contents();
    for (const [bad, why] of cases) {
      // A good --out first: it is not written either, since the bad one is found before any report is.
      const good = join(out, 'good.html');
      const r = keydrill(['report', runId, '--out', good, '--out', bad, '--json']);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`keydrill: --out ${bad}: ${why}`);
      expect(JSON.parse(r.stdout)).toEqual({ ok: false, exitCode: 2, error: { code: 'bad-output-path', message: expect.stringContaining(why), option: '--out', path: bad } });
      expect(existsSync(good)).toBe(false);
    }
    expect(contents()).toEqual(before);
  });

  it('report --db naming no event store: refused (exit 2), no report written', () => {
    const good = join(out, 'good.html');
    const r = keydrill(['report', runId, '--out', good, '--db', join(missing, 'events.sqlite')]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toContain(`report --db: no event store at ${join(missing, 'events.sqlite')}`);
    expect(existsSync(good)).toBe(false);
  });

  it('report --bundle: a file, a folder of other files, a folder whose parent is missing; and the --out beside it is not written', () => {
    const before = contents();
    const cases: [string, string][] = [
      [aFile, `${aFile} is a file: an audit bundle is a folder`],
      [taken, `${taken} already holds other files`],
      [join(missing, 'bundle'), `the folder ${missing} does not exist; create it first`],
    ];
    for (const [bad, why] of cases) {
      const r = keydrill(['report', runId, '--out', join(out, 'beside.csv'), '--bundle', bad]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`keydrill: --bundle ${bad}: ${why}`);
    }
    expect(contents()).toEqual(before);
  });

  it('a report file where its command\'s folder goes: drill run --report beside --cloudtrail-out, report --out inside --bundle; refused before the drill runs', () => {
    const before = contents();
    const same = join(out, 'both.json');
    const cases: [string[], string, string][] = [
      [['drill', 'run', 'revocation-and-restore', '--report', same, '--cloudtrail-out', same], `--report ${same}`, `names the same path as --cloudtrail-out ${same}; write the file elsewhere`],
      [['drill', 'run', 'revocation-and-restore', '--report', same, '--cloudtrail-out', join(same, 'trail')], `--report ${same}`, `--cloudtrail-out ${join(same, 'trail')} needs it to be a folder; write the file elsewhere`],
      [['report', runId, '--out', join(out, 'sealed', 'report.html'), '--bundle', join(out, 'sealed')], `--out ${join(out, 'sealed', 'report.html')}`, `is inside --bundle ${join(out, 'sealed')}, which is written whole; write the file elsewhere`],
      // The same file twice: a typo for another name, not a file to write twice over itself.
      [['drill', 'run', 'revocation-and-restore', '--report', same, '--report', join(out, '.', 'both.json')], `--report ${join(out, '.', 'both.json')}`, `names the same file as --report ${same}; give each report its own file`],
      [['report', runId, '--out', same, '--out', same], `--out ${same}`, `names the same file as --out ${same}; give each report its own file`],
    ];
    for (const [args, what, why] of cases) {
      const r = keydrill([...args, '--json']);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`keydrill: ${what}: ${why}`);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'bad-output-path' } });
      // Refused before the drill ran: no run was saved for it.
      expect(r.stdout).not.toContain('runId');
    }
    expect(contents()).toEqual(before);
  });

  it('drill run --report naming the scenario file it runs (or a link to it): refused before the drill runs, the scenario left as it was', () => {
    // An audit trial ran 'drill run fleet.json --report fleet.json': the drill ran and the report replaced the scenario.
    const scenario = join(home, 'fleet.json');
    const text = keydrill(['drill', 'show', 'revocation-and-restore']).stdout;
    writeFileSync(scenario, JSON.stringify(parse(text)));
    const original = readFileSync(scenario, 'utf8');
    const link = join(home, 'fleet-link.json');
    symlinkSync(scenario, link);
    for (const report of [scenario, link]) {
      const r = keydrill(['drill', 'run', scenario, '--report', report, '--json']);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`keydrill: --report ${report}: is the scenario file this drill runs: the report would replace it; write the report elsewhere`);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'bad-output-path', option: '--report', path: report } });
      expect(readFileSync(scenario, 'utf8')).toBe(original);
    }
  });

  it('audit export --cloudtrail-out: a file, a path through a file, a folder that takes no files', () => {
    const before = contents();
    const cases: [string, string][] = [
      [aFile, `${aFile} is a file, not a folder`],
      [join(aFile, 'trail'), `${aFile} is a file, not a folder`],
      ...(readOnly ? [[join(readOnly, 'trail'), `cannot create files in ${readOnly}`] as [string, string]] : []),
    ];
    for (const [bad, why] of cases) {
      const r = keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', bad, '--json']);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(`keydrill: --cloudtrail-out ${bad}: ${why}`);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, exitCode: 2, error: { code: 'bad-output-path', option: '--cloudtrail-out', path: bad } });
    }
    expect(contents()).toEqual(before);
  });

  it('writes to good paths as before: reports over an existing file, a bundle over an earlier one, CloudTrail files into new folders', () => {
    const report = join(out, 'report.json');
    writeFileSync(report, 'an older report');
    expect(keydrill(['report', runId, '--out', report]).status).toBe(0);
    const bundle = join(out, 'bundle');
    expect(keydrill(['report', runId, '--bundle', bundle]).status).toBe(0);
    expect(keydrill(['report', runId, '--bundle', bundle]).status).toBe(0);
    const trail = join(out, 'new', 'trail');
    const exported = keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail]);
    expect(exported.status, exported.stderr).toBe(0);
    expect(existsSync(join(trail, 'AWSLogs'))).toBe(true);
  }, 120_000);

  it("a bundle folder someone added a file to is theirs: refused, nothing deleted", () => {
    const bundle = join(out, 'bundle-with-notes');
    expect(keydrill(['report', runId, '--bundle', bundle]).status).toBe(0);
    writeFileSync(join(bundle, 'auditor-notes.txt'), 'signed off');
    const again = keydrill(['report', runId, '--bundle', bundle]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(`keydrill: --bundle ${bundle}: ${bundle} already holds other files`);
    expect(readdirSync(bundle)).toContain('auditor-notes.txt');
  }, 120_000);

  it("a bundle folder holding another run's bundle is refused, exit 2, naming that run: the bundle is kept, the --out beside it not written", () => {
    const other = keydrill(['drill', 'run', 'revocation-and-restore', '--json']);
    expect(other.status, other.stderr).toBe(0);
    const otherRun = (JSON.parse(other.stdout) as { runId: string }).runId;
    const bundle = join(out, 'other-runs-bundle');
    expect(keydrill(['report', otherRun, '--bundle', bundle]).status).toBe(0);
    const sums = readFileSync(join(bundle, 'SHA256SUMS'), 'utf8');
    const beside = join(out, 'beside-other.csv');
    const r = keydrill(['report', runId, '--out', beside, '--bundle', bundle]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`keydrill: ${bundle} holds the audit bundle of run ${otherRun}: write the bundle of ${runId} into another folder, or delete that bundle first to replace it.`);
    expect(readFileSync(join(bundle, 'SHA256SUMS'), 'utf8')).toBe(sums);
    expect(existsSync(beside)).toBe(false);
  }, 120_000);

  it('exporting a run again into the same folder finds its files there instead of writing every record twice', () => {
    const trail = join(out, 'trail-twice');
    const first = keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail, '--json']);
    expect(first.status, first.stderr).toBe(0);
    const firstOut = JSON.parse(first.stdout) as { files: string[]; records: number; unchanged: number };
    expect(firstOut.unchanged).toBe(0);
    const second = keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail]);
    expect(second.status, second.stderr).toBe(0);
    // One file (this drill's records fit in one), said in the singular.
    expect(firstOut.files).toHaveLength(1);
    expect(second.stdout).toBe(`exported ${firstOut.records} events into 1 CloudTrail log file under ${trail} (1 of them was there already, the same records exported before: left as it was)\n`);
    const logs = readdirSync(trail, { recursive: true }).filter((f) => String(f).endsWith('.json.gz'));
    expect(logs).toHaveLength(firstOut.files.length);
  }, 120_000);

  it('says when the folder also holds log files it did not write, which whoever gets the folder reads too', () => {
    const trail = join(out, 'trail-shared');
    // Another run's log file, in the same day's folder (drills on the embedded KMS share their start date).
    const first = JSON.parse(keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail, '--json']).stdout) as { files: string[] };
    const day = join(trail, (first.files[0] as string).split('/').slice(0, -1).join('/'));
    writeFileSync(join(day, '111122223333_CloudTrail_us-east-1_20260101T0000Z_OTHERRUNOTHERRUN.json.gz'), gzipSync('{"Records":[]}'));
    const again = keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toContain('; the folder also holds 1 CloudTrail log file it did not write (other runs or times), which whoever gets the folder reads too: export into an empty folder to hand these on alone');
    expect(JSON.parse(keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', trail, '--json']).stdout)).toMatchObject({ otherFiles: 1 });
    // Its own files, found there again, are not "other" files.
    expect(JSON.parse(keydrill(['audit', 'export', '--run', runId, '--cloudtrail-out', join(out, 'trail-twice'), '--json']).stdout)).toMatchObject({ otherFiles: 0 });
  }, 120_000);
});
