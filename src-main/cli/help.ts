import { commandName, HELP_OPTION, type CommandSpec, type OptionSpec } from './command-spec';

/** `--help` texts, made from the commands' declarations (command-spec.ts). */

const WIDTH = 100;

export interface CommandGroup {
  name: string;
  summary: string;
}

/** The usage line: `keydrill drill run <scenario> [options]`. */
export function usageLine(spec: CommandSpec): string {
  const args = (spec.args ?? []).map((a) => (a.optional ? `[${a.name}]` : `<${a.name}>`));
  if (spec.variadic && args.length) args[args.length - 1] += '...';
  return ['keydrill', ...spec.path, ...args, '[options]'].join(' ');
}

function optionLabel(name: string, o: OptionSpec): string {
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}`;
  if (o.type === 'boolean') return flag;
  return `${flag} ${o.choices ? o.choices.join('|') : (o.value ?? 'VALUE')}`;
}

/** Words wrapped to the width, every line after the first indented by `indent`. */
export function wrap(text: string, indent: number, width = WIDTH): string {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/ +/)) {
      if (line && indent + line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join(`\n${' '.repeat(indent)}`);
}

/** Two columns: labels padded to the longest that fits (a longer one gets a line of its own), texts wrapped beside them. */
function columns(rows: [string, string][], indent = 2): string[] {
  const labelWidth = Math.max(0, ...rows.map(([label]) => label.length).filter((n) => n <= 28));
  return rows.map(([label, text]) => {
    const pad = ' '.repeat(indent);
    if (label.length > labelWidth) return `${pad}${label}\n${pad}${' '.repeat(labelWidth + 2)}${wrap(text, indent + labelWidth + 2)}`;
    return `${pad}${label.padEnd(labelWidth)}  ${wrap(text, indent + labelWidth + 2)}`;
  });
}

export function commandHelp(spec: CommandSpec): string {
  const lines = [`keydrill ${commandName(spec)} — ${spec.summary}`, '', `Usage: ${usageLine(spec)}`];
  if (spec.description) lines.push('', wrap(spec.description, 0));
  if (spec.args?.length) lines.push('', 'Arguments:', ...columns(spec.args.map((a) => [a.optional ? `[${a.name}]` : `<${a.name}>`, a.description])));
  const options = Object.entries({ ...spec.options, help: HELP_OPTION });
  lines.push('', 'Options:', ...columns(options.map(([name, o]) => [optionLabel(name, o), `${o.description}${o.multiple ? ' (may be repeated)' : ''}`])));
  if (spec.examples.length) {
    lines.push('', 'Examples:');
    for (const e of spec.examples) lines.push(`  # ${e.note}`, `  ${e.command}`);
  }
  return lines.join('\n');
}

export function groupHelp(group: CommandGroup, commands: readonly CommandSpec[]): string {
  const members = commands.filter((c) => c.path[0] === group.name && !c.hidden);
  return [
    `keydrill ${group.name} — ${group.summary}`,
    '',
    `Usage: keydrill ${group.name} <command> [options]`,
    '',
    'Commands:',
    ...columns(members.map((c) => [c.path.slice(1).join(' '), c.summary])),
    '',
    `'keydrill ${group.name} <command> --help' (or 'keydrill help ${group.name} <command>') shows a command's options and examples.`,
  ].join('\n');
}

export const EXIT_CODES_TEXT = `Exit codes:
  0    success: the command did what it was asked (a drill: every expectation met)
  1    a drill ran and an expectation failed; verify found a bundle not as sealed;
       report --bundle wrote a bundle lacking records of the run (another --db?)
  2    bad input: an unknown option, an invalid scenario, a missing file, a data folder
       another process holds (or a stale lock file names)…
  3    could not run: the KMS backend unreachable, credentials refused;
       or a drill ran but an output could not be written (its verdicts are printed first)
  130  stopped by Ctrl-C or SIGTERM: a drill (the run is kept as cancelled), an audit import
       (stderr says how many records of the file it stopped in are stored)`;

export function overviewHelp(groups: readonly CommandGroup[], commands: readonly CommandSpec[], version: string): string {
  const visible = commands.filter((c) => !c.hidden);
  const rows: [string, string][] = [];
  for (const c of visible) rows.push([commandName(c), c.summary]);
  return [
    `keydrill ${version} — drill customer-managed key rotation, revocation and regional failover`,
    '',
    'Usage: keydrill <command> [options]',
    '',
    'Commands:',
    ...columns(rows),
    '',
    `Groups: ${groups.map((g) => `${g.name} (${g.summary})`).join('; ')}.`,
    '',
    "'keydrill <command> --help' or 'keydrill help <command>' shows a command's options and examples.",
    "'keydrill completion bash|zsh|fish' prints a shell completion script. 'keydrill --version' prints the version.",
    '',
    'Environment:',
    ...columns([
      ['KEYDRILL_HOME', 'the data folder (runs, events.sqlite, reports, the embedded KMS); default ~/.keydrill'],
      ['AWS_PROFILE, AWS_REGION', 'the AWS profile and region, as for the AWS CLI (--profile wins over AWS_PROFILE)'],
      ['AWS_ENDPOINT_URL_KMS, AWS_ENDPOINT_URL', "the KMS endpoint for --backend localstack|aws, as for the AWS CLI (--endpoint wins; then these; then the profile's endpoint_url)"],
      ['CHROMIUM_PATH', 'the Chrome, Chromium or Edge that prints PDF reports (else one is looked for where browsers install)'],
    ]),
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}
