import { readFileSync } from 'node:fs';
import { NotADatabaseError } from '../common/sqlite-file';
import { DataFolderLockedError } from '../kms/embedded/data-folder';
import { UnknownAwsProfileError } from '../kms/aws-profile-check';
import { BackendUnavailableError } from '../kms/kms-client-factory';
import { ReportError } from '../report/report-error';
import { parseCommandLine, type CommandSpec } from './command-spec';
import { COMMANDS, GROUPS } from './commands';
import { commandHelp, groupHelp, overviewHelp } from './help';
import { jsonFailure, JsonOutput, jsonRequested } from './json-output';
import { CouldNotRunError, EXIT_COULD_NOT_RUN, EXIT_OK, EXIT_USAGE, UsageError, type FailureDetails } from './usage-error';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** The command the words name (the longest matching path), and the words after it. */
function findCommand(words: string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const spec of COMMANDS) {
    if (spec.path.every((w, i) => words[i] === w)) return { spec, rest: words.slice(spec.path.length) };
  }
  return undefined;
}

/** The help text for `keydrill help <words>`, or a UsageError naming what is unknown. */
export function helpFor(words: string[]): string {
  if (words.length === 0) return overviewHelp(GROUPS, COMMANDS, version());
  const found = findCommand(words);
  if (found && found.rest.length === 0) return commandHelp(found.spec);
  const group = GROUPS.find((g) => g.name === words[0]);
  if (group && words.length === 1) return groupHelp(group, COMMANDS);
  throw new UsageError(`help: no command 'keydrill ${words.join(' ')}'. Run 'keydrill help' for the list.`);
}

/** Runs one command line; returns the process exit code (0 ok, 1 an expectation failed, 2 bad input, 3 could not run). */
export async function main(argv: string[]): Promise<number> {
  const output = new JsonOutput();
  // Known before the words are parsed: a bad option with --json still answers in JSON.
  let json = false;
  try {
    const [first] = argv;
    if (first === undefined || first === '--help' || first === '-h') {
      console.log(helpFor([]));
      return EXIT_OK;
    }
    if (first === 'help') {
      console.log(helpFor(argv.slice(1).filter((w) => w !== '--help' && w !== '-h')));
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v' || first === 'version') {
      console.log(version());
      return EXIT_OK;
    }
    const found = findCommand(argv);
    if (!found) {
      const group = GROUPS.find((g) => g.name === first);
      if (!group) throw new UsageError(`unknown command '${first}'. Run 'keydrill help' for the list.`);
      const verb = argv[1];
      if (verb === '--help' || verb === '-h') {
        console.log(groupHelp(group, COMMANDS));
        return EXIT_OK;
      }
      const verbs = COMMANDS.filter((c) => c.path[0] === group.name && !c.hidden).map((c) => c.path[1]);
      throw new UsageError(`'keydrill ${group.name}' needs one of: ${verbs.join(', ')}${verb ? ` (got '${verb}')` : ''}. Run 'keydrill ${group.name} --help'.`);
    }
    json = jsonRequested(found.spec.options, found.rest);
    const input = parseCommandLine(found.spec, found.rest);
    if (input === 'help') {
      console.log(commandHelp(found.spec));
      return EXIT_OK;
    }
    return await found.spec.run({ ...input, output });
  } catch (err) {
    const failure = failureOf(err);
    console.error(failure.stderr);
    if (failure.stack && process.env.KEYDRILL_DEBUG) console.error(failure.stack);
    if (json && !output.printed) output.json(jsonFailure(failure.exitCode, failure.code, failure.message, failure.details));
    return failure.exitCode;
  }
}

interface Failure {
  exitCode: number;
  /** The line for people, on stderr. */
  stderr: string;
  /** For `--json`: a stable code, the message without the prefix, the details. */
  code: string;
  message: string;
  details: FailureDetails;
  stack?: string | undefined;
}

function failureOf(err: unknown): Failure {
  const message = err instanceof Error ? err.message : String(err);
  const usage = (code: string, details: FailureDetails = {}): Failure => ({ exitCode: EXIT_USAGE, stderr: `keydrill: ${message}`, code, message, details });
  const couldNotRun = (code: string, details: FailureDetails = {}, stack?: string): Failure => ({ exitCode: EXIT_COULD_NOT_RUN, stderr: `keydrill: could not run: ${message}`, code, message, details, stack });
  if (err instanceof UsageError) return usage(err.details.code ?? 'usage', err.details);
  // Another process holds the folder (or a stale lock names one): the user's to settle, by choosing another folder or removing the lock.
  if (err instanceof DataFolderLockedError) return usage('data-folder-locked', { path: err.lockFile });
  // A store file that is no database (--db naming the wrong file, a data folder holding something else): the user's to point elsewhere.
  if (err instanceof NotADatabaseError) return usage('not-a-database', { path: err.file });
  // A profile name that is in neither AWS file (--profile, AWS_PROFILE): a slip of typing, not a backend down.
  if (err instanceof UnknownAwsProfileError) return usage('unknown-aws-profile');
  if (err instanceof ReportError && (err.code === 'unknown-format' || err.code === 'bad-destination')) return usage(err.code);
  if (err instanceof CouldNotRunError) return couldNotRun(err.details.code ?? 'could-not-run', err.details);
  if (err instanceof BackendUnavailableError) return couldNotRun(`backend-${err.reason}`);
  // Anything else is not a verdict either: exit 3, so CI never reads an accident as a failed drill.
  return couldNotRun('unexpected', {}, (err as Error | undefined)?.stack);
}


