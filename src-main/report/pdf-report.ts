import { CHROMIUM_ARGS, requireChromium } from './chromium-path';
import { escapeHtml } from './html/html-template';
import { ReportError } from './report-error';

export interface PdfOptions {
  /** A Chromium binary; looked for as chromiumPath() does when omitted. */
  executablePath?: string;
  /** Printed in every page's footer beside the page number, e.g. the run id. */
  footer?: string;
}

/**
 * Prints a report's HTML to PDF with headless Chromium (through playwright-core). Only printing
 * lives here: the HTML comes from renderHtmlReport, which the desktop app prints with Electron's
 * printToPDF instead. Every network request is refused while printing — the report needs none.
 */
export async function printHtmlToPdf(html: string, options: PdfOptions = {}): Promise<Buffer> {
  const executablePath = options.executablePath ?? requireChromium();
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (err) {
    throw new ReportError('print-failed', `Chromium at ${executablePath} did not start: ${firstLine(err)}. Install Chromium or set CHROMIUM_PATH.`, { cause: err });
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="width:100%;font-size:8px;color:#6b7280;padding:0 12mm;display:flex;justify-content:space-between;font-family:sans-serif"><span>${escapeHtml(options.footer ?? 'KeyDrill report')}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
    });
  } catch (err) {
    throw new ReportError('print-failed', `Chromium could not print the report: ${firstLine(err)}`, { cause: err });
  } finally {
    await browser.close();
  }
}

/** Playwright's errors carry a call log after the first line; the first line is the reason. */
function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
