import type { StoredEvent } from '../audit/event-store';
import { usernameOf } from '../audit/record-codec';
import { intOption, parseCommand } from './args';
import { asUsageError, attributeOption, DB_OPTION, eventsDbPath, openExistingStore, regionOption, timeRange } from './audit-options';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill audit query`: the CloudTrail console's event history over the store — one lookup
 * attribute, a time range, errors only — newest first. `--json` prints `{"Records": […]}`, a
 * CloudTrail log file `audit import` reads back, with `NextToken` when more events match.
 */
export async function auditQuery(argv: string[]): Promise<number> {
  const { values } = parseCommand('audit query', argv, {
    ...DB_OPTION,
    attribute: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    errors: { type: 'boolean' },
    run: { type: 'string' },
    region: { type: 'string' },
    max: { type: 'string' },
    'next-token': { type: 'string' },
    json: { type: 'boolean' },
  });
  const attribute = attributeOption(values.attribute);
  const { startTime, endTime } = timeRange(values);
  const maxResults = intOption('max', values.max, 50, 1, 10_000);
  const region = regionOption(values.region);
  if (values.run === '') throw new UsageError('audit query: --run needs a run id');
  const store = openExistingStore('audit query', eventsDbPath(values.db));
  try {
    let page;
    try {
      page = store.lookup({ attribute, startTime, endTime, errorsOnly: values.errors, runId: values.run, region, maxResults, nextToken: values['next-token'] });
    } catch (err) {
      throw asUsageError(err, values['next-token'] !== undefined ? '--next-token' : 'audit query');
    }
    if (values.json) {
      console.log(JSON.stringify({ Records: page.events.map((e) => e.record), ...(page.nextToken ? { NextToken: page.nextToken } : {}) }));
    } else {
      console.log(table(page.events));
      if (page.nextToken) console.log(`\nmore events match: add --next-token ${page.nextToken}`);
    }
    return EXIT_OK;
  } finally {
    store.close();
  }
}

function table(events: StoredEvent[]): string {
  if (events.length === 0) return 'no matching events';
  const rows = events.map(({ record: r }) => [
    r.eventTime,
    r.eventName,
    usernameOf(r.userIdentity) ?? '-',
    r.awsRegion,
    shortKey(r.resources?.[0]?.ARN),
    r.errorCode ?? '',
  ]);
  const headers = ['time', 'event', 'user', 'region', 'key', 'error'];
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] as string).length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** key/1234… or alias/… rather than the whole ARN, which the region column already qualifies. */
function shortKey(arn: string | undefined): string {
  if (!arn) return '-';
  const slash = arn.lastIndexOf(':');
  return slash >= 0 ? arn.slice(slash + 1) : arn;
}
