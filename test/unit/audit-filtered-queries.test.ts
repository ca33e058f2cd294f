import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { LOOKUP_ATTRIBUTE_KEYS, type AggregateQuery, type LookupAttributeKey } from '../../src-main/audit/event-store';
import { usernameOf } from '../../src-main/audit/record-codec';
import { allPages, lookupMatchers } from '../support/lookup-matchers';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

/**
 * What the Audit page asks of the store beyond CloudTrail's own lookups: the same lookups oldest
 * first (jump to the oldest event), and charts that count only the events the table's filters
 * match — every attribute, errors only, a region, a run — as counting by hand does.
 */
const START = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;
let store: SqliteEventStore;
let records: CloudTrailRecord[];
const runOf = (i: number) => (i % 3 === 0 ? 'third' : 'rest');

beforeAll(() => {
  store = SqliteEventStore.open(':memory:');
  records = [...syntheticKmsEvents({ count: 3_000, start: START, durationMs: 2 * HOUR, seed: 11 })];
  store.append(records.map((record, i) => ({ record, runId: runOf(i) })));
});
afterAll(() => store.close());


const values = (): Record<LookupAttributeKey, string[]> => ({
  EventId: [records[1234]!.eventID],
  EventName: ['Decrypt', 'DescribeKey'],
  ReadOnly: ['true', 'false'],
  Username: [usernameOf(records[5]!.userIdentity)!],
  ResourceType: ['AWS::KMS::Key'],
  ResourceName: [records[7]!.resources![0]!.ARN!],
  EventSource: ['kms.amazonaws.com'],
  AccessKeyId: [records.find((r) => r.errorCode)!.userIdentity.accessKeyId!],
});


/** Calls per 10-minute bucket of the records that match, keyed "bucket|key", as the chart would draw them. */
function countByHand(match: (r: CloudTrailRecord, i: number) => boolean, field: 'eventName' | 'awsRegion' | 'errorCode'): Map<string, number> {
  const out = new Map<string, number>();
  records.forEach((r, i) => {
    const key = r[field] as string | undefined;
    if (key === undefined || !match(r, i)) return;
    const bucket = Math.floor(Date.parse(r.eventTime) / 600_000) * 600_000;
    out.set(`${bucket}|${key}`, (out.get(`${bucket}|${key}`) ?? 0) + 1);
  });
  return out;
}

const aggregate = (q: Omit<AggregateQuery, 'startTime' | 'endTime' | 'bucketMs'>) =>
  new Map(store.aggregate({ startTime: START, endTime: START + 2 * HOUR, bucketMs: 600_000, ...q }).map((r) => [`${r.time}|${r.key}`, r.calls]));

const DIMENSIONS = [['eventName', 'eventName'], ['region', 'awsRegion'], ['errorCode', 'errorCode']] as const;

describe('the event store for the Audit page', () => {
  it('pages through every lookup oldest first, in exactly the reverse of newest first', () => {
    for (const key of LOOKUP_ATTRIBUTE_KEYS) {
      for (const value of values()[key]) {
        const newest = allPages(store, { attribute: { key, value }, maxResults: 97 });
        expect(newest.length, `${key}=${value}`).toBeGreaterThan(0);
        expect(allPages(store, { attribute: { key, value }, maxResults: 97, order: 'oldest' }), `${key}=${value}`).toEqual([...newest].reverse());
      }
    }
    const errors = allPages(store, { errorsOnly: true, runId: 'third', maxResults: 5 });
    expect(allPages(store, { errorsOnly: true, runId: 'third', maxResults: 5, order: 'oldest' })).toEqual([...errors].reverse());
    // The oldest event of the store comes first.
    const first = [...records].sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime))[0]!;
    expect(store.lookup({ order: 'oldest', maxResults: 1 }).events[0]!.record.eventTime).toBe(first.eventTime);
  });

  it('refuses a newest-first paging token for the oldest-first query', () => {
    const token = store.lookup({ maxResults: 10 }).nextToken!;
    expect(() => store.lookup({ maxResults: 10, order: 'oldest', nextToken: token })).toThrow(/belongs to a different/);
  });

  it('charts only the calls every filter matches, by operation, region and error code', () => {
    for (const key of LOOKUP_ATTRIBUTE_KEYS) {
      for (const value of values()[key]) {
        for (const [by, field] of DIMENSIONS) {
          expect(aggregate({ by, attribute: { key, value } }), `${key}=${value} by ${by}`).toEqual(countByHand((r) => lookupMatchers[key](r, value), field));
        }
      }
    }
    for (const [by, field] of DIMENSIONS) {
      expect(aggregate({ by, errorsOnly: true }), `errors by ${by}`).toEqual(countByHand((r) => r.errorCode !== undefined, field));
      expect(aggregate({ by, region: 'eu-west-1', runId: 'third' }), `region and run by ${by}`)
        .toEqual(countByHand((r, i) => r.awsRegion === 'eu-west-1' && runOf(i) === 'third', field));
      expect(aggregate({ by, attribute: { key: 'EventName', value: 'Decrypt' }, errorsOnly: true, region: 'us-east-1' }), `all at once by ${by}`)
        .toEqual(countByHand((r) => r.eventName === 'Decrypt' && r.errorCode !== undefined && r.awsRegion === 'us-east-1', field));
    }
    expect(aggregate({ by: 'region', attribute: { key: 'EventName', value: 'NoSuchOperation' } })).toEqual(new Map());
    expect(aggregate({ by: 'region', region: 'mars-north-1' })).toEqual(new Map());
  });

  it('a filtered chart and the filtered table count the same events', () => {
    const query = { attribute: { key: 'EventName' as const, value: 'Decrypt' }, errorsOnly: true };
    const charted = [...aggregate({ by: 'eventName', ...query }).values()].reduce((n, c) => n + c, 0);
    expect(charted).toBe(allPages(store, { ...query, maxResults: 1000 }).length);
    expect(charted).toBeGreaterThan(0);
  });
});
