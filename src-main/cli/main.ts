import { readFileSync } from 'node:fs';
import { auditExport } from './audit-export';
import { auditImport } from './audit-import';
import { auditQuery } from './audit-query';
import { drillList, drillRun, drillValidate, reportCommand } from './drill-commands';
import { kmsServe } from './kms-serve';
import { uiCommand } from './ui-command';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from './usage-error';

const HELP = `keydrill — drill customer-managed key rotation, revocation and regional failover

Usage:
  keydrill kms serve [--port 4566] [--data DIR | --in-memory] [--db FILE] [--json] [--log]
                     [--requests-per-second N]
                                   run the embedded AWS-KMS-compatible server on 127.0.0.1
  keydrill drill run <file|name> [--backend embedded|localstack|aws] [--endpoint URL]
                     [--profile P] [--seed N] [--db FILE] [--report FILE.html|.pdf|.json|.csv]...
                     [--cloudtrail-out DIR] [--json] [--live [--speed N]]
                                   run a drill; exit 1 when an expectation fails. --live plays it
                                   on the wall clock (N times faster), for LocalStack or AWS
  keydrill drill list              the built-in scenarios
  keydrill drill validate <file>   check a scenario file (errors name the path and the line)
  keydrill report <run-id> --out FILE.html|.pdf|.json|.csv
                                   export a saved run again
  keydrill audit import <file.json[.gz] | dir> [--db FILE]
  keydrill audit import --lookup-events [--region R] [--start T] [--end T]
                        [--endpoint URL] [--attribute Name=Value] [--db FILE]
                                   import CloudTrail log files (a folder in the S3 AWSLogs/ layout
                                   too), or events from CloudTrail LookupEvents (KMS events unless
                                   --attribute says otherwise); an event already stored is skipped
  keydrill audit export --cloudtrail-out DIR [--run ID] [--start T] [--end T] [--db FILE]
                                   write CloudTrail log files (AWSLogs/…/YYYY/MM/DD/*.json.gz)
                                   for Athena or CloudTrail Lake
  keydrill audit query [--attribute Name=Value] [--start T] [--end T] [--errors]
                       [--run ID] [--region R] [--max N] [--next-token T] [--json] [--db FILE]
                                   CloudTrail event history, newest first. Name is one of EventId,
                                   EventName, ReadOnly, Username, ResourceType, ResourceName,
                                   EventSource, AccessKeyId
                                   T: 2026-01-15T09:00:00Z, 2026-01-15, epoch seconds, or 24h (ago).
                                   --db defaults to ~/.keydrill/events.sqlite ($KEYDRILL_HOME)
  keydrill ui [--port P] [--no-open]
                                   the app in a browser: serves the UI and its API on 127.0.0.1
                                   behind a per-launch token, prints the URL and opens it
  keydrill --version               print the version
  keydrill help                    this text

Exit codes: 0 success, 1 failure, 2 bad input.`;

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Record<string, Command>> = {
  kms: { serve: kmsServe },
  drill: { run: drillRun, list: drillList, validate: drillValidate },
  audit: { import: auditImport, export: auditExport, query: auditQuery },
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
    if (group === 'report') return await reportCommand(argv.slice(1));
    if (group === 'ui') return await uiCommand(argv.slice(1));
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
