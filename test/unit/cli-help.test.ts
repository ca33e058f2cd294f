import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS, GROUPS } from '../../src-main/cli/commands';
import { commandName } from '../../src-main/cli/command-spec';
import { completionScript } from '../../src-main/cli/completion';
import { main } from '../../src-main/cli/main';
import { builtInScenarioNames } from '../../src-main/drill/scenario-catalog';

/** Runs main() in this process, capturing what it prints. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('keydrill help', () => {
  it.each(COMMANDS.map((c) => [commandName(c), c] as const))('keydrill %s --help prints usage, options and examples and exits 0', async (name, spec) => {
    const viaFlag = await run(...spec.path, '--help');
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.out).toContain(`Usage: keydrill ${name}`);
    expect(viaFlag.out).toContain('Options:');
    expect(viaFlag.out).toContain('-h, --help');
    for (const option of Object.keys(spec.options)) expect(viaFlag.out).toContain(`--${option}`);
    expect(viaFlag.out).toContain('Examples:');
    expect(spec.examples.length).toBeGreaterThan(0);
    const viaShort = await run(...spec.path, '-h');
    expect(viaShort.out).toBe(viaFlag.out);
    const viaHelp = await run('help', ...spec.path);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toBe(viaFlag.out);
  });

  it('--help wins over other options, even invalid ones', async () => {
    const r = await run('drill', 'run', '--backend', 'gcp', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: keydrill drill run <scenario>');
  });

  it('lists every command and the exit codes in the overview', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.out).toContain(commandName(c));
    expect(r.out).toMatch(/3 +could not run/);
    expect((await run()).out).toBe(r.out);
    expect((await run('help')).out).toBe(r.out);
  });

  it('prints a group\'s commands for keydrill <group> --help and keydrill help <group>', async () => {
    for (const g of GROUPS) {
      const r = await run(g.name, '--help');
      expect(r.code).toBe(0);
      // A long summary wraps onto the next line, indented under the first: compare with the wrapping undone.
      const unwrapped = r.out.replace(/\n +/g, ' ');
      for (const c of COMMANDS.filter((x) => x.path[0] === g.name)) expect(unwrapped).toContain(c.summary);
      expect((await run('help', g.name)).out).toBe(r.out);
    }
  });

  it('exits 2 naming the problem for an unknown command, verb or option', async () => {
    const unknown = await run('drll', 'run');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'drll'");
    const verb = await run('drill', 'rn');
    expect(verb.code).toBe(2);
    expect(verb.err).toContain('needs one of: run, list, validate, show');
    const option = await run('drill', 'run', 'x', '--sped', '2');
    expect(option.code).toBe(2);
    expect(option.err).toContain("Unknown option '--sped' (did you mean --seed or --speed?)");
    expect(option.err).toContain("'keydrill drill run --help'");
    // An option guessed from another tool is answered with the options the command takes.
    const guessed = await run('report', 'some-run', '--format', 'html');
    expect(guessed.code).toBe(2);
    expect(guessed.err).toContain("report: Unknown option '--format' (it takes --out, --bundle, --db, --json)");
    // A single-value option given twice is refused, not run with the last one.
    const twice = await run('drill', 'run', 'revocation-and-restore', '--seed', '1', '--seed', '2');
    expect(twice.code).toBe(2);
    expect(twice.err).toContain("--seed is given twice (--seed '1', then --seed '2'): give it once");
    const choice = await run('drill', 'run', 'revocation-and-restore', '--backend', 'gcp');
    expect(choice.code).toBe(2);
    expect(choice.err).toContain('--backend must be one of embedded, localstack, aws');
    expect((await run('help', 'drill', 'fly')).code).toBe(2);
    const missing = await run('drill', 'validate');
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing <scenario>');
  });

  it('a negative number after an option says how to write it, not Node\'s "argument is ambiguous. Did you forget…"', async () => {
    const negative = await run('audit', 'query', '--max', '-5');
    expect(negative.code).toBe(2);
    expect(negative.err).toBe("keydrill: audit query: --max needs a value; a value that starts with a dash is written --max=-…, as in --max=-5. See 'keydrill audit query --help'.");
    // Written that way, the value reaches the option's own check.
    const written = await run('audit', 'query', '--max=-5');
    expect(written.code).toBe(2);
    expect(written.err).toContain("--max must be a whole number from 1 to 10000, got '-5'");
  });
});

describe('keydrill completion', () => {
  const model = { groups: GROUPS, commands: COMMANDS, scenarios: builtInScenarioNames() };

  function bashComplete(...words: string[]): string[] {
    const script = completionScript('bash', model);
    const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _keydrill; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', ...words], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter(Boolean);
  }

  it('completes commands, verbs, options, choices and built-in scenarios in bash', () => {
    expect(bashComplete('keydrill', 'dr')).toEqual(['drill']);
    expect(bashComplete('keydrill', 'drill', '')).toEqual(['run', 'list', 'validate', 'show', 'fleet']);
    expect(bashComplete('keydrill', 'drill', 'run', '--ba')).toEqual(['--backend']);
    expect(bashComplete('keydrill', 'drill', 'run', 'x', '--backend', '')).toEqual(['embedded', 'localstack', 'aws']);
    expect(bashComplete('keydrill', 'drill', 'run', 'revocation-and-')).toContain('revocation-and-restore');
    expect(bashComplete('keydrill', 'audit', 'query', '--er')).toEqual(['--errors']);
    expect(bashComplete('keydrill', 'help', 'audit', '')).toEqual(['import', 'export', 'query', 'observations']);
    expect(bashComplete('keydrill', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
  });

  it.each(['zsh', 'fish'] as const)('prints a %s script its shell parses (when the shell is installed)', (shell) => {
    const script = completionScript(shell, model);
    expect(script).toContain('drill');
    expect(script).toContain('revocation-and-restore');
    const has = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
    if (!has) return;
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-completion-'));
    const file = join(dir, `keydrill.${shell}`);
    writeFileSync(file, script);
    const r = spawnSync(shell, ['-n', file], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    if (shell === 'fish') {
      const c = spawnSync('fish', ['-c', `source ${file}; complete -C "keydrill drill run x --backend "; complete -C "keydrill audit "`], { encoding: 'utf8' });
      expect(c.stderr).toBe('');
      expect(c.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(expect.arrayContaining(['embedded', 'localstack', 'aws', 'import', 'query', 'export']));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 for an unknown shell', async () => {
    const r = await run('completion', 'tcsh');
    expect(r.code).toBe(2);
    expect(r.err).toContain('bash, zsh, fish');
  });
});
