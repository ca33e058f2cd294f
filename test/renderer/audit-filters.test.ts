import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import type { ApiArgs, AuditPage } from '../../src-shared/api';
import type * as AuditFilters from '../../src-renderer/src/audit-filters';
import type * as OutsideRange from '../../src-renderer/src/audit-outside-range';

/**
 * The Audit page's filters: what the form refuses before anything is sent (a lookup the event store
 * would refuse with a 400 replaced the rows on screen), and what an empty time range says about the
 * events it missed, against the real services and event store.
 */
let EMPTY_FILTERS: typeof AuditFilters.EMPTY_FILTERS;
let toQuery: typeof AuditFilters.toQuery;
let outsideTheRange: typeof OutsideRange.outsideTheRange;
let outsideTheRangeText: typeof OutsideRange.outsideTheRangeText;

beforeAll(async () => {
  // The renderer's modules pick their transport as they load; these tests call the services directly.
  (globalThis as { window?: unknown }).window = { keydrill: { invoke: () => Promise.reject(new Error('not used')), on: () => () => undefined } };
  ({ EMPTY_FILTERS, toQuery } = await import('../../src-renderer/src/audit-filters'));
  ({ outsideTheRange, outsideTheRangeText } = await import('../../src-renderer/src/audit-outside-range'));
});

describe('the Audit filters as typed', () => {
  it('takes ReadOnly true or false in any case, as the lookup spells them', () => {
    expect(toQuery({ ...EMPTY_FILTERS, attribute: 'ReadOnly', value: ' TRUE ' })).toEqual({ query: { attribute: { key: 'ReadOnly', value: 'true' } } });
    expect(toQuery({ ...EMPTY_FILTERS, attribute: 'ReadOnly', value: 'False' })).toEqual({ query: { attribute: { key: 'ReadOnly', value: 'false' } } });
  });

  it('refuses any other ReadOnly value in the form, marking the Value field', () => {
    expect(toQuery({ ...EMPTY_FILTERS, attribute: 'ReadOnly', value: 'maybe' })).toEqual({
      error: 'Value: ReadOnly is "true" (calls that only read) or "false" (calls that change something), not "maybe".',
      field: 'value',
    });
  });

  it('refuses a value longer than the lookup takes, and leaves other attributes\' values as typed', () => {
    expect(toQuery({ ...EMPTY_FILTERS, attribute: 'Username', value: 'x'.repeat(2049) })).toMatchObject({ field: 'value', error: expect.stringMatching(/at most 2,048 characters, not 2,049/) });
    expect(toQuery({ ...EMPTY_FILTERS, attribute: 'EventName', value: 'Decrypt' })).toEqual({ query: { attribute: { key: 'EventName', value: 'Decrypt' } } });
  });

  it('marks the field of a mistyped time or region', () => {
    expect(toQuery({ ...EMPTY_FILTERS, start: 'soon' })).toMatchObject({ field: 'start' });
    expect(toQuery({ ...EMPTY_FILTERS, end: 'soon' })).toMatchObject({ field: 'end' });
    expect(toQuery({ ...EMPTY_FILTERS, start: '2026-02-01', end: '2026-01-01' })).toMatchObject({ field: 'start', error: expect.stringMatching(/^From .* is after To/) });
    expect(toQuery({ ...EMPTY_FILTERS, region: 'Europe' })).toMatchObject({ field: 'region' });
  });
});

describe('an empty time range says where the events matching the other filters are', () => {
  let home: string;
  let services: AppServices;
  const lookup = async (request: ApiArgs<'audit:lookup'>): Promise<AuditPage> => {
    const outcome = await callApi({ services }, 'audit:lookup', request);
    if (!outcome.ok) throw new Error(outcome.error.message);
    return outcome.result as AuditPage;
  };
  const START = Date.UTC(2026, 0, 1);

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-outside-range-'));
    services = new AppServices({ home });
    // Stamped on a drill's clock: January 2026, an hour of calls in one region, a run's id on each.
    const records = [...syntheticKmsEvents({ count: 200, start: START, durationMs: 3_600_000, regions: ['eu-west-1'], seed: 4 })];
    services.eventStore().append(records.map((record) => ({ record, runId: 'drill-1' })));
  });

  afterAll(async () => {
    await services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('names the first and last of them and the run they come from', async () => {
    const query = { startTime: '2025-01-01T00:00:00Z', endTime: '2025-02-01T00:00:00Z' };
    expect((await lookup({ ...query, maxResults: 1 })).events).toEqual([]);
    const all = (await lookup({ maxResults: 1000, order: 'oldest' })).events;
    const found = await outsideTheRange(query, lookup);
    expect(found?.oldest.eventTime).toBe(all[0]!.eventTime);
    expect(found?.newest.eventTime).toBe(all.at(-1)!.eventTime);
    const text = outsideTheRangeText(found!, query);
    expect(text).toContain(`lie outside it, from ${all[0]!.eventTime.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC to `);
    expect(text).toContain('The newest is from drill run drill-1: a drill\'s events carry the drill\'s clock, not today\'s; choose the run instead of a time range.');
  });

  it('follows the other filters, and finds nothing when they match nothing anywhere', async () => {
    const range = { startTime: '2025-01-01T00:00:00Z' };
    expect(await outsideTheRange({ ...range, region: 'us-east-1' }, lookup)).toBeUndefined();
    const decrypts = (await lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 1000, order: 'oldest' })).events;
    const found = await outsideTheRange({ ...range, endTime: '2025-06-01T00:00:00Z', attribute: { key: 'EventName', value: 'Decrypt' }, runId: 'drill-1' }, lookup);
    expect([found?.oldest.eventId, found?.newest.eventId]).toEqual([decrypts[0]!.eventId, decrypts.at(-1)!.eventId]);
    // With the run chosen already, the advice is not to choose it.
    expect(outsideTheRangeText(found!, { ...range, runId: 'drill-1' })).not.toContain('choose the run');
  });

  it('is not asked for a query without a time range', async () => {
    expect(await outsideTheRange({ region: 'eu-west-1' }, lookup)).toBeUndefined();
  });
});
