import { BrowserWindow, session, type Session } from 'electron';
import { randomUUID } from 'node:crypto';
import { PDF_HEADER_TEMPLATE, PDF_MARGINS_MM, pdfFooterTemplate } from '../report/pdf-page';

/**
 * Prints a report's self-contained HTML to PDF with the app's own Chromium (webContents.printToPDF),
 * so the desktop app needs no second browser. The page is served from memory on a private scheme
 * rather than as a data: URL, because Chromium refuses URLs over 2 MiB and a long drill's report
 * is larger. It loads into a hidden window of its own in-memory session where nothing else is
 * served: JavaScript off, no preload, every other request cancelled, no navigation, no permissions,
 * and a CSP that allows only inline styles and data: images.
 */
const SCHEME = 'keydrill-print';
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";
const INCH_MM = 25.4;

/** Pages being printed, by id: the scheme serves these and nothing else. */
const documents = new Map<string, string>();
const documentId = (url: string): string | undefined => (url.startsWith(`${SCHEME}:`) ? /([0-9a-f-]{36})\.html$/.exec(url)?.[1] : undefined);
let printSession: Session | undefined;

export async function printHtmlInHiddenWindow(html: string, footer: string): Promise<Buffer> {
  const id = randomUUID();
  const url = `${SCHEME}://report/${id}.html`;
  documents.set(id, html);
  const window = new BrowserWindow({
    show: false,
    webPreferences: { session: printingSession(), sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false, webSecurity: true, spellcheck: false },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  try {
    await window.loadURL(url);
    return await window.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: PDF_HEADER_TEMPLATE,
      footerTemplate: pdfFooterTemplate(footer),
      // printToPDF takes inches.
      margins: {
        top: PDF_MARGINS_MM.top / INCH_MM,
        bottom: PDF_MARGINS_MM.bottom / INCH_MM,
        left: PDF_MARGINS_MM.left / INCH_MM,
        right: PDF_MARGINS_MM.right / INCH_MM,
      },
    });
  } finally {
    documents.delete(id);
    window.destroy();
  }
}

/** One session for all prints, set up on first use (a partition without "persist:" lives in memory only). */
function printingSession(): Session {
  if (printSession) return printSession;
  const ses = session.fromPartition('keydrill-print', { cache: false });
  ses.protocol.handle(SCHEME, (request) => {
    const id = documentId(request.url);
    const html = id === undefined ? undefined : documents.get(id);
    if (html === undefined) return new Response('', { status: 404 });
    return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP } });
  });
  // The report's own images are data: URLs; anything else it might name is refused.
  ses.webRequest.onBeforeRequest((details, respond) => {
    const id = documentId(details.url);
    respond({ cancel: !details.url.startsWith('data:') && !(id !== undefined && documents.has(id)) });
  });
  ses.setPermissionRequestHandler((_wc, _permission, allow) => allow(false));
  ses.setPermissionCheckHandler(() => false);
  printSession = ses;
  return ses;
}
