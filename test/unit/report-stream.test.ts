import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FullRunRecord, type TimelineEntry } from '../../src-shared/run-record';
import { jsonReportChunks } from '../../src-main/report/json-report';
import { ReportError } from '../../src-main/report/report-error';
import type { RunSource } from '../../src-main/report/run-source';
import { stableJson } from '../../src-main/report/stable-json';
import { writeReport } from '../../src-main/report/write-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';

/**
 * JSON and CSV reports stream: a run's timeline and frames come from a generator (the run store
 * pages them) and go to disk as they come, so no string ever holds the whole record.
 */

/** The sample run with a timeline of `count` entries, made one at a time as a reader asks; `onEntry` sees each index. */
function longRun(count: number, onEntry: (index: number) => TimelineEntry | undefined = () => undefined): RunSource {
  const record = sampleRunRecord();
  const { timeline, frames, ...head } = record;
  const model = timeline[0] as TimelineEntry;
  return {
    head,
    *timeline() {
      for (let i = 0; i < count; i++) yield onEntry(i) ?? { ...model, seq: i, at: Math.floor((i / count) * head.scenario.duration), detail: `observed event number ${i} of a long run` };
    },
    frames: () => frames,
  };
}

describe('streamed reports', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keydrill-report-stream-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the streamed JSON is byte for byte the stable JSON of the whole record', () => {
    const record = sampleRunRecord();
    const source: RunSource = { head: record, timeline: function* () { yield* record.timeline; }, frames: function* () { yield* record.frames; } };
    const chunks = [...jsonReportChunks(source)];
    expect(chunks.length).toBeGreaterThan(record.timeline.length + record.frames.length);
    expect(chunks.join('')).toBe(stableJson(record, FullRunRecord));
    const empty = { ...record, timeline: [], frames: [] };
    expect([...jsonReportChunks(empty)].join('')).toBe(stableJson(empty, FullRunRecord));
  });

  for (const format of ['json', 'csv'] as const) {
    it(`${format}: what was read is on disk before the rest is read`, async () => {
      const target = join(dir, `long.${format}`);
      let onDiskMidway = 0;
      const source = longRun(40_000, (i) => {
        if (i === 30_000) {
          const temp = readdirSync(dir).find((f) => f.endsWith('.tmp'));
          onDiskMidway = temp ? statSync(join(dir, temp)).size : 0;
        }
        return undefined;
      });
      const written = await writeReport(source, target);
      // Entries 0..29,999 are several megabytes; at least all but the last megabyte of them were written before entry 30,000 was made.
      expect(onDiskMidway).toBeGreaterThan(2_000_000);
      expect(written.bytes).toBe(statSync(target).size);
      expect(written.bytes).toBeGreaterThan(onDiskMidway);
      if (format === 'json') expect((JSON.parse(readFileSync(target, 'utf8')) as FullRunRecord).timeline).toHaveLength(40_000);
      else expect(readFileSync(target, 'utf8').split('\r\n').filter((l) => l.startsWith('timeline,'))).toHaveLength(40_000);
    });

    it(`${format}: an entry that does not match the schema half-way fails the export, names it, and leaves the earlier file untouched`, async () => {
      const target = join(dir, `broken.${format}`);
      writeFileSync(target, 'the previous report');
      const source = longRun(20_000, (i) => (i === 12_345 ? ({ seq: i, at: -5, kind: 'rumour' } as unknown as TimelineEntry) : undefined));
      let error: unknown;
      try {
        await writeReport(source, target);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ReportError);
      expect((error as ReportError).code).toBe('invalid-record');
      expect((error as ReportError).message).toContain('timeline[12345].kind');
      expect((error as ReportError).message).toContain('timeline[12345].at');
      expect(readFileSync(target, 'utf8')).toBe('the previous report');
      expect(readdirSync(dir)).toEqual([`broken.${format}`]);
    });
  }
});
