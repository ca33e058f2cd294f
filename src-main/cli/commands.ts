import { builtInScenarioNames } from '../drill/scenario-catalog';
import { auditExportCommand } from './audit-export';
import { auditImportCommand } from './audit-import';
import { auditObservationsCommand } from './audit-observations';
import { auditQueryCommand } from './audit-query';
import { defineCommand, type CommandSpec } from './command-spec';
import { completionScript, SHELLS, type Shell } from './completion';
import { drillFleetCommand } from './drill-fleet';
import { drillRunCommand } from './drill-run';
import { drillListCommand, drillShowCommand, drillValidateCommand } from './drill-scenarios';
import type { CommandGroup } from './help';
import { kmsEnvCommand } from './kms-env';
import { kmsServeCommand } from './kms-serve';
import { reportCommand } from './report-command';
import { runsDeleteCommand, runsListCommand, runsShowCommand } from './runs-commands';
import { cleanupCommand } from './cleanup-command';
import { uiCommand } from './ui-command';
import { verifyCommand } from './verify-command';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * Every `keydrill` command, in the order help lists them. To add one: declare it with
 * defineCommand (command-spec.ts) in its own file and add it here; help, completion and parsing
 * follow from the declaration.
 */
export const GROUPS: readonly CommandGroup[] = [
  { name: 'drill', summary: 'run, list, check and print scenarios' },
  { name: 'runs', summary: 'saved runs' },
  { name: 'audit', summary: 'the CloudTrail event store: import, query, export' },
  { name: 'kms', summary: 'the embedded KMS' },
];

const completionCommand = defineCommand({
  path: ['completion'],
  summary: 'print a shell completion script (bash, zsh or fish)',
  description: 'Completes commands, options, option values (backends, AWS profiles, files), built-in scenario names and saved run ids.',
  args: [{ name: 'shell', description: SHELLS.join(', ') }],
  options: {},
  examples: [
    { command: 'source <(keydrill completion bash)', note: 'bash, for this shell (add it to ~/.bashrc to keep it)' },
    { command: 'keydrill completion zsh > "${fpath[1]}/_keydrill"', note: 'zsh, installed for new shells' },
    { command: 'keydrill completion fish > ~/.config/fish/completions/keydrill.fish', note: 'fish' },
  ],
  async run({ positionals }) {
    const shell = positionals[0] as string;
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new UsageError(`completion: the shell must be one of ${SHELLS.join(', ')}, got '${shell}'`);
    }
    process.stdout.write(completionScript(shell as Shell, { groups: GROUPS, commands: COMMANDS, scenarios: builtInScenarioNames() }));
    return EXIT_OK;
  },
});

export const COMMANDS: readonly CommandSpec[] = [
  drillRunCommand,
  drillListCommand,
  drillValidateCommand,
  drillShowCommand,
  drillFleetCommand,
  runsListCommand,
  runsShowCommand,
  runsDeleteCommand,
  reportCommand,
  verifyCommand,
  auditImportCommand,
  auditExportCommand,
  auditQueryCommand,
  auditObservationsCommand,
  cleanupCommand,
  kmsServeCommand,
  kmsEnvCommand,
  uiCommand,
  completionCommand,
] as CommandSpec[];
