import { describe, expect, it } from 'vitest';
import type { FullRunRecord as RunRecord } from '../../src-shared/run-record';
import { renderCsvReport } from '../../src-main/report/csv-report';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { renderJsonReport } from '../../src-main/report/json-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';

/** A LocalStack run of the sample whose key deletion the drill played on its own clock. */
function withDeparture(): RunRecord {
  const record = sampleRunRecord();
  record.backend.kind = 'localstack';
  record.backend.capabilities = { ...record.backend.capabilities, virtualClock: false };
  record.backend.departures = [{
    at: 612_000_000,
    name: 'key-deleted',
    capability: 'virtualClock',
    key: 'initech-cmk',
    step: 1,
    note: 'localstack keeps wall-clock time, so it does not delete initech-cmk when its 7-day window ends on the drill\'s clock',
  }];
  return record;
}

describe('backend.departures in the reports', () => {
  it('a record without them (written before they existed) is still valid and renders no departures table', () => {
    const record = sampleRunRecord();
    expect(record.backend.departures).toBeUndefined();
    expect(renderHtmlReport(record)).not.toContain('Where the backend departs from AWS KMS');
    expect(renderJsonReport(record)).not.toContain('"departures"');
  });

  it('the HTML report lists each with its time, event, capability and note', () => {
    const html = renderHtmlReport(withDeparture());
    const table = html.slice(html.indexOf('Where the backend departs from AWS KMS'), html.indexOf('</section>', html.indexOf('Where the backend departs')));
    expect(table).toContain('<code>key-deleted</code>');
    expect(table).toContain('<code>initech-cmk</code>');
    expect(table).toContain('7d2h');
    expect(table).toMatch(/virtual clock/i);
    expect(table).toContain('does not delete initech-cmk');
  });

  it('the CSV report has a departure row and the JSON report keeps them, in the schema\'s order', () => {
    const csv = renderCsvReport(withDeparture());
    expect(csv.split('\r\n').find((l) => l.startsWith('departure,'))).toMatch(/^departure,initech-cmk,key-deleted,612000000,7d2h,virtualClock,,/);
    const json = renderJsonReport(withDeparture());
    expect(JSON.parse(json).backend.departures).toEqual(withDeparture().backend.departures);
    expect(json.indexOf('"simulated"')).toBeLessThan(json.indexOf('"departures"'));
  });
});
