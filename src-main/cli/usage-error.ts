import { AppError } from '../app/app-error';
import { NotADatabaseError } from '../common/sqlite-file';

/** A problem in an input file as `drill validate --json` lists it: the path in the document, its line (and column, for a syntax error), what is wrong. */
export interface InputProblem {
  path: string;
  line: number | null;
  column?: number;
  message: string;
}

/**
 * What `--json` says of a failure besides its message (see json-output.ts): a code for scripts to
 * branch on, the option and path at fault, each problem of an input file.
 */
export interface FailureDetails {
  code?: string;
  option?: string;
  path?: string;
  problems?: InputProblem[];
}

/** Bad input on the command line: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  readonly details: FailureDetails;
  constructor(message: string, options: ErrorOptions & FailureDetails = {}) {
    const { cause, ...details } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.details = details;
  }
}

/** The command could not do its work for a reason outside the input (a backend unreachable, a folder locked): exit code 3. */
export class CouldNotRunError extends Error {
  override name = 'CouldNotRunError';
  readonly details: FailureDetails;
  constructor(message: string, options: ErrorOptions & FailureDetails = {}) {
    const { cause, ...details } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.details = details;
  }
}

/** The exit codes CI reads: see EXIT_CODES_TEXT in help.ts and the README. */
export const EXIT_OK = 0;
/** A drill ran and at least one expectation failed. */
export const EXIT_FAILED = 1;
/** Bad input: options, arguments, scenario files, imported files. */
export const EXIT_USAGE = 2;
/** Could not run: the KMS backend unreachable or refusing the credentials, an unexpected error. */
export const EXIT_COULD_NOT_RUN = 3;

/** A drill (kept as cancelled) or an import stopped by SIGINT or SIGTERM: 128 + SIGINT, as a shell reports an interrupted command. */
export const EXIT_CANCELLED = 130;

/**
 * A run looked up by the id the user typed: a run that is not there is bad input (exit 2); anything
 * else — a store that cannot be read, a record damaged on disk — is not the user's typing (exit 3).
 */
export function runLookupError(command: string, err: unknown): Error {
  if (err instanceof NotADatabaseError) return err;
  const message = `${command}: ${(err as Error).message}`;
  return err instanceof AppError && err.code === 'not-found' ? new UsageError(message, { code: 'run-not-found' }) : new CouldNotRunError(message, { cause: err });
}
