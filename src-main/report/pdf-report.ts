import { CHROMIUM_ARGS, requireChromium } from './chromium-path';
import { PDF_HEADER_TEMPLATE, PDF_MARGINS_MM, pdfFooterTemplate } from './pdf-page';
import { ReportError } from './report-error';

export interface HeadlessPdfOptions {
  /** A Chromium binary; looked for as chromiumPath() does when omitted. */
  executablePath?: string | undefined;
  /** Printed in every page's footer beside the page number, e.g. the run id. */
  footer?: string | undefined;
}

/**
 * Prints a report's HTML to PDF with headless Chromium through playwright-core: the printer of the
 * CLI and the web bridge. The desktop window brings its own (Electron's printToPDF) and never
 * loads this module, so its bundle leaves playwright-core out. Every network request is refused
 * while printing — the report needs none.
 */
export async function printHtmlToPdf(html: string, options: HeadlessPdfOptions = {}): Promise<Buffer> {
  const executablePath = options.executablePath ?? requireChromium();
  const chromium = await loadChromium();
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
    const mm = (n: number) => `${n}mm`;
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      margin: { top: mm(PDF_MARGINS_MM.top), bottom: mm(PDF_MARGINS_MM.bottom), left: mm(PDF_MARGINS_MM.left), right: mm(PDF_MARGINS_MM.right) },
      displayHeaderFooter: true,
      headerTemplate: PDF_HEADER_TEMPLATE,
      footerTemplate: pdfFooterTemplate(options.footer ?? 'KeyDrill report'),
    });
  } catch (err) {
    throw new ReportError('print-failed', `Chromium could not print the report: ${firstLine(err)}`, { cause: err });
  } finally {
    await browser.close();
  }
}

/** playwright-core is a development dependency: an install without it can still export every other format. */
async function loadChromium() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (err) {
    throw new ReportError('no-chromium', `PDF export prints with headless Chromium through playwright-core, which is not installed here (${firstLine(err)}): run npm install, or export HTML and print it from a browser.`, { cause: err });
  }
}

/** Playwright's errors carry a call log after the first line; the first line is the reason. */
function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
}
