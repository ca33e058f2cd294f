import { mkdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FullRunRecord as RunRecord } from '../../src-shared/run-record';
import { chromiumPath } from '../../src-main/report/chromium-path';
import { writeReport } from '../../src-main/report/write-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';

const OUT = new URL('../../test-results/', import.meta.url);

/** Pages in a PDF as Chromium writes it (page objects are not compressed). */
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
}

/** The sample drill with 270 more observed events: a timeline far longer than a page, still listed entry by entry (up to 300). */
function longTimeline(): RunRecord {
  const record = sampleRunRecord();
  const extra = Array.from({ length: 270 }, (_, i) => ({
    seq: record.timeline.length + i,
    at: Math.round(((i + 0.5) / 270) * record.scenario.duration),
    kind: 'event' as const,
    name: 'health check passed',
    detail: `orders-prod/n${(i % 3) + 1} decrypted its master key`,
    outcome: 'ok' as const,
    cluster: 'orders-prod',
    node: `n${(i % 3) + 1}`,
    calls: { from: 1 + (i % record.eventCount), count: 1 },
  }));
  record.timeline = [...record.timeline, ...extra].sort((a, b) => a.at - b.at);
  return record;
}

describe('the PDF report', () => {
  it.skipIf(!chromiumPath())('is a PDF file, and a long timeline flows over more pages instead of being cut', async () => {
    mkdirSync(OUT, { recursive: true });
    const samplePath = new URL('report-sample.pdf', OUT).pathname;
    const longPath = new URL('report-long-timeline.pdf', OUT).pathname;
    const sample = await writeReport(sampleRunRecord(), samplePath);
    const long = await writeReport(longTimeline(), longPath);
    expect(sample.format).toBe('pdf');
    const samplePdf = readFileSync(samplePath);
    const longPdf = readFileSync(longPath);
    expect(samplePdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(longPdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(long.bytes).toBe(longPdf.length);
    expect(pageCount(samplePdf)).toBeGreaterThan(1);
    expect(pageCount(longPdf)).toBeGreaterThan(pageCount(samplePdf) + 5);
  });
});
