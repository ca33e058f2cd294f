import { commandName, HELP_OPTION, type CommandSpec, type OptionSpec } from './command-spec';
import type { CommandGroup } from './help';

/**
 * Shell completion scripts made from the command declarations: command words, options (with their
 * help text where the shell shows it), option values (choices, files, folders, AWS profiles) and
 * arguments (built-in scenario names and files, saved run ids). Run ids and profiles are looked up
 * when completing; everything else is written into the script.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionModel {
  groups: readonly CommandGroup[];
  commands: readonly CommandSpec[];
  scenarios: readonly string[];
}

/** Saved run ids, one a line, as `keydrill runs list --quiet` prints them. */
const RUN_IDS = 'keydrill runs list --quiet 2>/dev/null';
/** Profile names from the AWS CLI's config and credentials files. */
const PROFILES_SH = "sed -n -e 's/^\\[profile \\(.*\\)\\]$/\\1/p' -e 's/^\\[\\([^ ]*\\)\\]$/\\1/p' \"${AWS_CONFIG_FILE:-$HOME/.aws/config}\" \"${AWS_SHARED_CREDENTIALS_FILE:-$HOME/.aws/credentials}\" 2>/dev/null | sort -u";

function visible(model: CompletionModel): CommandSpec[] {
  return model.commands.filter((c) => !c.hidden);
}

function topWords(model: CompletionModel): { word: string; summary: string }[] {
  const words = model.groups.map((g) => ({ word: g.name, summary: g.summary }));
  for (const c of visible(model)) if (c.path.length === 1) words.push({ word: c.path[0] as string, summary: c.summary });
  words.push({ word: 'help', summary: 'help on a command' });
  return words;
}

function verbs(model: CompletionModel, group: string): CommandSpec[] {
  return visible(model).filter((c) => c.path.length > 1 && c.path[0] === group);
}

function optionsOf(c: CommandSpec): [string, OptionSpec][] {
  return Object.entries({ ...c.options, help: HELP_OPTION });
}

function optionValue(o: OptionSpec): 'choices' | 'file' | 'dir' | 'profile' | 'none' | 'flag' {
  if (o.type === 'boolean') return 'flag';
  if (o.choices) return 'choices';
  if (o.complete) return o.complete;
  return 'none';
}

function isProfile(name: string): boolean {
  return name === 'profile';
}

export function completionScript(shell: Shell, model: CompletionModel): string {
  switch (shell) {
    case 'bash': return bashScript(model);
    case 'zsh': return zshScript(model);
    case 'fish': return fishScript(model);
  }
}

