import { app, dialog, type BrowserWindow, type FileFilter, type SaveDialogOptions } from 'electron';
import { join } from 'node:path';
import type { ReportFormat } from '../../src-shared/api';
import type { DesktopShell } from '../app/desktop-shell';
import { printHtmlInHiddenWindow } from './pdf-printer';

/** Save dialog wording per format; `cloudtrail` and `bundle` name a folder the files go into. */
const SAVE_DIALOGS: Record<ReportFormat, { title: string; filters: FileFilter[] }> = {
  html: { title: 'Export Report as HTML', filters: [{ name: 'HTML report', extensions: ['html'] }] },
  pdf: { title: 'Export Report as PDF', filters: [{ name: 'PDF report', extensions: ['pdf'] }] },
  json: { title: 'Export Run Record as JSON', filters: [{ name: 'JSON run record', extensions: ['json'] }] },
  csv: { title: 'Export Report as CSV', filters: [{ name: 'CSV report', extensions: ['csv'] }] },
  cloudtrail: { title: 'Export CloudTrail Log Files into a New Folder', filters: [] },
  bundle: { title: 'Export a Sealed Audit Bundle into a New Folder', filters: [] },
};

/** The services' view of the desktop window: its native save and folder dialogs and its printToPDF. */
export function createDesktopShell(window: BrowserWindow): DesktopShell {
  return {
    async chooseSavePath(suggestedName, format) {
      const { title, filters } = SAVE_DIALOGS[format];
      const options: SaveDialogOptions = {
        title,
        defaultPath: join(app.getPath('documents'), suggestedName),
        filters,
        properties: ['createDirectory', 'showOverwriteConfirmation'],
        ...(format === 'cloudtrail' ? { buttonLabel: 'Export', message: 'The log files go under AWSLogs/ in this folder: a new one, an empty one, or an earlier export to replace.' } : {}),
        ...(format === 'bundle' ? { buttonLabel: 'Export', message: 'Every report, the CloudTrail logs and a SHA256SUMS seal go into this folder: a new one, an empty one, or an earlier bundle to replace.' } : {}),
      };
      const chosen = await dialog.showSaveDialog(window, options);
      return chosen.canceled || !chosen.filePath ? undefined : chosen.filePath;
    },
    async chooseFolder(title, buttonLabel) {
      const chosen = await dialog.showOpenDialog(window, { title, buttonLabel, defaultPath: app.getPath('documents'), properties: ['openDirectory'] });
      return chosen.canceled ? undefined : chosen.filePaths[0];
    },
    printPdf: (html, footer) => printHtmlInHiddenWindow(html, footer),
  };
}
