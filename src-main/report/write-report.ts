import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { FullRunRecord } from '../../src-shared/run-record';
import { renderCsvReport } from './csv-report';
import { renderHtmlReport } from './html-report';
import { renderJsonReport } from './json-report';
import { ReportError } from './report-error';

export const REPORT_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The format a file name asks for, by its extension (any case); a ReportError listing the formats otherwise. */
export function reportFormatFor(file: string): ReportFormat {
  const ext = extname(file).slice(1).toLowerCase();
  const format = REPORT_FORMATS.find((f) => f === ext);
  if (!format) {
    throw new ReportError('unknown-format', `Cannot tell the report format of "${file}": its name must end in ${REPORT_FORMATS.map((f) => `.${f}`).join(', ')}.`);
  }
  return format;
}

/** Prints a self-contained HTML page to PDF; `footer` goes on every page beside the page number. */
export type PdfPrinter = (html: string, footer: string) => Promise<Buffer>;

export interface PdfOptions {
  /**
   * Who prints: the desktop window passes Electron's printToPDF. Without one, headless Chromium
   * prints (the CLI and the web bridge), loaded only then.
   */
  printPdf?: PdfPrinter | undefined;
  /** For the headless printer: a Chromium binary, else looked for as chromiumPath() does. */
  executablePath?: string | undefined;
  /** The footer text; by default the scenario title and the run id. */
  footer?: string | undefined;
}

/** The bytes of a report in one format. */
export async function renderReport(record: FullRunRecord, format: ReportFormat, pdf: PdfOptions = {}): Promise<Buffer> {
  switch (format) {
    case 'html': return Buffer.from(renderHtmlReport(record), 'utf8');
    case 'json': return Buffer.from(renderJsonReport(record), 'utf8');
    case 'csv': return Buffer.from(renderCsvReport(record), 'utf8');
    case 'pdf': return printReport(renderHtmlReport(record), pdf.footer ?? `KeyDrill · ${record.scenario.title} · ${record.execution.runId}`, pdf);
  }
}

async function printReport(html: string, footer: string, options: PdfOptions): Promise<Buffer> {
  const print = options.printPdf ?? (await headlessPrinter(options.executablePath));
  let bytes: Buffer;
  try {
    bytes = await print(html, footer);
  } catch (err) {
    if (err instanceof ReportError) throw err;
    throw new ReportError('print-failed', `The report could not be printed to PDF: ${(err as Error).message}`, { cause: err });
  }
  // A printer that answered something else must not leave a .pdf that no reader opens.
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new ReportError('print-failed', 'The PDF printer returned something that is not a PDF file.');
  return bytes;
}

/**
 * Imported on the first PDF only, and never by the desktop window, which always passes its own
 * printer: its bundle leaves the headless browser driver out (see electron.vite.config.ts).
 */
async function headlessPrinter(executablePath: string | undefined): Promise<PdfPrinter> {
  const { printHtmlToPdf } = await import('./pdf-report');
  return (html, footer) => printHtmlToPdf(html, { executablePath, footer });
}

export interface WrittenReport {
  file: string;
  format: ReportFormat;
  bytes: number;
}

/**
 * Writes the report for `record` to `file`, in the format its extension names. The record is
 * validated and the whole report rendered before anything touches the disk; then it goes to a
 * temporary file beside the target, flushed and renamed over it — so a failed export leaves either
 * the previous file or nothing, never half a report.
 */
export async function writeReport(record: FullRunRecord, file: string, pdf: PdfOptions = {}): Promise<WrittenReport> {
  const format = reportFormatFor(file);
  // Each renderer validates the record first, so nothing below runs for an invalid one.
  const bytes = await renderReport(record, format, pdf);
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw new ReportError('write-failed', `Could not write the ${format} report to ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { file, format, bytes: bytes.length };
}
