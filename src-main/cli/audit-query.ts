import { LOOKUP_ATTRIBUTE_KEYS, type EventStore, type LookupQuery, type StoredEvent } from '../audit/event-store';
import { usernameOf } from '../audit/record-codec';
import { isKeyOwnerCopy } from '../kms/cloudtrail-cross-account';
import { defineCommand, intOption } from './command-spec';
import { asUsageError, attributeOption, DB_OPTION, eventsDbPath, openExistingStore, refuseUnknownRun, regionOption, savedRun } from './audit-options';
import { LOOKUP_TIME_RANGE_OPTIONS, timeRange } from './time-options';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill audit query`: the CloudTrail console's event history over the store — one lookup
 * attribute, a time range, errors only — newest first. `--json` prints `{"Records": […]}`, a
 * CloudTrail log file `audit import` reads back, with `NextToken` when more events match.
 */
export const auditQueryCommand = defineCommand({
  path: ['audit', 'query'],
  summary: 'CloudTrail event history over the event store, newest first',
  description: `The lookups of the CloudTrail console's event history: one lookup attribute (Name is one of ${LOOKUP_ATTRIBUTE_KEYS.join(', ')}), a time range, errors only, a drill run, a region. Drill events are stamped with the drill's own clock (drills on the embedded KMS start on 2026-01-01), so find them with --run rather than --start.`,
  options: {
    attribute: { type: 'string', value: 'Name=Value', description: 'one lookup attribute, e.g. EventName=Decrypt' },
    ...LOOKUP_TIME_RANGE_OPTIONS,
    errors: { type: 'boolean', description: 'only calls that failed (an errorCode)' },
    run: { type: 'string', value: 'ID', description: 'only the events of this drill run (keydrill runs list)' },
    region: { type: 'string', value: 'R', description: 'only events of this AWS region' },
    max: { type: 'string', value: 'N', description: 'events per page, 1 to 10000 (default 50)' },
    'next-token': { type: 'string', value: 'T', description: 'the next page of the same query (printed when more events match)' },
    ...DB_OPTION,
    json: { type: 'boolean', description: 'print {"Records": [...], "NextToken"} as CloudTrail writes it' },
  },
  examples: [
    { command: 'keydrill audit query --attribute EventName=Decrypt --errors --start 24h', note: 'failed Decrypt calls of the last day' },
    { command: 'keydrill audit query --run revocation-and-restore-s11-1a2b3c4d-20261206t134243-710e --errors', note: 'the errors of one drill' },
    { command: 'keydrill audit query --start 2026-01-15T09:00+01:00 --end 1h30m --json', note: 'a window with a zone offset, as JSON' },
  ],
  async run({ values, output }) {
    const attribute = attributeOption(values.attribute);
    const { startTime, endTime } = timeRange(values, Date.now(), { endDefaultsToNow: true });
    const maxResults = intOption('max', values.max, 50, 1, 10_000);
    const region = regionOption(values.region);
    if (values.run === '') throw new UsageError('audit query: --run needs a run id');
    const store = openExistingStore('audit query', eventsDbPath(values.db));
    try {
      const query = { attribute, startTime, endTime, errorsOnly: values.errors, runId: values.run, region, maxResults, nextToken: values['next-token'] };
      let page;
      try {
        page = store.lookup(query);
      } catch (err) {
        throw asUsageError(err, values['next-token'] !== undefined ? '--next-token' : 'audit query');
      }
      refuseUnknownRun('audit query', store, values.run);
      // A run that did not complete is never served as a normal one: say what became of it.
      const run = values.run ? runStatus(values.run) : undefined;
      if (values.json) {
        output.json({ Records: page.events.map((e) => e.record), ...(page.nextToken ? { NextToken: page.nextToken } : {}), ...(run ? { Run: run } : {}) });
        return EXIT_OK;
      }
      if (run && run.status !== 'completed') console.log(`note: run ${values.run} ${run.status === 'started' ? 'is still playing' : `was ${run.status}`}${run.reason ? ` (${run.reason})` : ''}: its records stop where it did\n`);
      console.log(table(page.events));
      if (page.nextToken) console.log(`\nmore events match: add --next-token ${page.nextToken}`);
      if (page.events.length === 0 && (startTime !== undefined || endTime !== undefined)) {
        const outside = outsideTheRange(store, { ...query, startTime: undefined, endTime: undefined, nextToken: undefined });
        if (outside) console.log(outside);
      }
      return EXIT_OK;
    } finally {
      store.close();
    }
  },
});

/**
 * Why a time range found nothing when the same query without it finds events: most often they are
 * drill events, stamped with the drill's clock rather than today's.
 */
function outsideTheRange(store: EventStore, query: LookupQuery): string | undefined {
  const newest = store.lookup({ ...query, maxResults: 1 }).events[0];
  if (!newest) return undefined;
  // Told to use --run only when it was not given: with it, the advice would be the query itself.
  const drill = !newest.runId ? '' : query.runId !== undefined ? ' (drill events carry the drill\'s clock, not today\'s: leave out --start and --end to see all of the run\'s)' : ` (from drill run ${newest.runId}: drill events carry the drill's clock; use --run ${newest.runId} instead of a time range)`;
  return `events matching the other filters exist outside this time range; the newest is at ${newest.record.eventTime}${drill}`;
}

/** What the run store says of a run: its status, or undefined when it holds no such run (imported events, another machine). */
function runStatus(runId: string): { status: string; reason?: string } | undefined {
  const summary = savedRun(runId);
  return summary && { status: summary.status, ...(summary.reason ? { reason: summary.reason } : {}) };
}

function table(events: StoredEvent[]): string {
  if (events.length === 0) return 'no matching events';
  const rows = events.map(({ record: r }) => [
    r.eventTime,
    r.eventName,
    usernameOf(r.userIdentity) ?? '-',
    r.awsRegion,
    shortKey(r.resources?.[0]?.ARN),
    // The store holds every account's trail: a vendor's call on its customer's key is in both, the customer's copy marked.
    `${r.recipientAccountId ?? '-'}${isKeyOwnerCopy(r) ? ' (key owner)' : ''}`,
    r.errorCode ?? '',
  ]);
  const headers = ['time', 'event', 'user', 'region', 'key', 'trail of', 'error'];
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
