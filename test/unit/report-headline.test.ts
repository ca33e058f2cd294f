import { describe, expect, it } from 'vitest';
import type { FullRunRecord } from '../../src-shared/run-record';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';

/** The banner an auditor reads first: its tone, title and sentence. */
function banner(record: FullRunRecord): { tone: string; passed: string; title: string; text: string } {
  const html = renderHtmlReport(record);
  const m = html.match(/<div class="banner ([a-z]+)" id="overall-verdict" data-passed="([a-z]+)"[^>]*><strong>([^<]+)<\/strong><span>([^<]+)<\/span><\/div>/);
  if (!m) throw new Error('no banner');
  return { tone: m[1] as string, passed: m[2] as string, title: m[3] as string, text: m[4] as string };
}

function allPassed(record: FullRunRecord): FullRunRecord {
  record.verdicts = record.verdicts.map((v) => ({ ...v, passed: true }));
  record.passed = true;
  return record;
}

describe('the headline of the report', () => {
  it('is green only when every expectation was met and nothing is at risk', () => {
    const record = allPassed(sampleRunRecord());
    record.dataAtRisk = [];
    expect(banner(record)).toEqual({ tone: 'pass', passed: 'true', title: 'Passed', text: 'all 7 expectations met · no data at risk' });
  });

  it('never shows "all expectations met" in green beside lost data: amber, with the count', () => {
    const record = allPassed(sampleRunRecord());
    expect(record.dataAtRisk).toHaveLength(2);
    expect(banner(record)).toEqual({ tone: 'warn', passed: 'true', title: 'Expectations met, but data at risk', text: 'all 7 expectations met, but 2 items of data at risk in 2 tenants: unreadable at the end of the drill' });
    expect(renderHtmlReport(record)).toContain('— although every expectation was met');
  });

  it('a failed run says how many expectations failed and the data at risk beside it', () => {
    expect(banner(sampleRunRecord())).toEqual({ tone: 'fail', passed: 'false', title: 'Failed', text: '1 of 7 expectations not met · 2 items of data at risk in 2 tenants' });
  });

  it('a cancelled or interrupted run is never a normal run: a grey banner with the reason, and no verdict shown as judged', () => {
    for (const [status, title] of [['cancelled', 'Cancelled'], ['interrupted', 'Interrupted'], ['started', 'Not finished']] as const) {
      const record = allPassed(sampleRunRecord());
      record.execution = { ...record.execution, status, reachedAt: 2 * 3_600_000, reason: status === 'started' ? undefined : `stopped for the test (${status})` };
      record.verdicts = [];
      record.timeline = record.timeline.filter((e) => e.at <= 2 * 3_600_000);
      const b = banner(record);
      expect(b.tone).toBe('stopped');
      expect(b.passed).toBe('false');
      expect(b.title).toBe(title);
      expect(b.text).toMatch(/It reached 2h of 6h; nothing was judged, so it has neither passed nor failed/);
      const html = renderHtmlReport(record);
      expect(html).toContain(`data-status="${status}"`);
      expect(html).toContain('none of its 7 expectations were judged');
      expect(html).not.toContain('class="banner pass"');
    }
  });
});
