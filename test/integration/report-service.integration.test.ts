import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEventPayload, ApiOutcome, ReportFormat } from '../../src-shared/api';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import type { DesktopShell } from '../../src-main/app/desktop-shell';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { verifyBundle } from '../../src-main/report/manifest';

/**
 * Exports through the contract as the desktop window makes them: a real drill on the embedded KMS,
 * its real run record and CloudTrail events, and a stand-in for only the part Electron provides
 * (the save dialog's answer and printToPDF), since no Electron binary runs on the build machines.
 */

/** A PDF's bytes as a printer hands them back; the service must write exactly these. */
const PRINTED = Buffer.from('%PDF-1.7\n% printed by the desktop window\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

class DesktopStandIn implements DesktopShell {
  readonly asked: { suggestedName: string; format: ReportFormat }[] = [];
  readonly printed: { html: string; footer: string }[] = [];
  constructor(private readonly answer: string | undefined, private readonly print: Buffer | Error = PRINTED) {}

  async chooseSavePath(suggestedName: string, format: ReportFormat): Promise<string | undefined> {
    this.asked.push({ suggestedName, format });
    return this.answer;
  }

  async chooseFolder(): Promise<string | undefined> {
    throw new Error('an export never opens a folder dialog');
  }

  async printPdf(html: string, footer: string): Promise<Buffer> {
    this.printed.push({ html, footer });
    if (this.print instanceof Error) throw this.print;
    return this.print;
  }
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('exporting a report from the desktop window', () => {
  let home: string;
  let saveDir: string;
  let services: AppServices;
  let runId: string;
  const ctx = (desktop?: DesktopShell): AppContext => ({ services, desktop });
  const exportVia = (desktop: DesktopShell | undefined, args: Record<string, unknown>): Promise<ApiOutcome> => callApi(ctx(desktop), 'reports:export', { runId, ...args });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-report-service-'));
    saveDir = mkdtempSync(join(tmpdir(), 'keydrill-save-as-'));
    services = new AppServices({ home });
    const finished = new Promise<ApiEventPayload<'drill:finished'>>((resolve) => services.events.on('drill:finished', resolve));
    const started = await callApi(ctx(), 'drills:run', { scenario: { name: 'revocation-and-restore' } });
    if (!started.ok) throw new Error(started.error.message);
    const end = await finished;
    if (!end.ok) throw new Error(end.error);
    runId = end.runId;
  }, 120_000);
  afterAll(async () => {
    await services.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(saveDir, { recursive: true, force: true });
  });

  it('without "save as" writes into the data folder and asks nothing, even in the desktop window', async () => {
    const desktop = new DesktopStandIn(join(saveDir, 'never.json'));
    const out = await exportVia(desktop, { format: 'json' });
    const path = join(home, 'reports', `${runId}.json`);
    expect(out).toEqual({ ok: true, result: { cancelled: false, format: 'json', path, bytes: statSync(path).size, files: 1 } });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ execution: { runId } });
    expect(desktop.asked).toEqual([]);
  });

  it('"save as" in the browser, which has no save dialog, also writes into the data folder', async () => {
    const out = await exportVia(undefined, { format: 'csv', saveAs: true });
    expect(out).toMatchObject({ ok: true, result: { cancelled: false, path: join(home, 'reports', `${runId}.csv`) } });
  });

  it('"save as" writes the real report where the save dialog said, suggesting the run as its name', async () => {
    const target = join(saveDir, 'for-the-auditors.html');
    const desktop = new DesktopStandIn(target);
    const out = await exportVia(desktop, { format: 'html', saveAs: true });
    expect(out).toEqual({ ok: true, result: { cancelled: false, format: 'html', path: target, bytes: statSync(target).size, files: 1 } });
    expect(desktop.asked).toEqual([{ suggestedName: `${runId}.html`, format: 'html' }]);
    expect(readFileSync(target, 'utf8')).toBe(renderHtmlReport(services.runs.source(runId)));
    expect(readdirSync(saveDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a name typed without its extension gets it, so the file opens with the right program', async () => {
    const out = await exportVia(new DesktopStandIn(join(saveDir, 'timeline')), { format: 'csv', saveAs: true });
    expect(out).toMatchObject({ ok: true, result: { path: join(saveDir, 'timeline.csv') } });
    expect(readFileSync(join(saveDir, 'timeline.csv'), 'utf8').split('\n')[0]).toMatch(/section/);
  });

  it('closing the save dialog answers "cancelled" and writes nothing', async () => {
    const before = filesUnder(saveDir);
    const reportsBefore = filesUnder(join(home, 'reports'));
    for (const format of ['pdf', 'cloudtrail'] as const) {
      const desktop = new DesktopStandIn(undefined);
      expect(await exportVia(desktop, { format, saveAs: true })).toEqual({ ok: true, result: { cancelled: true } });
      expect(desktop.printed).toEqual([]);
    }
    expect(filesUnder(saveDir)).toEqual(before);
    expect(filesUnder(join(home, 'reports'))).toEqual(reportsBefore);
  });

  it('a PDF is printed by the desktop window, with the run in the footer, and exactly its bytes are written', async () => {
    const target = join(saveDir, 'drill.pdf');
    const desktop = new DesktopStandIn(target);
    const out = await exportVia(desktop, { format: 'pdf', saveAs: true });
    expect(out).toEqual({ ok: true, result: { cancelled: false, format: 'pdf', path: target, bytes: PRINTED.length, files: 1 } });
    expect(readFileSync(target)).toEqual(PRINTED);
    const record = services.runs.source(runId);
    expect(desktop.printed).toEqual([{ html: renderHtmlReport(record), footer: `KeyDrill · ${record.head.scenario.title} · ${runId}` }]);
  });

  it('the desktop printer also prints PDFs exported into the data folder', async () => {
    const desktop = new DesktopStandIn(undefined);
    const out = await exportVia(desktop, { format: 'pdf' });
    expect(out).toMatchObject({ ok: true, result: { path: join(home, 'reports', `${runId}.pdf`), bytes: PRINTED.length } });
    expect(desktop.printed).toHaveLength(1);
  });

  it('a failed print says why and leaves neither the file nor a temporary one', async () => {
    const target = join(saveDir, 'failed.pdf');
    const out = await exportVia(new DesktopStandIn(target, new Error('the print window crashed')), { format: 'pdf', saveAs: true });
    expect(out).toEqual({ ok: false, error: { code: 'failed', message: 'The report could not be printed to PDF: the print window crashed' } });
    const notPdf = await exportVia(new DesktopStandIn(target, Buffer.from('<html>')), { format: 'pdf', saveAs: true });
    expect(notPdf).toMatchObject({ ok: false, error: { message: 'The PDF printer returned something that is not a PDF file.' } });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(saveDir).filter((f) => f.includes('failed.pdf'))).toEqual([]);
  });

  it('CloudTrail logs go into the folder the dialog named, in the S3 layout, holding every event of the run once', async () => {
    const folder = join(saveDir, 'trail');
    const desktop = new DesktopStandIn(folder);
    const out = await exportVia(desktop, { format: 'cloudtrail', saveAs: true });
    const files = filesUnder(folder);
    const bytes = files.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
    expect(out).toEqual({ ok: true, result: { cancelled: false, format: 'cloudtrail', path: folder, bytes, files: files.length } });
    expect(desktop.asked).toEqual([{ suggestedName: `${runId}-cloudtrail`, format: 'cloudtrail' }]);
    expect(files.every((f) => /^AWSLogs\/\d{12}\/CloudTrail\/[a-z0-9-]+\/\d{4}\/\d{2}\/\d{2}\/\d{12}_CloudTrail_[a-z0-9-]+_\d{8}T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$/.test(f))).toBe(true);
    const records = files.flatMap((f) => (JSON.parse(gunzipSync(readFileSync(join(folder, f))).toString('utf8')) as { Records: { eventID: string }[] }).Records);
    expect(records).toHaveLength(services.runs.get(runId).eventCount);
    expect(new Set(records.map((r) => r.eventID)).size).toBe(records.length);
  });

  it('exporting CloudTrail logs again over an earlier export replaces it instead of doubling the events', async () => {
    const folder = join(saveDir, 'trail');
    const earlier = filesUnder(folder);
    const out = await exportVia(new DesktopStandIn(folder), { format: 'cloudtrail', saveAs: true });
    expect(out).toMatchObject({ ok: true, result: { files: earlier.length } });
    const now = filesUnder(folder);
    // The names come from the files' content: the same records, the same files, nothing doubled.
    expect(now).toEqual(earlier);
    const records = now.flatMap((f) => (JSON.parse(gunzipSync(readFileSync(join(folder, f))).toString('utf8')) as { Records: unknown[] }).Records);
    expect(records).toHaveLength(services.runs.get(runId).eventCount);
    expect(readdirSync(saveDir).filter((f) => f.startsWith('.trail.'))).toEqual([]);
  });

  it('a folder holding the user\'s own files is neither written into nor emptied', async () => {
    const folder = join(saveDir, 'my-documents');
    mkdirSync(folder);
    writeFileSync(join(folder, 'notes.txt'), 'keep me');
    const out = await exportVia(new DesktopStandIn(folder), { format: 'cloudtrail', saveAs: true });
    expect(out).toMatchObject({ ok: false, error: { code: 'failed', message: `${folder} already holds other files: CloudTrail logs are exported into a new or empty folder (or over an earlier export), so choose another folder name.` } });
    expect(filesUnder(folder)).toEqual(['notes.txt']);
    expect(readdirSync(saveDir).filter((f) => f.startsWith('.my-documents.'))).toEqual([]);
  });

  it('an audit bundle goes into the folder the dialog named: every report, the CloudTrail logs, a manifest and its SHA256SUMS seal', async () => {
    const folder = join(saveDir, 'for-the-auditor');
    const desktop = new DesktopStandIn(folder);
    const out = await exportVia(desktop, { format: 'bundle', saveAs: true });
    expect(desktop.asked).toEqual([{ suggestedName: `${runId}-audit`, format: 'bundle' }]);
    const files = filesUnder(folder);
    expect(out).toMatchObject({ ok: true, result: { cancelled: false, format: 'bundle', path: folder, files: files.length } });
    const result = (out as { result: { sealSha256: string; bytes: number } }).result;
    expect(result.bytes).toBe(files.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0));
    expect(files).toEqual(expect.arrayContaining(['SHA256SUMS', 'manifest.json', 'run-record.json', 'report.html', 'report.pdf', 'report.csv']));
    expect(files.filter((f) => f.startsWith('cloudtrail/AWSLogs/')).length).toBeGreaterThan(0);
    // The PDF in the bundle is the desktop window's print, and the seal lists every other file.
    expect(readFileSync(join(folder, 'report.pdf'))).toEqual(PRINTED);
    expect(createHash('sha256').update(readFileSync(join(folder, 'SHA256SUMS'))).digest('hex')).toBe(result.sealSha256);
    expect(await verifyBundle(folder)).toMatchObject({ ok: true, checked: files.length - 1 });
    // Exported again over it, the earlier bundle is replaced; a folder of the user's own files is refused.
    expect(await exportVia(new DesktopStandIn(folder), { format: 'bundle', saveAs: true })).toMatchObject({ ok: true });
    expect(await exportVia(new DesktopStandIn(join(saveDir, 'my-documents')), { format: 'bundle', saveAs: true })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('already holds other files') } });
  });

  it('an unknown run is refused before any save dialog opens', async () => {
    const desktop = new DesktopStandIn(join(saveDir, 'x.json'));
    const out = await callApi(ctx(desktop), 'reports:export', { runId: 'no-such-run', format: 'json', saveAs: true });
    expect(out).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(desktop.asked).toEqual([]);
  });
});
