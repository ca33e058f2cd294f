import type { FailureDetails } from './usage-error';

/**
 * `--json` prints exactly one JSON value on stdout, whatever happens: the command's outcome when it
 * has one, otherwise — bad input, a backend it could not use, an output it could not write — a
 * failure object, so a script piping `--json` into jq never reads empty input. People read the
 * message on stderr either way; the exit code is the same with or without `--json`.
 *
 * A command prints its outcome through `json()`; main prints the failure only when nothing was
 * printed yet, so a command that fails after its outcome (a server closing) still printed one value.
 */
export class JsonOutput {
  #printed = false;

  get printed(): boolean {
    return this.#printed;
  }

  json(value: unknown): void {
    this.#printed = true;
    console.log(JSON.stringify(value));
  }
}

/** What `--json` prints when a command fails before it has an outcome. */
export interface JsonFailure {
  ok: false;
  /** The process exit code (2 bad input, 3 could not run…), also here for output saved to a file. */
  exitCode: number;
  error: { code: string; message: string } & Omit<FailureDetails, 'code'>;
}

export function jsonFailure(exitCode: number, code: string, message: string, details: FailureDetails = {}): JsonFailure {
  const { option, path, problems } = details;
  return {
    ok: false,
    exitCode,
    error: { code, message, ...(option === undefined ? {} : { option }), ...(path === undefined ? {} : { path }), ...(problems === undefined ? {} : { problems }) },
  };
}

/** `--json` among a command's own words (not after `--`), for a command that takes it. */
export function jsonRequested(options: Record<string, { type: string }>, words: readonly string[]): boolean {
  if (options.json?.type !== 'boolean') return false;
  const end = words.indexOf('--');
  return (end === -1 ? words : words.slice(0, end)).includes('--json');
}
