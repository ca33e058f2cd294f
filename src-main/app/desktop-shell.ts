import type { ReportFormat } from '../../src-shared/api';

/**
 * What only the desktop window offers the services: native save and folder dialogs and Electron's
 * own PDF printer. The web bridge passes none, so exports land in <data folder>/reports and PDFs are
 * printed by headless Chromium.
 */
export interface DesktopShell {
  /** Asks the user where to save; undefined when the dialog is closed without a choice. */
  chooseSavePath(suggestedName: string, format: ReportFormat): Promise<string | undefined>;
  /** Asks the user to pick an existing folder (an audit bundle to verify); undefined when the dialog is closed without a choice. */
  chooseFolder(title: string, buttonLabel: string): Promise<string | undefined>;
  /** Prints a self-contained HTML page to PDF with the window's own Chromium (printToPDF). */
  printPdf(html: string, footer: string): Promise<Buffer>;
}
