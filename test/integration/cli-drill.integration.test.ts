import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillSummary } from '../../src-main/cli/drill-summary';
import { EmbeddedKms } from '../../src-main/kms/embedded/embedded-kms';
import { closedPort } from '../support/closed-port';
import { checkJUnit } from '../support/junit-check';
import { childrenNamed } from '../support/xml-tree';
import { CLEAN_ENV } from '../support/clean-env';

/**
 * The command line as CI uses it: exit codes that tell a failed drill (1) from bad input (2) and a
 * drill that could not run (3), JUnit XML and complete JSON, built-in names where a file is taken,
 * and progress lines in a log when stderr is not a terminal.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-cli-ci-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function keydrill(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { encoding: 'utf8', env: { ...CLEAN_ENV, KEYDRILL_HOME: home, ...env }, timeout: 120_000 });
}

/** For a server in this process: spawnSync would block the event loop that answers it. */
function keydrillAsync(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', ...args], { env: { ...CLEAN_ENV, KEYDRILL_HOME: home, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A port nothing listens on. */
describe('keydrill drill run for CI', () => {
  it('exits 1 on a failed expectation, with complete JSON and a JUnit failure', () => {
    const xml = join(home, 'verdicts.xml');
    const r = keydrill(['drill', 'run', 'test/fixtures/scenarios/expectation-fails.yaml', '--json', '--report', xml]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout) as DrillSummary & { reports: unknown[] };
    const verdict = out.verdicts[0]!;
    expect(out).toMatchObject({ ok: true, status: 'failed', passed: false, scenario: { name: 'expectation-fails', seed: 1 }, backend: { kind: 'embedded', simulatedOnClient: [] } });
    expect(out.verdicts).toEqual([expect.objectContaining({ kind: 'availability', passed: false, measured: expect.any(Number) })]);
    expect(verdict.measured).toBeLessThan(99);
    expect(out.totals.kmsCalls).toBeGreaterThan(0);
    expect(out.reports).toEqual([expect.objectContaining({ file: xml, format: 'junit' })]);
    const doc = checkJUnit(readFileSync(xml, 'utf8'));
    expect(doc.attributes).toMatchObject({ tests: '1', failures: '1', errors: '0' });
    const failure = childrenNamed(childrenNamed(childrenNamed(doc, 'testsuite')[0]!, 'testcase')[0]!, 'failure')[0]!;
    expect(failure.attributes.type).toBe('availability');
    expect(failure.text).toContain(`measured: ${verdict.measuredText ?? String(verdict.measured)}`);
  });

  it('names JUnit test cases after the expectation, so two runs with different results have the same test names', () => {
    const fixture = readFileSync('test/fixtures/scenarios/expectation-fails.yaml', 'utf8').replace(
      '  - { expect: availability, cluster: prod, atLeast: "99%" }',
      '  - { expect: availability, cluster: prod, atLeast: "99%" }\n  - { expect: availability, cluster: prod, from: 1h, atLeast: "50%" }\n  - { expect: kms-calls-at-most, count: 1000000 }',
    );
    const disabled = join(home, 'names-disabled.yaml');
    const healthy = join(home, 'names-healthy.yaml');
    writeFileSync(disabled, fixture);
    writeFileSync(healthy, fixture.replace(/^timeline:\n.*$/m, 'timeline: []'));
    const outcome = (file: string) => {
      const xml = join(home, `${file.endsWith('healthy.yaml') ? 'healthy' : 'disabled'}.xml`);
      const r = keydrill(['drill', 'run', file, '--json', '--report', xml]);
      const cases = childrenNamed(childrenNamed(checkJUnit(readFileSync(xml, 'utf8')), 'testsuite')[0]!, 'testcase');
      return { status: r.status, summary: JSON.parse(r.stdout) as DrillSummary, cases };
    };
    const a = outcome(disabled);
    const b = outcome(healthy);
    expect([a.status, b.status]).toEqual([1, 0]);
    expect(a.summary.verdicts.map((v) => v.measured)).not.toEqual(b.summary.verdicts.map((v) => v.measured));
    const names = ['availability cluster=prod', 'availability cluster=prod from=1h', 'kms-calls-at-most'];
    expect(a.cases.map((c) => c.attributes.name)).toEqual(names);
    expect(b.cases.map((c) => c.attributes.name)).toEqual(names);
    // The measured values are still there, in the failure and in each case's output.
    const failure = childrenNamed(a.cases[0]!, 'failure')[0]!;
    expect(failure.attributes.message).toBe(a.summary.verdicts[0]!.summary);
    expect(failure.text).toContain(`measured: ${a.summary.verdicts[0]!.measuredText}`);
    expect(childrenNamed(b.cases[0]!, 'system-out')[0]!.text).toContain(`measured: ${b.summary.verdicts[0]!.measuredText}`);
  });

  it('exits 0 with a JUnit file whose cases all pass', () => {
    const xml = join(home, 'passed.xml');
    const r = keydrill(['drill', 'run', 'revocation-and-restore', '--report', xml]);
    expect(r.status).toBe(0);
    const doc = checkJUnit(readFileSync(xml, 'utf8'));
    expect(Number(doc.attributes.tests)).toBeGreaterThan(1);
    expect(doc.attributes).toMatchObject({ failures: '0', errors: '0' });
  });

  it('closes with the run\'s totals written as the verdicts write counts, with thousands separators', () => {
    const r = keydrill(['drill', 'run', 'year-of-operation']);
    expect(r.status).toBe(0);
    // A year holds KMS's own RotateKey and DeleteKey: CloudTrail records, but no calls, counted apart.
    const closing = r.stdout.split('\n').find((line) => line.includes('all expectations met')) ?? '';
    const calls = /· ([\d,]+) KMS calls · ([\d,]+) CloudTrail records \(2 written by KMS on its own\) · ([\d,]+) calls that never reached KMS/.exec(closing);
    expect(calls?.[1]).toMatch(/^\d{1,3}(,\d{3})+$/);
    const runId = /run (\S+) saved/.exec(r.stdout)?.[1] ?? '';
    const stored = JSON.parse(keydrill(['runs', 'show', runId, '--json']).stdout) as DrillSummary;
    expect(calls?.[1]).toBe(stored.totals.kmsCalls.toLocaleString('en-US'));
    expect(calls?.[2]).toBe(stored.totals.cloudTrailRecords.toLocaleString('en-US'));
  });

  it('exits 3 when the backend is unreachable, and says so in the JUnit file', async () => {
    const port = await closedPort();
    const xml = join(home, 'unreachable.xml');
    const r = keydrill(['drill', 'run', 'revocation-and-restore', '--backend', 'localstack', '--endpoint', `http://127.0.0.1:${port}`, '--report', xml]);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`could not run: LocalStack's KMS at http://127.0.0.1:${port} is unreachable`);
    const doc = checkJUnit(readFileSync(xml, 'utf8'));
    expect(doc.attributes).toMatchObject({ tests: '1', failures: '0', errors: '1' });
  });

  describe('against a KMS that refuses the credentials', () => {
    const kms = new EmbeddedKms({});
    let endpoint = '';
    beforeAll(async () => {
      endpoint = await kms.listen(0);
    });
    afterAll(() => kms.close());

    it('exits 3 naming the refusal', async () => {
      const r = await keydrillAsync(['drill', 'run', 'revocation-and-restore', '--backend', 'aws', '--endpoint', endpoint], {
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', AWS_REGION: 'us-east-1',
      });
      expect(r.status).toBe(3);
      expect(r.stderr).toMatch(/could not run: AWS KMS at .* refused the credentials \(UnrecognizedClientException/);
    });
  });

  it('exits 2 on bad input', () => {
    expect(keydrill(['drill', 'run', 'revocation-and-restore', '--report', 'out.docx']).status).toBe(2);
    expect(keydrill(['drill', 'run', 'revocation-and-restore', '--speed', '3']).stderr).toContain('--speed goes with --live');
    expect(keydrill(['drill', 'run', 'revocation-and-restore', '--endpoint', 'http://x:1']).stderr).toContain('--endpoint goes with --backend localstack or aws');
  });

  it('lists the steps that failed when played in the console, --json, JUnit and runs show, without changing the verdict or the exit code', () => {
    const scenario = 'test/fixtures/scenarios/steps-fail.yaml';
    const reconfigure = 'timeline[2] reconfigure-kms-region at 4h failed: Cannot switch to us-west-2: ';
    const printed = keydrill(['drill', 'run', scenario]);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain(reconfigure);
    expect(printed.stdout).toMatch(/timeline\[0\] \(cancel\) cancel-key-deletion at 1h failed: .* is not pending deletion/);

    const xml = join(home, 'steps-fail.xml');
    const r = keydrill(['drill', 'run', scenario, '--json', '--report', xml]);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as DrillSummary;
    expect(out).toMatchObject({ status: 'passed', passed: true });
    expect(out.failedSteps).toEqual([
      { step: 0, stepId: 'cancel', do: 'cancel-key-deletion', at: 3_600_000, detail: expect.stringContaining('is not pending deletion') },
      { step: 2, do: 'reconfigure-kms-region', at: 14_400_000, detail: expect.stringContaining('is a single-Region key') },
    ]);
    const doc = checkJUnit(readFileSync(xml, 'utf8'));
    expect(doc.attributes).toMatchObject({ tests: '1', failures: '0', errors: '0' });
    expect(childrenNamed(childrenNamed(doc, 'testsuite')[0]!, 'system-out')[0]!.text).toContain(reconfigure);

    expect(keydrill(['runs', 'show', out.runId]).stdout).toContain(reconfigure);
    expect((JSON.parse(keydrill(['runs', 'show', out.runId, '--json']).stdout) as DrillSummary).failedSteps).toEqual(out.failedSteps);
  });

  it('exits 2 before the drill plays when a --report or --cloudtrail-out path cannot be written, naming it', () => {
    const runsBefore = keydrill(['runs', 'list', '-q']).stdout;
    const aFile = join(home, 'a-file');
    writeFileSync(aFile, '');
    const cases: [string[], string][] = [
      [['--cloudtrail-out', aFile], `--cloudtrail-out ${aFile}: ${aFile} is a file, not a folder`],
      [['--report', join(home, 'no-such-folder', 'report.html')], `--report ${join(home, 'no-such-folder', 'report.html')}: the folder ${join(home, 'no-such-folder')} does not exist`],
      [['--report', join(aFile, 'verdicts.xml')], `--report ${join(aFile, 'verdicts.xml')}: ${aFile} is a file, not a folder`],
    ];
    for (const [args, message] of cases) {
      const r = keydrill(['drill', 'run', 'revocation-and-restore', '--json', ...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(message);
      // --json still answers, with the option and the path apart.
      expect(JSON.parse(r.stdout)).toEqual({ ok: false, exitCode: 2, error: { code: 'bad-output-path', message: expect.stringContaining(message), option: args[0], path: args[1] } });
    }
    // Nothing played, so nothing was saved (and no key was provisioned).
    expect(keydrill(['runs', 'list', '-q']).stdout).toBe(runsBefore);
  });

  it('--json prints exactly one JSON object on stdout when the drill cannot run, the message on stderr and the same exit code', async () => {
    const port = await closedPort();
    const cases: { args: string[]; status: number; error: Record<string, unknown>; stderr: string }[] = [
      {
        args: ['test/fixtures/scenarios/invalid.yaml'], status: 2, stderr: 'timeline[1].at: expected a duration like "90m", "1h30m" or "7d" (line 21)',
        error: { code: 'invalid-scenario', path: 'test/fixtures/scenarios/invalid.yaml', problems: [{ path: 'timeline[1].at', line: 21, message: 'expected a duration like "90m", "1h30m" or "7d"' }] },
      },
      { args: ['no-such-drill'], status: 2, stderr: "no file or built-in scenario named 'no-such-drill'", error: { code: 'scenario-not-found' } },
      // A path is a file that is not there: no list of built-in scenarios it cannot have meant.
      { args: ['drills/no-such.yaml'], status: 2, stderr: 'drill run: no scenario file drills/no-such.yaml: it does not exist', error: { code: 'scenario-not-found', path: 'drills/no-such.yaml' } },
      { args: ['revocation-and-restore', '--backend', 'gcp'], status: 2, stderr: '--backend must be one of embedded, localstack, aws', error: { code: 'usage', option: '--backend' } },
      { args: ['revocation-and-restore', '--report', 'out.docx'], status: 2, stderr: '--report out.docx: ', error: { code: 'unknown-format', option: '--report', path: 'out.docx' } },
      { args: ['revocation-and-restore', '--speed', '3'], status: 2, stderr: '--speed goes with --live', error: { code: 'usage' } },
      { args: [], status: 2, stderr: 'drill run: missing <scenario>', error: { code: 'usage' } },
      {
        args: ['revocation-and-restore', '--backend', 'localstack', '--endpoint', `http://127.0.0.1:${port}`], status: 3,
        stderr: `could not run: LocalStack's KMS at http://127.0.0.1:${port} is unreachable`, error: { code: 'backend-unreachable' },
      },
    ];
    for (const c of cases) {
      const r = keydrill(['drill', 'run', ...c.args, '--json']);
      expect(r.status, c.args.join(' ')).toBe(c.status);
      expect(r.stderr).toContain(c.stderr);
      // One object, one line: what `jq` reads.
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      const out = JSON.parse(r.stdout) as { ok: boolean; exitCode: number; error: { message: string } };
      expect(out).toEqual({ ok: false, exitCode: c.status, error: { ...c.error, message: expect.any(String) } });
      // The same words as stderr, without the "keydrill: " prefix.
      expect(r.stderr).toContain(out.error.message.split('\n')[0]);
    }
    // A scenario that is nowhere has the same code for drill validate as for drill run.
    const unknown = keydrill(['drill', 'validate', 'no-such-drill', '--json']);
    expect(unknown.status).toBe(2);
    expect((JSON.parse(unknown.stdout) as { error: { code: string } }).error.code).toBe('scenario-not-found');
    // Every command that takes --json answers its failures the same way.
    const show = keydrill(['runs', 'show', 'no-such-run', '--json']);
    expect(show.status).toBe(2);
    expect(JSON.parse(show.stdout)).toEqual({ ok: false, exitCode: 2, error: { code: 'run-not-found', message: expect.stringContaining('no-such-run') } });
  }, 120_000);

  it('prints the verdicts and the JSON before exiting 3 when an output cannot be written at the end', async () => {
    const out = join(home, 'outputs-removed');
    mkdirSync(out);
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--live', '--speed', '4', '--json',
      '--report', join(out, 'report.html'), '--report', join(out, 'verdicts.xml'), '--cloudtrail-out', join(out, 'trail')], {
      env: { ...CLEAN_ENV, KEYDRILL_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      // The paths were checked before the drill started; now the folder goes, as a full or unmounted disk would.
      if (!stderr) {
        rmSync(out, { recursive: true });
        writeFileSync(out, '');
      }
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(3);
    const outcome = JSON.parse(stdout) as DrillSummary & { failedOutputs: { option: string; path: string; message: string }[]; reports: unknown[] };
    expect(outcome).toMatchObject({ status: 'passed', reports: [] });
    expect(outcome.verdicts).toEqual([expect.objectContaining({ kind: 'unreadable-within', passed: true })]);
    expect(outcome.failedOutputs.map((f) => [f.option, f.path])).toEqual([['--report', join(out, 'report.html')], ['--report', join(out, 'verdicts.xml')], ['--cloudtrail-out', join(out, 'trail')]]);
    expect(stderr).toContain(`Could not write the html report to ${join(out, 'report.html')}`);
    expect(stderr).toContain(`could not write 3 outputs; the drill ran (passed) and run ${outcome.runId} is saved`);
    expect(keydrill(['runs', 'show', outcome.runId]).stdout).toContain('PASS');
  });

  it('prints progress lines to a log (stderr not a terminal) through a live drill', async () => {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--live', '--speed', '4'], {
      env: { ...CLEAN_ENV, KEYDRILL_HOME: home, KEYDRILL_PROGRESS_INTERVAL_MS: '400' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toContain('drill live-short: live on embedded, 20s of drill time at speed 4 (about 5s)');
    const progress = lines.filter((l) => /^drill live-short: \d+% \(drill time/.test(l));
    expect(progress.length).toBeGreaterThanOrEqual(3);
    // Once 2 s of it have played, each line says how long the rest will take (5 s of wall time in all).
    expect(progress.some((l) => /^drill live-short: \d+% \(drill time [^)]+\) · about 5s left · \d+(\.\d+)?s elapsed$/.test(l))).toBe(true);
    expect(progress.every((l) => !/left/.test(l) || / · about \d+s left/.test(l))).toBe(true);
    expect(stderr).not.toContain('\r');
  });
});

describe('keydrill drill run --dry-run and the console name the backend in plain English', () => {
  it('prints exactly this plan for a built-in drill on the embedded KMS, and creates nothing', () => {
    const runsBefore = keydrill(['runs', 'list', '-q']).stdout;
    const r = keydrill(['drill', 'run', 'revocation-and-restore', '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      'dry run: drill revocation-and-restore would create these in the embedded KMS, which runs in this process:',
      '  key globex-cmk (tenant globex) in eu-west-1, tagged keydrill:scenario=revocation-and-restore, tenant=globex',
      '    alias alias/globex in eu-west-1',
      '  1 KMS key in all',
      '  timeline steps that change the key: timeline[0] key-policy-revoke, timeline[1] restore-access',
      'The embedded KMS keeps its keys in memory and closes when the drill ends, so nothing outlives the drill.',
      'Nothing was created.',
      '',
    ].join('\n'));
    expect(keydrill(['runs', 'list', '-q']).stdout).toBe(runsBefore);
  });

  it('heads the verdicts and runs show with the embedded KMS named once, not "embedded KMS at the embedded KMS"', () => {
    const r = keydrill(['drill', 'run', 'revocation-and-restore']);
    expect(r.status).toBe(0);
    const header = /^Revocation and restore of CMK access across a tenant's clusters — the embedded KMS in this process \(calls handed over in-process; it also listens at http:\/\/127\.0\.0\.1:\d+\), seed 11$/m;
    expect(r.stdout).toMatch(header);
    const runId = /run (\S+) saved/.exec(r.stdout)?.[1] ?? '';
    const shown = keydrill(['runs', 'show', runId]).stdout;
    expect(shown).toMatch(/^ {2}the embedded KMS in this process \(.*\) · started /m);
    expect(`${r.stdout}${shown}`).not.toMatch(/KMS at the |at in /);
  });
});

describe('built-in scenarios wherever a scenario is taken', () => {
  it('validates a built-in by name and prints it for copying', () => {
    const v = keydrill(['drill', 'validate', 'revocation-and-restore']);
    expect(v.status).toBe(0);
    expect(v.stdout).toContain('valid');
    const shown = keydrill(['drill', 'show', 'revocation-and-restore']);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(readFileSync('resources/scenarios/revocation-and-restore.yaml', 'utf8'));
    const copy = join(home, 'my.yaml');
    writeFileSync(copy, shown.stdout.replace(/^name: .*$/m, 'name: my-copy'));
    const again = keydrill(['drill', 'validate', copy, '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ valid: true, name: 'my-copy' });
  });

  it('takes a built-in name as the built-in when a folder of that name is in the way, and calls any other folder a folder, exit 2', () => {
    // A folder per drill for its reports, named after the scenario, is how people work.
    const work = mkdtempSync(join(tmpdir(), 'keydrill-cli-folders-'));
    mkdirSync(join(work, 'revocation-and-restore'));
    const inWork = (args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'bin/keydrill.mjs'), ...args], { cwd: work, encoding: 'utf8', env: { ...CLEAN_ENV, KEYDRILL_HOME: home }, timeout: 120_000 });
    const shown = inWork(['drill', 'show', 'revocation-and-restore']);
    const valid = inWork(['drill', 'validate', 'revocation-and-restore']);
    const folder = inWork(['drill', 'validate', work, '--json']);
    const folderShown = inWork(['drill', 'show', work]);
    rmSync(work, { recursive: true, force: true });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe(readFileSync('resources/scenarios/revocation-and-restore.yaml', 'utf8'));
    expect(valid.status).toBe(0);
    expect(folder.status).toBe(2);
    expect(JSON.parse(folder.stdout)).toMatchObject({ valid: false, problems: [{ message: 'this is a folder, not a scenario file (YAML or JSON)' }] });
    expect(folderShown.status).toBe(2);
    expect(folderShown.stderr).toContain(`drill show: ${work}: this is a folder, not a scenario file`);
  });

  it('reports every problem with its line as JSON, exit 2', () => {
    const r = keydrill(['drill', 'validate', 'test/fixtures/scenarios/invalid.yaml', '--json']);
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout) as { valid: boolean; problems: { path: string; line: number; message: string }[] };
    expect(out.valid).toBe(false);
    expect(out.problems).toContainEqual({ path: 'timeline[1].at', line: 21, message: 'expected a duration like "90m", "1h30m" or "7d"' });
    // A syntax error comes with its column too.
    const broken = join(home, 'stray-brace.yaml');
    writeFileSync(broken, 'name: x\ntitle: y\n}\nduration: 1h\n');
    const syntax = keydrill(['drill', 'validate', broken, '--json']);
    expect(syntax.status).toBe(2);
    expect((JSON.parse(syntax.stdout) as { problems: unknown[] }).problems[0]).toMatchObject({ path: '', line: 3, column: 1 });
  });

  it('refuses, exit 2 with the field and the line, what used to pass validation and fail only once the drill ran', () => {
    const built = readFileSync('resources/scenarios/revocation-and-restore.yaml', 'utf8');
    const file = join(home, 'reserved-alias.yaml');
    writeFileSync(file, built.replace('alias: alias/globex', 'alias: alias/aws/globex').replace('  - { expect: no-canary-lost }', '  - { expect: no-canary-lost }\n  - { expect: kms-calls-at-most, count: 0, operation: Decrpyt }'));
    const at = (needle: string) => built.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const expected = [
      `topology.tenants[0].keys[0].alias: the prefix alias/aws/ is reserved for AWS managed keys: KMS refuses to create such an alias (line ${at('alias/globex')})`,
      `expectations[4].operation: Decrpyt is not an AWS KMS operation (did you mean Decrypt?): write an API name as CloudTrail shows it, like Decrypt, GenerateDataKey or ReEncrypt (line ${at('expect: no-canary-lost') + 1})`,
    ];
    for (const command of ['validate', 'run']) {
      const r = keydrill(['drill', command, file]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${file}: 2 problems\n  ${expected.join('\n  ')}`);
    }
  });

  it('lists the built-ins as JSON', () => {
    const r = keydrill(['drill', 'list', '--json']);
    const list = JSON.parse(r.stdout) as { name: string; title: string }[];
    expect(list.map((s) => s.name)).toContain('revocation-and-restore');
  });
});

describe('audit query after a drill', () => {
  it('says why a recent time range finds no drill events, and how to find them', () => {
    // A data folder of its own: the refused runs above recorded calls on today's clock.
    const own = { KEYDRILL_HOME: mkdtempSync(join(tmpdir(), 'keydrill-cli-query-')) };
    expect(keydrill(['drill', 'run', 'revocation-and-restore'], own).status).toBe(0);
    const r = keydrill(['audit', 'query', '--start', '24h'], own);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no matching events');
    expect(r.stdout).toMatch(/drill events carry the drill's clock; use --run revocation-and-restore-\S+ instead of a time range/);
    // With --run given, the hint does not advise --run (an audit trial read 'use --run X instead' after --run X).
    const runId = /use --run (\S+) instead/.exec(r.stdout)?.[1] as string;
    const withRun = keydrill(['audit', 'query', '--run', runId, '--start', '24h'], own);
    expect(withRun.status).toBe(0);
    expect(withRun.stdout).toContain('no matching events');
    expect(withRun.stdout).not.toContain('instead of a time range');
    expect(withRun.stdout).toMatch(/exist outside this time range; the newest is at 2026-01-01T\S+Z \(drill events carry the drill's clock, not today's: leave out --start and --end to see all of the run's\)/);
    const week = keydrill(['audit', 'query', '--start', '2025-12-31T23:00:00-01:00', '--end', '1w', '--max', '1', '--json'], own);
    rmSync(own.KEYDRILL_HOME, { recursive: true, force: true });
    expect(week.status).toBe(0);
    expect((JSON.parse(week.stdout) as { Records: unknown[] }).Records).toHaveLength(1);
  });
});
