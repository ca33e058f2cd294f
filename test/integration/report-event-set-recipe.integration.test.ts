import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

/** Every CloudTrail record a drill hands on, as the export writes them. */
class Collected implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(structuredClone(event));
  }
  observe(_observation: ClientObservation): void {}
}

/** JSON with the keys of every object sorted and no spaces, as an auditor's own script writes it. */
function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
}

/**
 * The HTML report (and the PDF printed from it) is what an auditor holds without docs/run-record.md:
 * its integrity section must say enough to recompute the event-set digest from the exported records.
 * (An audit trial followed its words — "the first 16 bytes of SHA-256(…)" — and matched no eventID:
 * the UUIDv4 version and variant bits were not mentioned, nor how a record is written.)
 */
describe('the event-set digest, recomputed by the words of the HTML report', () => {
  it('gives the digest the report prints', async () => {
    const sink = new Collected();
    const { record, full } = await runWhole(builtIn('revocation-and-restore'), { eventSink: sink });
    const html = renderHtmlReport(full);
    const recipe = /<p class="muted" id="event-set-recipe">([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '';
    expect(recipe).toContain('the first 16 bytes of <code>SHA-256("keydrill-event\\0" + run id + "\\0" + n)</code>');
    expect(recipe).toContain('counting bytes from 0, byte 6 becomes <code>0x40 | (byte 6 &amp; 0x0f)</code> and byte 8 <code>0x80 | (byte 8 &amp; 0x3f)</code>');
    expect(recipe).toContain('Write each record as JSON with the keys of every object sorted, no spaces, characters beyond ASCII as UTF-8 (not escaped), and a newline after it');

    // Follow those words over the records, found by eventID (the files' order is not the run's).
    const byId = new Map(sink.records.map((r) => [r.eventID, r]));
    const hash = createHash('sha256');
    for (let n = 1; n <= sink.records.length; n++) {
      const b = createHash('sha256').update(`keydrill-event\0${record.execution.runId}\0${n}`).digest().subarray(0, 16);
      b[6] = 0x40 | ((b[6] as number) & 0x0f);
      b[8] = 0x80 | ((b[8] as number) & 0x3f);
      const h = b.toString('hex');
      const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      const r = byId.get(id);
      expect(r, `record ${n} by the eventID the report describes`).toBeDefined();
      hash.update(`${sortedJson(r)}\n`, 'utf8');
    }
    expect(hash.digest('hex')).toBe(record.execution.eventSetSha256);
    expect(html).toContain(`<code id="event-set-sha256">${record.execution.eventSetSha256}</code>`);
  }, 60_000);
});
