import { readFileSync } from 'node:fs';
import { kmsServe } from './kms-serve';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error';

const HELP = `keydrill — drill customer-managed key rotation, revocation and regional failover

Usage:
  keydrill kms serve [--port 4566] [--data DIR | --in-memory] [--json] [--log]
                     [--requests-per-second N]
                                   run the embedded AWS-KMS-compatible server on 127.0.0.1
  keydrill --version               print the version
  keydrill help                    this text

Exit codes: 0 success, 1 failure, 2 bad input.`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Record<string, Command>> = {
  kms: { serve: kmsServe },
};

/** Runs one command line; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [group, verb, ...rest] = argv;
  try {
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      console.log(HELP);
      return EXIT_OK;
    }
    if (group === '--version' || group === '-v') {
      const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      console.log(pkg.version);
      return EXIT_OK;
    }
    const commands = COMMANDS[group];
    if (!commands) throw new UsageError(`unknown command '${group}'. Run 'keydrill help' for the list.`);
    const command = verb === undefined ? undefined : commands[verb];
    if (!command) throw new UsageError(`'keydrill ${group}' needs one of: ${Object.keys(commands).join(', ')}${verb ? ` (got '${verb}')` : ''}`);
    return await command(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`keydrill: ${err.message}`);
      return EXIT_USAGE;
    }
    console.error(`keydrill: ${(err as Error).message}`);
    return EXIT_FAILED;
  }
}