function sh(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function bashScript(model: CompletionModel): string {
  const groupNames = model.groups.map((g) => g.name);
  const lines = [
    '# keydrill completion for bash. Load it with: source <(keydrill completion bash)',
    '# or save it: keydrill completion bash > ~/.local/share/bash-completion/completions/keydrill',
    `_keydrill_scenarios=${sh(model.scenarios.join(' '))}`,
    '_keydrill() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd',
    '  COMPREPLY=()',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=($(compgen -W ${sh(`${topWords(model).map((w) => w.word).join(' ')} --help --version`)} -- "$cur")); return`,
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
    `    help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W ${sh(topWords(model).map((w) => w.word).join(' '))} -- "$cur"))`,
    '      if [ "$COMP_CWORD" -eq 3 ]; then case "${COMP_WORDS[2]}" in',
    ...groupNames.map((g) => `        ${g}) COMPREPLY=($(compgen -W ${sh(verbs(model, g).map((c) => c.path[1]).join(' '))} -- "$cur")) ;;`),
    '      esac; fi; return ;;',
    `    ${groupNames.join('|')})`,
    '      if [ "$COMP_CWORD" -eq 2 ]; then case "${COMP_WORDS[1]}" in',
    ...groupNames.map((g) => `        ${g}) COMPREPLY=($(compgen -W ${sh(verbs(model, g).map((c) => c.path[1]).join(' '))} -- "$cur")) ;;`),
    '      esac; return; fi',
    '      cmd="${COMP_WORDS[1]} ${COMP_WORDS[2]}" ;;',
    '    *) cmd="${COMP_WORDS[1]}" ;;',
    '  esac',
    '  case "$cmd" in',
  ];
  for (const c of visible(model)) {
    lines.push(`    ${sh(commandName(c))})`);
    const byKind = new Map<string, string[]>();
    const choices: string[] = [];
    for (const [name, o] of optionsOf(c)) {
      const kind = isProfile(name) ? 'profile' : optionValue(o);
      if (kind === 'choices') choices.push(`        --${name}) COMPREPLY=($(compgen -W ${sh((o.choices ?? []).join(' '))} -- "$cur")); return ;;`);
      else if (kind !== 'flag') byKind.set(kind, [...(byKind.get(kind) ?? []), `--${name}`]);
    }
    lines.push('      case "$prev" in', ...choices);
    const file = byKind.get('file');
    const dir = byKind.get('dir');
    const profile = byKind.get('profile');
    const none = byKind.get('none');
    if (file) lines.push(`        ${file.join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`);
    if (dir) lines.push(`        ${dir.join('|')}) COMPREPLY=($(compgen -d -- "$cur")); return ;;`);
    if (profile) lines.push(`        ${profile.join('|')}) COMPREPLY=($(compgen -W "$(${PROFILES_SH})" -- "$cur")); return ;;`);
    if (none) lines.push(`        ${none.join('|')}) return ;;`);
    lines.push('      esac');
    lines.push(`      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${sh(optionsOf(c).map(([n]) => `--${n}`).join(' '))} -- "$cur")); return; fi`);
    const arg = c.args?.[0]?.complete;
    if (arg === 'scenario') lines.push('      COMPREPLY=($(compgen -W "$_keydrill_scenarios" -- "$cur") $(compgen -f -- "$cur")) ;;');
    else if (arg === 'run') lines.push(`      COMPREPLY=($(compgen -W "$(${RUN_IDS})" -- "$cur")) ;;`);
    else if (arg === 'file') lines.push('      COMPREPLY=($(compgen -f -- "$cur")) ;;');
    else if (arg === 'dir') lines.push('      COMPREPLY=($(compgen -d -- "$cur")) ;;');
    else if (c.path[0] === 'completion') lines.push(`      COMPREPLY=($(compgen -W ${sh(SHELLS.join(' '))} -- "$cur")) ;;`);
    else lines.push('      ;;');
  }
  lines.push('  esac', '}', 'complete -o filenames -F _keydrill keydrill', '');
  return lines.join('\n');
}

function zq(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

function described(items: { word: string; summary: string }[]): string {
  return items.map((i) => zq(`${i.word.replace(/:/g, '\\:')}:${i.summary}`)).join(' ');
}

function zshScript(model: CompletionModel): string {
  const groupNames = model.groups.map((g) => g.name);
  const lines = [
    '#compdef keydrill',
    '# keydrill completion for zsh. Load it with: source <(keydrill completion zsh) (after compinit),',
    '# or save it as _keydrill in a folder of your $fpath.',
    '_keydrill() {',
    '  local cur=${words[CURRENT]} prev=${words[CURRENT-1]} cmd',
    '  local -a items',
    '  if (( CURRENT == 2 )); then',
    `    items=(${described(topWords(model))}); _describe command items; return`,
    '  fi',
    '  case ${words[2]} in',
    `    help) if (( CURRENT == 3 )); then items=(${described(topWords(model))}); _describe command items; fi; return ;;`,
    `    ${groupNames.join('|')})`,
    '      if (( CURRENT == 3 )); then',
    '        case ${words[2]} in',
    ...groupNames.map((g) => `          ${g}) items=(${described(verbs(model, g).map((c) => ({ word: c.path[1] as string, summary: c.summary })))}) ;;`),
    '        esac',
    '        _describe command items; return',
    '      fi',
    '      cmd="${words[2]} ${words[3]}" ;;',
    '    *) cmd=${words[2]} ;;',
    '  esac',
    '  case $cmd in',
  ];
  for (const c of visible(model)) {
    lines.push(`    ${zq(commandName(c))})`, '      case $prev in');
    for (const [name, o] of optionsOf(c)) {
      const kind = isProfile(name) ? 'profile' : optionValue(o);
      if (kind === 'choices') lines.push(`        --${name}) compadd -- ${(o.choices ?? []).join(' ')}; return ;;`);
      else if (kind === 'file') lines.push(`        --${name}) _files; return ;;`);
      else if (kind === 'dir') lines.push(`        --${name}) _files -/; return ;;`);
      else if (kind === 'profile') lines.push(`        --${name}) compadd -- \${(f)"$(${PROFILES_SH})"}; return ;;`);
      else if (kind === 'none') lines.push(`        --${name}) return ;;`);
    }
    lines.push('      esac');
    lines.push(`      if [[ $cur == -* ]]; then items=(${described(optionsOf(c).map(([n, o]) => ({ word: `--${n}`, summary: o.description })))}); _describe option items; return; fi`);
    const arg = c.args?.[0]?.complete;
    if (arg === 'scenario') lines.push(`      compadd -- ${model.scenarios.join(' ')}; _files ;;`);
    else if (arg === 'run') lines.push(`      compadd -- \${(f)"$(${RUN_IDS})"} ;;`);
    else if (arg === 'file') lines.push('      _files ;;');
    else if (arg === 'dir') lines.push('      _files -/ ;;');
    else if (c.path[0] === 'completion') lines.push(`      compadd -- ${SHELLS.join(' ')} ;;`);
    else lines.push('      ;;');
  }
  lines.push('  esac', '}', 'compdef _keydrill keydrill', '');
  return lines.join('\n');
}

function fq(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(model: CompletionModel): string {
  const lines = [
    '# keydrill completion for fish. Load it with: keydrill completion fish | source',
    '# or save it: keydrill completion fish > ~/.config/fish/completions/keydrill.fish',
    'function __keydrill_at',
    '    # true when the words typed so far (after keydrill) are exactly $argv',
    '    set -l tokens (commandline -opc)',
    '    test (count $tokens) -eq (math (count $argv) + 1); or return 1',
    '    for i in (seq (count $argv))',
    '        set -l j (math $i + 1)',
    '        test "$tokens[$j]" = "$argv[$i]"; or return 1',
    '    end',
    'end',
    'function __keydrill_in',
    '    # true when the command typed so far starts with $argv and has gone past it',
    '    set -l tokens (commandline -opc)',
    '    test (count $tokens) -gt (count $argv); or return 1',
    '    for i in (seq (count $argv))',
    '        set -l j (math $i + 1)',
    '        test "$tokens[$j]" = "$argv[$i]"; or return 1',
    '    end',
    'end',
    'function __keydrill_profiles',
    '    set -l config ~/.aws/config; set -q AWS_CONFIG_FILE; and set config $AWS_CONFIG_FILE',
    '    set -l creds ~/.aws/credentials; set -q AWS_SHARED_CREDENTIALS_FILE; and set creds $AWS_SHARED_CREDENTIALS_FILE',
    "    sed -n -e 's/^\\[profile \\(.*\\)\\]$/\\1/p' -e 's/^\\[\\([^ ]*\\)\\]$/\\1/p' $config $creds 2>/dev/null | sort -u",
    'end',
    'complete -c keydrill -f',
    'complete -c keydrill -n "__keydrill_at" -l help -d "show help"',
    'complete -c keydrill -n "__keydrill_at" -l version -d "print the version"',
  ];
  for (const w of topWords(model)) lines.push(`complete -c keydrill -n "__keydrill_at" -a ${fq(w.word)} -d ${fq(w.summary)}`);
  for (const w of topWords(model)) lines.push(`complete -c keydrill -n "__keydrill_at help" -a ${fq(w.word)} -d ${fq(w.summary)}`);
  for (const g of model.groups) {
    for (const c of verbs(model, g.name)) {
      lines.push(`complete -c keydrill -n "__keydrill_at ${g.name}" -a ${fq(c.path[1] as string)} -d ${fq(c.summary)}`);
      lines.push(`complete -c keydrill -n "__keydrill_at help ${g.name}" -a ${fq(c.path[1] as string)} -d ${fq(c.summary)}`);
    }
  }
  for (const c of visible(model)) {
    const cond = `-n "__keydrill_in ${commandName(c)}"`;
    for (const [name, o] of optionsOf(c)) {
      const kind = isProfile(name) ? 'profile' : optionValue(o);
      const short = o.short ? ` -s ${o.short}` : '';
      const value = kind === 'choices' ? ` -x -a ${fq((o.choices ?? []).join(' '))}`
        : kind === 'file' ? ' -r -F'
        : kind === 'dir' ? ' -x -a "(__fish_complete_directories)"'
        : kind === 'profile' ? ' -x -a "(__keydrill_profiles)"'
        : kind === 'none' ? ' -x' : '';
      lines.push(`complete -c keydrill ${cond} -l ${name}${short}${value} -d ${fq(o.description)}`);
    }
    const arg = c.args?.[0]?.complete;
    if (arg === 'scenario') lines.push(`complete -c keydrill ${cond} -F -a ${fq(model.scenarios.join(' '))}`);
    else if (arg === 'run') lines.push(`complete -c keydrill ${cond} -a ${fq(`(${RUN_IDS})`)}`);
    else if (arg === 'file') lines.push(`complete -c keydrill ${cond} -F`);
    else if (arg === 'dir') lines.push(`complete -c keydrill ${cond} -x -a "(__fish_complete_directories)"`);
    else if (c.path[0] === 'completion') lines.push(`complete -c keydrill ${cond} -x -a ${fq(SHELLS.join(' '))}`);
  }
  lines.push('');
  return lines.join('\n');
}
