import { AppError } from '../app/app-error';
/** Bad input on the command line: the CLI prints the message and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The command could not do its work for a reason outside the input (a backend unreachable, a folder locked): exit code 3. */
export class CouldNotRunError extends Error {
  override name = 'CouldNotRunError';
}

/** The exit codes CI reads: see EXIT_CODES_TEXT in help.ts and the README. */
export const EXIT_OK = 0;
/** A drill ran and at least one expectation failed. */
export const EXIT_FAILED = 1;
/** Bad input: options, arguments, scenario files, imported files. */
export const EXIT_USAGE = 2;
/** Could not run: the KMS backend unreachable or refusing the credentials, an unexpected error. */
export const EXIT_COULD_NOT_RUN = 3;

/** A drill stopped by SIGINT or SIGTERM (kept as cancelled): 128 + SIGINT, as a shell reports an interrupted command. */
export const EXIT_CANCELLED = 130;

/**
 * A run looked up by the id the user typed: a run that is not there is bad input (exit 2); anything
 * else — a store that cannot be read, a record damaged on disk — is not the user's typing (exit 3).
 */
export function runLookupError(command: string, err: unknown): Error {
  const message = `${command}: ${(err as Error).message}`;
  return err instanceof AppError && err.code === 'not-found' ? new UsageError(message) : new CouldNotRunError(message, { cause: err });
}
