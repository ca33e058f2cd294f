import { escapeHtml } from './html/html-template';

/**
 * The printed page of a PDF report, shared by both printers — headless Chromium for the CLI and the
 * web bridge, Electron's printToPDF in the desktop window — so a report looks the same whichever
 * printed it: A4, backgrounds on, and a footer with the run and the page number.
 */
export const PDF_MARGINS_MM = { top: 14, bottom: 16, left: 12, right: 12 } as const;

/** Chromium prints its own header (date and title) unless given an empty one. */
export const PDF_HEADER_TEMPLATE = '<span></span>';

/** The footer of every page: `footer` on the left, "page N of M" on the right (Chromium fills the classes in). */
export function pdfFooterTemplate(footer: string): string {
  return `<div style="width:100%;font-size:8px;color:#6b7280;padding:0 ${PDF_MARGINS_MM.left}mm;display:flex;justify-content:space-between;font-family:sans-serif"><span>${escapeHtml(footer)}</span><span>page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;
}
