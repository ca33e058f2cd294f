import { extname } from 'node:path';
import type { FullRunRecord } from '../../src-shared/run-record';
import { csvReportChunks } from './csv-report';
import { renderHtmlReport } from './html-report';
import { jsonReportChunks } from './json-report';
import { ReportError } from './report-error';
import { writeFileAtomically, type WrittenFile } from './report-file';
import type { RunSource } from './run-source';
import { checkedSource } from './valid-record';

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

/** The HTML report printed to PDF by the desktop window's printer or headless Chromium. */
export async function renderPdfReport(input: RunSource | FullRunRecord, pdf: PdfOptions = {}): Promise<Buffer> {
  const source = checkedSource(input);
  const html = renderHtmlReport(source);
  return printReport(html, pdf.footer ?? `KeyDrill · ${source.head.scenario.title} · ${source.head.execution.runId}`, pdf);
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
  /** SHA-256 of the bytes written (for a manifest). */
  sha256: string;
}

/**
 * Writes the report of a run to `file`, in the format its extension names. JSON and CSV stream
 * from the source (the head, then the timeline and the frames as the run store yields them), so a
 * run too large for one string still exports; HTML and PDF are bounded by design (see
 * html/report-limits.ts). The head is validated before anything touches the disk, each entry as it
 * is written; the file goes to a temporary name beside the target, flushed and renamed over it —
 * so a failed export leaves either the previous file or nothing, never half a report.
 */
export async function writeReport(input: RunSource | FullRunRecord, file: string, pdf: PdfOptions = {}): Promise<WrittenReport> {
  const format = reportFormatFor(file);
  const source = checkedSource(input);
  const what = `${format} report`;
  let written: WrittenFile;
  switch (format) {
    case 'json': written = await writeFileAtomically(file, jsonReportChunks(source), what); break;
    case 'csv': written = await writeFileAtomically(file, csvReportChunks(source), what); break;
    case 'html': written = await writeFileAtomically(file, [renderHtmlReport(source)], what); break;
    case 'pdf': written = await writeFileAtomically(file, [await renderPdfReport(source, pdf)], what); break;
  }
  return { file, format, bytes: written.bytes, sha256: written.sha256 };
}
