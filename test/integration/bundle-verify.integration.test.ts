import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEventPayload, ApiOutcome, BundleVerification, ReportFormat } from '../../src-shared/api';
import { callApi } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import type { DesktopShell } from '../../src-main/app/desktop-shell';
import { resealed, sha256, tamperedCopy } from '../support/tampered-bundle';

/**
 * An auditor verifies a bundle from the app (`reports:verify`) and gets `keydrill verify`'s verdict:
 * a bundle the app's own export wrote, then copies tampered with as a careless or careful tamperer
 * would, each checked through the contract and by the CLI on the same folder.
 */

/** The desktop window's folder dialog, answering as the user would; a bundle's PDF as the window prints it. */
class DesktopStandIn implements DesktopShell {
  asked = 0;
  constructor(private readonly folder: string | undefined) {}
  async chooseSavePath(): Promise<string | undefined> {
    throw new Error('verifying never opens a save dialog');
  }
  async chooseFolder(): Promise<string | undefined> {
    this.asked++;
    return this.folder;
  }
  async printPdf(): Promise<Buffer> {
    return Buffer.from('%PDF-1.7\n%%EOF\n', 'latin1');
  }
}

describe('verifying an audit bundle from the app', () => {
  let home: string;
  let services: AppServices;
  let bundle: string;
  let runId: string;
  const verifyVia = (args: Record<string, unknown>, desktop?: DesktopShell): Promise<ApiOutcome> => callApi({ services, desktop }, 'reports:verify', args);
  const verdictOf = async (path: string): Promise<BundleVerification> => {
    const out = await verifyVia({ path });
    if (!out.ok) throw new Error(out.error.message);
    return out.result as BundleVerification;
  };
  /** `keydrill verify --json` on the same folder: the verdict the app must agree with. */
  const cliVerdict = (path: string) => {
    const r = spawnSync(process.execPath, ['bin/keydrill.mjs', 'verify', path, '--json'], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 60_000 });
    return { exit: r.status, json: JSON.parse(r.stdout) as { runId: string | null; seal: string; files: { problems: string[] }; againstManifest: string[]; eventSet: { recomputed: string } | null; verified: boolean } };
  };
  const expectSameAsCli = (verdict: BundleVerification) => {
    const cli = cliVerdict(verdict.bundle);
    expect(cli.exit).toBe(verdict.verified ? 0 : 1);
    expect({ runId: verdict.run?.runId ?? null, seal: verdict.seal, problems: verdict.files.problems, againstManifest: verdict.againstManifest, recomputed: verdict.eventSet?.recheck?.sha256, verified: verdict.verified })
      .toEqual({ runId: cli.json.runId, seal: cli.json.seal, problems: cli.json.files.problems, againstManifest: cli.json.againstManifest, recomputed: cli.json.eventSet?.recomputed, verified: cli.json.verified });
  };
  const copy = (name: string) => {
    const to = join(home, name);
    spawnSync('cp', ['-r', bundle, to]);
    return to;
  };

  /** A drill run from the app, and its bundle as the Reports page exports it (the desktop window prints its PDF). */
  const runAndExport = async (): Promise<{ runId: string; bundle: string }> => {
    let stop = () => {};
    const finished = new Promise<ApiEventPayload<'drill:finished'>>((resolve) => { stop = services.events.on('drill:finished', resolve); });
    const started = await callApi({ services }, 'drills:run', { scenario: { name: 'revocation-and-restore' } });
    if (!started.ok) throw new Error(started.error.message);
    const end = await finished;
    stop();
    if (!end.ok) throw new Error(end.error);
    const format: ReportFormat = 'bundle';
    const exported = await callApi({ services, desktop: new DesktopStandIn(undefined) }, 'reports:export', { runId: end.runId, format });
    if (!exported.ok) throw new Error(exported.error.message);
    return { runId: end.runId, bundle: (exported.result as { path: string }).path };
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-bundle-verify-'));
    services = new AppServices({ home });
    ({ runId, bundle } = await runAndExport());
  }, 120_000);
  afterAll(async () => {
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('verifies the bundle as exported: the run, the seal of SHA256SUMS, every file, the event set recomputed to the run\'s digest', async () => {
    const verdict = await verdictOf(bundle);
    const digest = (JSON.parse(readFileSync(join(bundle, 'run-record.json'), 'utf8')) as { execution: { eventSetSha256: string } }).execution.eventSetSha256;
    expect(verdict).toMatchObject({
      verified: true,
      run: { runId, scenarioTitle: expect.stringContaining('Revocation and restore') },
      seal: sha256(readFileSync(join(bundle, 'SHA256SUMS'))),
      files: { ok: true, checked: readFileSync(join(bundle, 'SHA256SUMS'), 'utf8').trim().split('\n').length, problems: [] },
      eventSet: { holds: true, sealed: { sha256: digest, by: 'run', records: 34 }, recheck: { sha256: digest, found: 34, expected: 34, foreign: 0, duplicates: 0, unreadable: [] } },
    });
    expectSameAsCli(verdict);
  });

  it('does not verify a changed CloudTrail record under a rewritten SHA256SUMS: the files pass, the event set and the seal do not', async () => {
    const changed = tamperedCopy(bundle, join(home, 'changed'), (records) => records.map((r, i) => (i === 0 ? { ...r, sourceIPAddress: '198.51.100.7' } : r)));
    const verdict = await verdictOf(changed);
    expect(verdict).toMatchObject({ verified: false, files: { ok: true }, eventSet: { holds: false, recheck: { found: 34, foreign: 0 } } });
    expect(verdict.eventSet?.recheck?.sha256).not.toBe(verdict.eventSet?.sealed?.sha256);
    expect(verdict.seal).not.toBe(sha256(readFileSync(join(bundle, 'SHA256SUMS'))));
    expectSameAsCli(verdict);
  });

  it('does not verify a bundle stripped of its CloudTrail records, its manifest rewritten to claim none and SHA256SUMS redone: the run record says how many the run made', async () => {
    const stripped = copy('stripped');
    rmSync(join(stripped, 'cloudtrail'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(stripped, 'manifest.json'), 'utf8')) as { eventSet: { records: number; exported: number }; files: { path: string }[] };
    manifest.eventSet.records = 0;
    manifest.eventSet.exported = 0;
    manifest.files = manifest.files.filter((f) => !f.path.startsWith('cloudtrail/'));
    writeFileSync(join(stripped, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const sums = readFileSync(join(stripped, 'SHA256SUMS'), 'utf8').split('\n').filter((l) => l && !l.includes('  cloudtrail/'));
    writeFileSync(join(stripped, 'SHA256SUMS'), `${sums.join('\n')}\n`);
    resealed(stripped);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: stripped }).status).toBe(0);
    const verdict = await verdictOf(stripped);
    expect(verdict).toMatchObject({ verified: false, files: { ok: true }, eventSet: { holds: false, recheck: null } });
    expect(verdict.againstManifest).toEqual(['run-record.json says the run made 34 CloudTrail records, the manifest says 0']);
    expectSameAsCli(verdict);
    const text = spawnSync(process.execPath, ['bin/keydrill.mjs', 'verify', stripped], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 60_000 });
    expect(text.stdout).toMatch(/event set: the manifest counts no CloudTrail record, but the run's event-set digest [0-9a-f]{64} is not the digest of none: records were taken out/);
    expect(text.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
  });

  it('does not verify a bundle of two runs: run B\'s run record and reports in run A\'s bundle, under a SHA256SUMS rewritten to match', async () => {
    const other = await runAndExport();
    const mixed = copy('mixed');
    for (const file of ['run-record.json', 'report.html', 'report.csv']) copyFileSync(join(other.bundle, file), join(mixed, file));
    resealed(mixed);
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: mixed }).status).toBe(0);
    const verdict = await verdictOf(mixed);
    const file = (dir: string, name: string) => sha256(readFileSync(join(dir, name)));
    expect(verdict).toMatchObject({ verified: false, run: { runId }, files: { ok: true }, eventSet: { holds: true } });
    expect(verdict.againstManifest).toEqual(expect.arrayContaining([
      `run-record.json is run ${other.runId}'s, the manifest's is run ${runId}`,
      `report.html: manifest.json gives sha256 ${file(bundle, 'report.html')}, the file has ${file(mixed, 'report.html')}`,
      `report.csv: manifest.json gives sha256 ${file(bundle, 'report.csv')}, the file has ${file(mixed, 'report.csv')}`,
      `run-record.json: manifest.json gives sha256 ${file(bundle, 'run-record.json')}, the file has ${file(mixed, 'run-record.json')}`,
    ]));
    expectSameAsCli(verdict);
    const text = spawnSync(process.execPath, ['bin/keydrill.mjs', 'verify', mixed], { encoding: 'utf8', env: { ...process.env, KEYDRILL_HOME: home }, timeout: 60_000 });
    expect(text.stdout).toContain(`    run-record.json is run ${other.runId}'s, the manifest's is run ${runId}\n`);
    expect(text.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
  }, 120_000);

  it('will not export a run\'s bundle over another run\'s, chosen in the save dialog: the app says whose bundle is there, and keeps it', async () => {
    const other = await runAndExport();
    const sums = readFileSync(join(other.bundle, 'SHA256SUMS'), 'utf8');
    const saveOver = new (class extends DesktopStandIn {
      override async chooseSavePath(): Promise<string | undefined> {
        return other.bundle;
      }
    })(undefined);
    const refused = await callApi({ services, desktop: saveOver }, 'reports:export', { runId, format: 'bundle', saveAs: true });
    expect(refused).toEqual({ ok: false, error: { code: 'bad-request', message: `${other.bundle} holds the audit bundle of run ${other.runId}: write the bundle of ${runId} into another folder, or delete that bundle first to replace it.` } });
    expect(readFileSync(join(other.bundle, 'SHA256SUMS'), 'utf8')).toBe(sums);
    // The same run's bundle into its own folder is replaced, as before.
    expect(await callApi({ services, desktop: new DesktopStandIn(undefined) }, 'reports:export', { runId, format: 'bundle' })).toMatchObject({ ok: true, result: { path: bundle } });
  }, 120_000);

  it('does not verify a folder with a file added beside the sealed ones, or with a sealed file removed', async () => {
    const added = copy('added');
    writeFileSync(join(added, 'cloudtrail', 'extra.json'), '{"Records":[]}');
    const withExtra = await verdictOf(added);
    expect(withExtra).toMatchObject({ verified: false, files: { ok: false, problems: ['not listed: cloudtrail/extra.json'] }, eventSet: { holds: true } });
    expectSameAsCli(withExtra);

    const removed = copy('removed');
    rmSync(join(removed, 'report.csv'));
    const withoutCsv = await verdictOf(removed);
    expect(withoutCsv).toMatchObject({ verified: false, files: { problems: ['missing: report.csv'] } });
    expectSameAsCli(withoutCsv);
  });

  it('answers for a bundle holding a FIFO or a link to /dev/zero, never reading them: not verified (it spun forever)', async () => {
    const odd = copy('odd-files');
    rmSync(join(odd, 'report.csv'));
    expect(spawnSync('mkfifo', [join(odd, 'report.csv')]).status).toBe(0);
    symlinkSync('/dev/zero', join(odd, 'cloudtrail', 'zero.json'));
    const verdict = await verdictOf(odd);
    expect(verdict).toMatchObject({ verified: false, files: { ok: false } });
    expect(verdict.files.problems).toEqual(expect.arrayContaining(['report.csv is not a regular file (a FIFO)', 'a symbolic link, not a file of the bundle: cloudtrail/zero.json']));
  }, 30_000);

  it('does not verify a bundle whose manifest.json was changed: it names the manifest, and recomputes nothing it cannot name', async () => {
    const damaged = copy('damaged-manifest');
    writeFileSync(join(damaged, 'manifest.json'), readFileSync(join(damaged, 'manifest.json'), 'utf8').slice(0, 500));
    const verdict = await verdictOf(damaged);
    expect(verdict).toMatchObject({ verified: false, run: null, manifestProblem: 'is not JSON', files: { problems: ['changed: manifest.json'] }, eventSet: null });
    expectSameAsCli(verdict);
  });

  it('refuses what is no audit bundle with what is wrong and where: a relative path, a missing folder, a file, a folder without SHA256SUMS', async () => {
    expect(await verifyVia({ path: 'bundles/run-audit' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^bundles\/run-audit is not a full path/) } });
    const nowhere = join(home, 'nowhere');
    expect(await verifyVia({ path: nowhere })).toEqual({ ok: false, error: { code: 'not-found', message: `${nowhere}: no such folder.` } });
    const sums = join(bundle, 'SHA256SUMS');
    expect(await verifyVia({ path: sums })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(new RegExp(`^${sums}: not a folder`)) } });
    expect(await verifyVia({ path: home })).toEqual({ ok: false, error: { code: 'bad-request', message: `${home} is not an audit bundle: it has no SHA256SUMS.` } });
    // A path pasted far too long is answered in words, not with the schema's text (it was "path: Too big: expected string…").
    expect(await verifyVia({ path: `/${'a'.repeat(4999)}` })).toEqual({ ok: false, error: { code: 'bad-request', message: 'a path is at most 4,096 characters, and this one has 5,000.' } });
    // Neither a path nor the dialog, and both at once, are refused by the contract before main looks.
    expect(await verifyVia({})).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await verifyVia({ path: bundle, pick: true })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('in the desktop window picks the folder in a dialog; closing it verifies nothing; a browser has no dialog and is told to type the path', async () => {
    const picked = await verifyVia({ pick: true }, new DesktopStandIn(bundle));
    expect(picked).toMatchObject({ ok: true, result: { cancelled: false, verified: true, bundle } });
    const closed = new DesktopStandIn(undefined);
    expect(await verifyVia({ pick: true }, closed)).toEqual({ ok: true, result: { cancelled: true } });
    expect(closed.asked).toBe(1);
    expect(await verifyVia({ pick: true })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('type or paste the audit bundle folder\'s full path') } });
  });
});
