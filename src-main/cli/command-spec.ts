import { parseArgs } from 'node:util';
import { didYouMean } from '../../src-shared/did-you-mean';
import type { JsonOutput } from './json-output';
import { UsageError } from './usage-error';

/**
 * How a `keydrill` command is declared: its words, a one-line summary, its arguments and options
 * (each with the text `--help` shows and what shell completion offers), examples, and the function
 * that runs it. Help, parsing and the completion scripts are all derived from this one declaration,
 * so they cannot drift apart. A new command is a `defineCommand({...})` in its own file plus one line
 * in commands.ts.
 */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** The placeholder for the value in help: FILE, N, URL… (string options only). */
  value?: string;
  description: string;
  /** The only values accepted; listed in help, offered by completion, checked when parsing. */
  choices?: readonly string[];
  /** What completion offers for the value when there are no choices. */
  complete?: 'file' | 'dir';
}

export type OptionSpecs = Record<string, OptionSpec>;

export interface ArgumentSpec {
  name: string;
  description: string;
  optional?: boolean;
  /** What completion offers: files, folders, built-in scenario names (and files), run ids. */
  complete?: 'file' | 'dir' | 'scenario' | 'run';
}

export interface Example {
  command: string;
  /** What it does, in a few words. */
  note: string;
}

export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' }
    ? O[K] extends { multiple: true } ? boolean[] : boolean
    : O[K] extends { multiple: true } ? string[] : string;
};

export interface CommandInput<O extends OptionSpecs> {
  values: OptionValues<O>;
  positionals: string[];
  /** Where `--json` output goes: exactly one value per command (see json-output.ts). */
  output: JsonOutput;
}

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  /** The words after `keydrill`: ['drill', 'run'], or ['report']. */
  path: readonly string[];
  summary: string;
  /** Paragraphs shown under the usage line. */
  description?: string;
  args?: readonly ArgumentSpec[];
  options: O;
  examples: readonly Example[];
  /** The last argument may be repeated (`runs delete ID ID…`). */
  variadic?: boolean;
  /** Not listed in help or completion (internal helpers). */
  hidden?: boolean;
  run(input: CommandInput<O>): Promise<number>;
}

/** Declares a command; `const` keeps the option types literal so `values` is typed exactly. */
export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

/** Every command takes -h/--help. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help and exit' };

export function commandName(spec: Pick<CommandSpec, 'path'>): string {
  return spec.path.join(' ');
}

/**
 * Parses a command's argv strictly: an unknown option, a missing value, a value outside the option's
 * choices, a missing or stray argument is a UsageError naming it (exit code 2), so a typo never
 * silently runs something else. Returns 'help' when -h/--help is present anywhere.
 */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: string[]): Omit<CommandInput<O>, 'output'> | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  const name = commandName(spec);
  const config: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [option, o] of Object.entries(spec.options)) {
    config[option] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  const args = spec.args ?? [];
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: args.length > 0, strict: true, tokens: true });
  } catch (err) {
    // Node's "argument is ambiguous. Did you forget…" for `--seed -1` becomes what to write.
    const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec((err as Error).message);
    const option = ambiguous?.[1]?.replace(/^-\w, /, '');
    const message = option
      ? `${option} needs a value; a value that starts with a dash is written ${option}=-…, as in ${option}=${argv[argv.indexOf(option) + 1] ?? '-1'}`
      : withOptionsNamed((err as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/\.$/, ''), spec.options);
    throw new UsageError(`${name}: ${message}. See 'keydrill ${name} --help'.`, option ? { option } : {});
  }
  // `--seed 1 … --seed 2` would otherwise run with the last one given, silently.
  const seen = new Map<string, string | undefined>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || spec.options[token.name]?.multiple) continue;
    if (seen.has(token.name)) {
      const values = [seen.get(token.name), token.value].map((v) => (v === undefined ? '' : ` '${v}'`));
      throw new UsageError(`${name}: --${token.name} is given twice (${token.rawName}${values[0]}, then ${token.rawName}${values[1]}): give it once`, { option: `--${token.name}` });
    }
    seen.set(token.name, token.value);
  }
  const required = args.filter((a) => !a.optional);
  if (parsed.positionals.length < required.length) {
    const missing = required[parsed.positionals.length] as ArgumentSpec;
    throw new UsageError(`${name}: missing <${missing.name}> (${missing.description}). See 'keydrill ${name} --help'.`);
  }
  if (parsed.positionals.length > args.length && !spec.variadic) throw new UsageError(`${name}: unexpected argument '${parsed.positionals[args.length]}'`);
  for (const [option, o] of Object.entries(spec.options)) {
    const value: unknown = parsed.values[option];
    if (!o.choices || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!o.choices.includes(String(v))) throw new UsageError(`--${option} must be one of ${o.choices.join(', ')}, got '${String(v)}'`, { option: `--${option}` });
    }
    if (o.type === 'string' && !o.multiple && value === '') throw new UsageError(`--${option} needs a value`);
  }
  return { values: parsed.values as OptionValues<O>, positionals: parsed.positionals };
}

/**
 * Node's "Unknown option '--sped'" with the option meant, or the options there are: a user who
 * guessed `--format` or `--since` learns what the command takes without a trip to --help.
 */
function withOptionsNamed(message: string, options: OptionSpecs): string {
  const unknown = /^Unknown option '(-[^'=]+)/.exec(message);
  if (!unknown?.[1]) return message;
  const known = Object.keys(options).map((o) => `--${o}`);
  if (known.length === 0) return `${message}: this command takes no options`;
  // Every option as close as a slip ('--sped' is --seed or --speed), not only the first found.
  const given = unknown[1];
  const close = known.filter((option) => didYouMean(given, [option]) !== undefined);
  return close.length > 0 && close.length <= 3 ? `${message} (did you mean ${close.join(' or ')}?)` : `${message} (it takes ${known.join(', ')})`;
}

/** A whole number in [min, max], or a UsageError naming the option and what it got. */
export function intOption(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got '${value}'`);
  }
  return n;
}
