import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FullRunRecord as RunRecord } from '../../src-shared/run-record';
import { requireChromium } from '../../src-main/report/chromium-path';
import { ReportError } from '../../src-main/report/report-error';
import { reportFormatFor, writeReport } from '../../src-main/report/write-report';
import { sampleRunRecord } from '../fixtures/sample-run-record';

async function failure(run: () => Promise<unknown>): Promise<ReportError> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(ReportError);
    return err as ReportError;
  }
  throw new Error('expected the export to fail');
}

describe('writing a report to a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keydrill-report-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const record = sampleRunRecord();

  it('picks HTML, JSON or CSV from the file extension, in any case', async () => {
    const html = await writeReport(record, join(dir, 'drill.HTML'));
    expect(html.format).toBe('html');
    expect(readFileSync(join(dir, 'drill.HTML'), 'utf8')).toMatch(/^<!doctype html>/);
    const json = await writeReport(record, join(dir, 'drill.json'));
    expect(RunRecord.parse(JSON.parse(readFileSync(join(dir, 'drill.json'), 'utf8')))).toEqual(record);
    expect(json.bytes).toBe(readFileSync(join(dir, 'drill.json')).length);
    await writeReport(record, join(dir, 'drill.csv'));
    expect(readFileSync(join(dir, 'drill.csv'), 'utf8').split('\r\n')[0]).toBe('section,subject,name,at_ms,at,value,outcome,detail,evidence,principal,observations');
    expect(readdirSync(dir).sort()).toEqual(['drill.HTML', 'drill.csv', 'drill.json']);
  });

  it('refuses an unknown extension, lists the formats, and writes nothing', async () => {
    for (const name of ['drill.xlsx', 'drill', 'drill.html.bak']) {
      const error = await failure(() => writeReport(record, join(dir, name)));
      expect(error.code).toBe('unknown-format');
      expect(error.message).toContain('.html, .pdf, .json, .csv');
    }
    expect(() => reportFormatFor('report.txt')).toThrow(/must end in \.html, \.pdf, \.json, \.csv/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an invalid record leaves no file, and an earlier report at that path untouched', async () => {
    const target = join(dir, 'drill.json');
    writeFileSync(target, 'the previous report');
    const broken = { ...record, verdicts: [{ passed: 'maybe' }] } as unknown as RunRecord;
    const error = await failure(() => writeReport(broken, target));
    expect(error.code).toBe('invalid-record');
    expect(readFileSync(target, 'utf8')).toBe('the previous report');
    expect(readdirSync(dir)).toEqual(['drill.json']);
    const fresh = await failure(() => writeReport(broken, join(dir, 'new.html')));
    expect(fresh.code).toBe('invalid-record');
    expect(existsSync(join(dir, 'new.html'))).toBe(false);
  });

  it('a report into a folder that does not exist fails with the path and leaves no temporary file', async () => {
    const error = await failure(() => writeReport(record, join(dir, 'missing', 'drill.csv')));
    expect(error.code).toBe('write-failed');
    expect(error.message).toContain(join(dir, 'missing', 'drill.csv'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a PDF export whose Chromium cannot start leaves no file', async () => {
    const target = join(dir, 'drill.pdf');
    const error = await failure(() => writeReport(record, target, { executablePath: join(dir, 'no-such-chromium') }));
    expect(error.code).toBe('print-failed');
    expect(error.message).toContain('no-such-chromium');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says to install Chromium or set CHROMIUM_PATH when no Chromium is found', () => {
    expect(() => requireChromium(['/nowhere/chromium', '/nowhere/chrome'])).toThrow('PDF export needs Chromium and none was found (looked at /nowhere/chromium, /nowhere/chrome): install Chromium or set CHROMIUM_PATH.');
  });
});
