import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { InvalidEventError, InvalidQueryError, LOOKUP_ATTRIBUTE_KEYS, type LookupAttributeKey } from '../../src-main/audit/event-store';
import { usernameOf } from '../../src-main/audit/record-codec';
import { allPages, lookupMatchers } from '../support/lookup-matchers';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

const START = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;

let store: SqliteEventStore;
beforeEach(() => {
  store = SqliteEventStore.open(':memory:');
});
afterEach(() => store.close());

function sample(count: number, seed = 7): CloudTrailRecord[] {
  return [...syntheticKmsEvents({ count, start: START, durationMs: HOUR, seed })];
}

/** What a lookup must return, computed by hand: matching records, newest first (later-stored first within a second). */
function byHand(records: CloudTrailRecord[], match: (r: CloudTrailRecord) => boolean): string[] {
  return records
    .map((r, i) => ({ r, i, t: Math.floor(Date.parse(r.eventTime) / 1000) }))
    .filter(({ r }) => match(r))
    .sort((a, b) => b.t - a.t || b.i - a.i)
    .map(({ r }) => r.eventID);
}



describe('the event store', () => {
  it('reads a record back exactly as it went in, unknown fields, fractions of seconds and upper-case ids included', () => {
    const [base] = sample(1);
    const odd: CloudTrailRecord = {
      ...base!,
      eventTime: '2026-03-01T12:00:00.250Z',
      eventID: 'NOT-A-UUID-0001',
      additionalEventData: { keyMaterialId: 'abc' },
      resources: [
        { accountId: '111122223333', type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:key/a' },
        { accountId: '111122223333', type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:key/b' },
      ],
      someFutureField: [1, { nested: true }],
    };
    const { readOnly: _readOnly, resources: _resources, ...bare } = { ...base!, eventID: 'bare-0002' };
    store.append([{ record: base! }, { record: odd, runId: 'run-a' }, { record: bare as CloudTrailRecord }]);
    const read = store.scan({}).events;
    // Oldest first: the odd record is earliest (12:00:00.25); the bare one shares base's second and came later.
    expect(read.map((e) => e.record)).toEqual([odd, base, bare]);
    expect(read.map((e) => e.runId)).toEqual(['run-a', undefined, undefined]);
  });

  it('answers every lookup attribute with the events filtering by hand finds, newest first, across pages', () => {
    const records = sample(3_000);
    store.append(records.map((record) => ({ record })));
    const failed = records.find((r) => r.errorCode)!;
    const reEncrypted: CloudTrailRecord = { ...records[10]!, eventID: 'second-resource-0001', resources: [...records[10]!.resources!, { type: 'AWS::KMS::Key', ARN: 'arn:aws:kms:us-east-1:111122223333:key/destination' }] };
    store.append([{ record: reEncrypted }]);
    records.push(reEncrypted);
    const values: Record<LookupAttributeKey, string[]> = {
      EventId: [records[1234]!.eventID, 'no-such-event'],
      EventName: ['Decrypt', 'DescribeKey', 'ScheduleKeyDeletion', 'Sign'],
      ReadOnly: ['true', 'false'],
      Username: [usernameOf(records[5]!.userIdentity)!, 'key-admin'],
      ResourceType: ['AWS::KMS::Key'],
      ResourceName: [records[7]!.resources![0]!.ARN!, 'arn:aws:kms:us-east-1:111122223333:key/destination'],
      EventSource: ['kms.amazonaws.com', 'sts.amazonaws.com'],
      AccessKeyId: [failed.userIdentity.accessKeyId!],
    };
    for (const key of LOOKUP_ATTRIBUTE_KEYS) {
      for (const value of values[key]) {
        const expected = byHand(records, (r) => lookupMatchers[key](r, value));
        expect(allPages(store, { attribute: { key, value }, maxResults: 97 }), `${key}=${value}`).toEqual(expected);
      }
    }
  });

  it('combines an attribute with a time range, errors only, a region and a run', () => {
    const records = sample(2_000);
    store.append(records.map((record, i) => ({ record, runId: i % 2 ? 'odd' : 'even' })));
    const from = START + 10 * 60_000;
    const to = START + 40 * 60_000 + 500;
    const inRange = (r: CloudTrailRecord) => Date.parse(r.eventTime) >= from && Date.parse(r.eventTime) <= to;
    expect(allPages(store, { startTime: from, endTime: to, maxResults: 500 })).toEqual(byHand(records, inRange));
    expect(allPages(store, { errorsOnly: true, maxResults: 7 })).toEqual(byHand(records, (r) => r.errorCode !== undefined));
    expect(allPages(store, { attribute: { key: 'EventName', value: 'Decrypt' }, region: 'eu-west-1', errorsOnly: true, startTime: from, endTime: to }))
      .toEqual(byHand(records, (r) => r.eventName === 'Decrypt' && r.awsRegion === 'eu-west-1' && r.errorCode !== undefined && inRange(r)));
    const odd = new Set(records.filter((_, i) => i % 2).map((r) => r.eventID));
    expect(allPages(store, { runId: 'odd', maxResults: 333 })).toEqual(byHand(records, (r) => odd.has(r.eventID)));
    expect(allPages(store, { runId: 'never-ran' })).toEqual([]);
  });

  it('refuses a paging token that was altered, that belongs to another query, or that another store issued', () => {
    store.append(sample(200).map((record) => ({ record })));
    const { nextToken } = store.lookup({ maxResults: 10 });
    expect(nextToken).toBeDefined();
    const token = nextToken!;
    const altered = `${token.slice(0, 5)}${token[5] === 'A' ? 'B' : 'A'}${token.slice(6)}`;
    expect(() => store.lookup({ maxResults: 10, nextToken: altered })).toThrow(/altered/);
    expect(() => store.lookup({ maxResults: 10, nextToken: 'garbage' })).toThrow(InvalidQueryError);
    expect(() => store.lookup({ maxResults: 10, errorsOnly: true, nextToken: token })).toThrow(/different query/);
    const other = SqliteEventStore.open(':memory:');
    try {
      other.append(sample(200).map((record) => ({ record })));
      expect(() => other.lookup({ maxResults: 10, nextToken: token })).toThrow(/another event store/);
    } finally {
      other.close();
    }
  });

  it('stores an eventID it already holds only once, and counts it as a duplicate', () => {
    const records = sample(500);
    expect(store.append(records.map((record) => ({ record })))).toMatchObject({ inserted: 500, duplicates: 0, invalid: 0, duplicateIds: [] });
    const again = store.append(records.slice(100, 300).map((record) => ({ record })));
    expect(again).toMatchObject({ inserted: 0, duplicates: 200, invalid: 0 });
    // The first few are named, so whoever reports them can say which.
    expect(again.duplicateIds).toEqual(records.slice(100, 110).map((r) => r.eventID));
    expect(store.append([{ record: records[0]! }, { record: records[0]! }])).toMatchObject({ inserted: 0, duplicates: 2, invalid: 0 });
    expect(store.count()).toBe(500);
    expect(store.aggregate({ by: 'eventName', startTime: START, endTime: START + HOUR }).reduce((n, r) => n + r.calls, 0)).toBe(500);
  });

  it('counts calls per minute by operation, region and error code as counting by hand does', () => {
    const records = sample(4_000);
    store.append(records.map((record) => ({ record, runId: 'r1' })));
    for (const [by, field] of [['eventName', 'eventName'], ['region', 'awsRegion'], ['errorCode', 'errorCode']] as const) {
      const expected = new Map<string, number>();
      for (const r of records) {
        const key = r[field] as string | undefined;
        if (key === undefined) continue;
        const bucket = Math.floor(Date.parse(r.eventTime) / 300_000) * 300_000;
        expected.set(`${bucket}|${key}`, (expected.get(`${bucket}|${key}`) ?? 0) + 1);
      }
      const rows = store.aggregate({ by, startTime: START, endTime: START + HOUR, bucketMs: 300_000 });
      expect(new Map(rows.map((r) => [`${r.time}|${r.key}`, r.calls])), by).toEqual(expected);
      expect(store.aggregate({ by, startTime: START, endTime: START + HOUR, bucketMs: 300_000, runId: 'r1' })).toEqual(rows);
    }
    expect(store.aggregate({ by: 'region', startTime: START, endTime: START + HOUR, runId: 'other' })).toEqual([]);
    expect(() => store.aggregate({ by: 'region', startTime: START, endTime: START + HOUR, bucketMs: 90_000 })).toThrow(/whole number of minutes/);
    expect(() => store.aggregate({ by: 'region', startTime: START + HOUR, endTime: START })).toThrow(/start no later than its end/);
  });

  it('refuses a record that would put key material in the audit trail, and stores nothing of its batch', () => {
    const [a, b] = sample(2);
    const leaking = { ...b!, responseElements: { keyId: 'k', Plaintext: 'c2VjcmV0' } } as CloudTrailRecord;
    const error = (() => {
      try {
        store.append([{ record: a! }, { record: leaking }]);
      } catch (err) {
        return err as InvalidEventError;
      }
      throw new Error('expected append to fail');
    })();
    expect(error).toBeInstanceOf(InvalidEventError);
    expect(error.index).toBe(1);
    expect(error.path).toEqual(['responseElements', 'Plaintext']);
    expect(store.count()).toBe(0);
  });

  it('skips an event it cannot hold and stores the rest when told to report instead of fail', () => {
    const [a, b, c] = sample(3);
    const reported: InvalidEventError[] = [];
    const result = store.append([{ record: a! }, { record: { ...b!, eventTime: '2026-02-30T00:00:00Z' } }, { record: c! }], { onInvalid: (e) => reported.push(e) });
    expect(result).toMatchObject({ inserted: 2, duplicates: 0, invalid: 1 });
    expect(reported.map((e) => [e.index, e.path, e.message])).toEqual([[1, ['eventTime'], 'eventTime 2026-02-30T00:00:00Z is not a calendar time']]);
  });

  it('refuses a page size, time range or attribute it cannot answer, saying which', () => {
    expect(() => store.lookup({ maxResults: 0 })).toThrow(/a page holds 1 to 10000 events/);
    expect(() => store.lookup({ startTime: 2, endTime: 1 })).toThrow(/start time must not be later/);
    expect(() => store.lookup({ attribute: { key: 'ReadOnly', value: 'yes' } })).toThrow(/ReadOnly must be 'true' or 'false'/);
    expect(() => store.lookup({ attribute: { key: 'Colour' as LookupAttributeKey, value: 'red' } })).toThrow(/unknown lookup attribute 'Colour'/);
  });
});
