import type { StoredObservation } from '../audit/event-store';
import { asUsageError, DB_OPTION, eventsDbPath, openExistingStore, refuseUnknownRun, regionOption } from './audit-options';
import { defineCommand, intOption } from './command-spec';
import { LOOKUP_TIME_RANGE_OPTIONS, timeRange } from './time-options';
import { EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill audit observations`: the calls that never reached KMS — a regional outage between the
 * service and KMS, a step the drill played on the client — kept apart from the CloudTrail records
 * (AWS never saw them) and never exported as CloudTrail. Newest first, like `audit query`.
 */
export const auditObservationsCommand = defineCommand({
  path: ['audit', 'observations'],
  summary: 'calls that never reached KMS (client-side observations), newest first',
  description: 'A call refused before it reached KMS — an unreachable region (a real or injected outage), a timeout, a revocation or deletion the drill played on the client — is not a CloudTrail record: KMS never saw it. KeyDrill keeps it as a client-side observation, apart from the CloudTrail records; this lists them.',
  options: {
    ...LOOKUP_TIME_RANGE_OPTIONS,
    run: { type: 'string', value: 'ID', description: 'only the observations of this drill run (keydrill runs list)' },
    region: { type: 'string', value: 'R', description: 'only calls to this AWS region' },
    max: { type: 'string', value: 'N', description: 'observations per page, 1 to 10000 (default 50)' },
    'next-token': { type: 'string', value: 'T', description: 'the next page of the same query' },
    ...DB_OPTION,
    json: { type: 'boolean', description: 'print {"Observations": [...], "NextToken"}' },
  },
  examples: [
    { command: 'keydrill audit observations --run regional-outage-multi-region-key-s7-1a2b3c4d-20261205t101500-9f3e', note: 'what the outage refused in one drill' },
  ],
  async run({ values, output }) {
    const { startTime, endTime } = timeRange(values, Date.now(), { endDefaultsToNow: true });
    const maxResults = intOption('max', values.max, 50, 1, 10_000);
    if (values.run === '') throw new UsageError('audit observations: --run needs a run id');
    const store = openExistingStore('audit observations', eventsDbPath(values.db));
    try {
      let page;
      try {
        page = store.observations({ runId: values.run, startTime, endTime, region: regionOption(values.region), maxResults, nextToken: values['next-token'] });
      } catch (err) {
        throw asUsageError(err, values['next-token'] !== undefined ? '--next-token' : 'audit observations');
      }
      // A mistyped run id must not read as a run whose every call reached KMS.
      refuseUnknownRun('audit observations', store, values.run);
      if (values.json) {
        output.json({ Observations: page.observations.map((o) => ({ ...o.observation, runId: o.runId ?? null })), ...(page.nextToken ? { NextToken: page.nextToken } : {}) });
        return EXIT_OK;
      }
      console.log(page.observations.length > 0 ? table(page.observations) : noneFound(values.run, values.region !== undefined || startTime !== undefined || endTime !== undefined));
      if (page.nextToken) console.log(`\nmore observations match: add --next-token ${page.nextToken}`);
      return EXIT_OK;
    } finally {
      store.close();
    }
  },
});

/**
 * What an empty answer means. Only of a whole drill run can it say that every call reached KMS: the
 * drill wrote its observations beside its records. A store of CloudTrail logs imported from AWS (or
 * from an audit bundle) holds none, whatever was refused before reaching KMS.
 */
function noneFound(runId: string | undefined, narrowed: boolean): string {
  if (runId !== undefined && !narrowed) return `no observations: every call of run ${runId} reached KMS`;
  return 'no matching observations (calls refused before they reached KMS are recorded by the drills that made them; imported CloudTrail logs hold none)';
}

function table(list: StoredObservation[]): string {
  const rows = list.map((o) => [o.observation.time, o.observation.operation, o.observation.region, o.observation.errorCode, o.observation.cause, o.observation.encryptionContext?.cluster ?? '-']);
  const headers = ['time', 'operation', 'region', 'error', 'cause', 'cluster'];
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] as string).length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
