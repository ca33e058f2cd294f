import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudTrailServiceError, lookupEvents, serveCloudTrail } from '../../src-main/audit/lookup-events-server';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

let store: SqliteEventStore;
beforeAll(() => {
  store = SqliteEventStore.open(':memory:');
  store.append([...syntheticKmsEvents({ count: 120, start: Date.UTC(2026, 0, 1), durationMs: 600_000, regions: ['us-east-1'] })].map((record) => ({ record })));
});
afterAll(() => store.close());

function refusal(body: unknown): { code: string; message: string } {
  try {
    lookupEvents(store, typeof body === 'string' ? body : JSON.stringify(body), 'us-east-1');
  } catch (err) {
    if (err instanceof CloudTrailServiceError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected LookupEvents to refuse the request');
}

describe('LookupEvents request validation', () => {
  it('answers an empty body with the newest 50 events and a token for the rest', () => {
    const answer = lookupEvents(store, '', 'us-east-1');
    expect(answer.Events).toHaveLength(50);
    expect(answer.NextToken).toEqual(expect.any(String));
    expect(answer.Events[0]!.EventTime).toBeGreaterThanOrEqual(answer.Events[49]!.EventTime);
  });

  it('names the field at fault with AWS\'s exception for it', () => {
    expect(refusal('{"LookupAttributes": [')).toEqual({ code: 'SerializationException', message: 'The request body is not valid JSON.' });
    expect(refusal([1])).toMatchObject({ code: 'SerializationException' });
    expect(refusal({ LookupAttributes: [{ AttributeKey: 'Colour', AttributeValue: 'red' }] })).toEqual({
      code: 'InvalidLookupAttributesException',
      message: 'LookupAttributes.0.AttributeKey: AttributeKey must be one of EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId, not "Colour"',
    });
    expect(refusal({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: '' }] })).toMatchObject({ code: 'InvalidLookupAttributesException', message: expect.stringMatching(/must not be empty/) });
    expect(refusal({ StartTime: '2026-01-01' })).toMatchObject({ code: 'InvalidTimeRangeException', message: expect.stringMatching(/^StartTime: /) });
    expect(refusal({ StartTime: 1767225700, EndTime: 1767225600 })).toEqual({ code: 'InvalidTimeRangeException', message: 'StartTime is later than EndTime.' });
    expect(refusal({ MaxResults: 0 })).toEqual({ code: 'InvalidMaxResultsException', message: 'MaxResults: MaxResults must be between 1 and 50' });
    expect(refusal({ MaxResults: 2.5 })).toMatchObject({ code: 'InvalidMaxResultsException' });
    expect(refusal({ NextToken: 'not-a-token' })).toMatchObject({ code: 'InvalidNextTokenException', message: expect.stringMatching(/altered/) });
    expect(refusal({ EventCategory: 'data' })).toMatchObject({ code: 'InvalidEventCategoryException' });
  });

  it('finds no Insights events, because KeyDrill records only management events', () => {
    expect(lookupEvents(store, JSON.stringify({ EventCategory: 'insight' }), 'us-east-1')).toEqual({ Events: [] });
  });

  it('answers only LookupEvents among CloudTrail operations', () => {
    expect(() => serveCloudTrail(store, 'DeleteTrail', '{}', { region: 'us-east-1', account: '111122223333' })).toThrow(expect.objectContaining({ code: 'UnknownOperationException', message: 'Unknown operation CloudTrail_20131101.DeleteTrail' }));
  });
});
