/**
 * Runs LocalStack's AWS-validated KMS tests (pinned in suite.json, listed in in-scope.txt) against
 * the embedded KMS or LocalStack and prints "N of 73 passed" with every failure. Called by
 * scripts/kms-conformance.sh, which sets up the Python side and the test files first.
 *
 * Exit codes: 0 measured (and, for the embedded KMS, at or above the floor), 1 below the floor,
 * 3 could not run.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseJUnit, summarise, type SuiteConfig } from './suite-report';
import { startEmbeddedTarget, localstackTarget, type Target } from './suite-targets';

const here = new URL('.', import.meta.url).pathname;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      python: { type: 'string' },
      tests: { type: 'string' },
      target: { type: 'string', default: 'embedded' },
      endpoint: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.python || !values.tests) throw new CannotRun('--python and --tests are required (run it through scripts/kms-conformance.sh)');
  if (values.target !== 'embedded' && values.target !== 'localstack') throw new CannotRun(`--target is embedded or localstack, not '${values.target}'`);
  const config = JSON.parse(readFileSync(join(here, 'suite.json'), 'utf8')) as SuiteConfig;
  const ids = readFileSync(join(here, 'in-scope.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);

  const scratch = mkdtempSync(join(tmpdir(), 'keydrill-kms-suite-'));
  const out = resolve(values.out ?? join('test-results', `kms-conformance-${values.target}`));
  mkdirSync(out, { recursive: true });
  let target: Target | undefined;
  try {
    target = values.target === 'embedded'
      ? await startEmbeddedTarget(join(scratch, 'kms'))
      : await localstackTarget(values.endpoint ?? process.env.LOCALSTACK_ENDPOINT ?? 'http://127.0.0.1:4566');

    // A throwaway copy of the pinned tree with our harness beside the KMS tests: the cache stays as fetched.
    const tree = join(scratch, 'tree');
    cpSync(join(values.tests, 'tests'), join(tree, 'tests'), { recursive: true });
    cpSync(join(here, 'conftest.py'), join(tree, 'tests/aws/services/kms/conftest.py'));

    const junit = join(out, 'junit.xml');
    const started = performance.now();
    const code = await runPytest(resolve(values.python), tree, ids, junit, join(out, 'pytest.log'), target.env);
    const seconds = (performance.now() - started) / 1000;
    let xml: string;
    try {
      xml = readFileSync(junit, 'utf8');
    } catch {
      throw new CannotRun(`pytest exited ${code} without a report; see ${join(out, 'pytest.log')}`);
    }
    const report = summarise(parseJUnit(xml), ids, config, values.target);
    console.log(`LocalStack's AWS-validated KMS suite (${config.repository}@${config.commit.slice(0, 9)}, ${config.commitDate}) against ${target.description}`);
    console.log(report.text);
    console.log(`  ${seconds.toFixed(0)} s; pytest log and JUnit report in ${out}`);
    return report.belowFloor ? 1 : 0;
  } finally {
    await target?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function runPytest(python: string, tree: string, ids: string[], junit: string, log: string, targetEnv: Record<string, string>): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Nothing from the caller's AWS setup may leak into the clients: the target's identity only.
  for (const name of Object.keys(env)) if (name.startsWith('AWS_') || name.startsWith('SECONDARY_TEST_AWS_') || name.startsWith('HARNESS_')) delete env[name];
  Object.assign(env, {
    TEST_TARGET: 'AWS_CLOUD',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...targetEnv,
  });
  const args = [
    '-m', 'pytest',
    '-p', 'no:localstack.testing.pytest.validation_tracking',
    '-p', 'no:localstack.testing.pytest.fixture_conflicts',
    '-p', 'no:cacheprovider',
    '-o', 'log_level=WARNING', '-o', 'log_cli=false',
    '-rA', '--tb=short', `--junitxml=${junit}`,
    ...ids,
  ];
  return new Promise((done, fail) => {
    const child = spawn(python, args, { cwd: tree, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', fail);
    child.on('close', (code) => {
      writeFileSync(log, Buffer.concat(chunks));
      done(code ?? 1);
    });
  });
}

class CannotRun extends Error {}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`kms-conformance: could not run: ${(err as Error).message}`);
    process.exitCode = 3;
  },
);
