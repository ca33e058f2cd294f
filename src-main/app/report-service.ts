import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ExportedReport, ExportOutcome, ReportFormat } from '../../src-shared/api';
import type { RunSource } from '../report/run-source';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import { exportObservations } from '../audit/observation-export';
import type { EventStore } from '../audit/event-store';
import { writeAuditBundle } from '../report/audit-bundle';
import { ReportError } from '../report/report-error';
import { swapFolder } from '../report/report-file';
import { writeReport } from '../report/write-report';
import { AppError } from './app-error';
import type { DesktopShell } from './desktop-shell';
import type { RunService } from './run-service';

export interface ExportOptions {
  /** Ask where to save with the desktop window's save dialog; without a desktop shell it is ignored. */
  saveAs?: boolean;
  /** The desktop window's save dialog and PDF printer; absent in the CLI and the web bridge. */
  desktop?: DesktopShell | undefined;
}

/**
 * Exports a saved run: a report file (HTML, PDF, JSON, CSV) named after the run, or its CloudTrail
 * records as log files in the S3 AWSLogs/ layout under a folder. They land in <data folder>/reports,
 * or where the user chose in the desktop window's save dialog. Either way nothing half-written is
 * ever left where the user looks: files and folders are built aside and renamed into place.
 */
export class ReportService {
  constructor(readonly dir: string, private readonly runs: RunService, private readonly store: () => EventStore) {}

  async export(runId: string, format: ReportFormat, options: ExportOptions = {}): Promise<ExportOutcome> {
    // An unknown run fails before any dialog opens.
    this.runs.get(runId);
    const target = await this.target(runId, format, options);
    if (target === undefined) return { cancelled: true };
    const exported = format === 'cloudtrail' ? await this.exportTrail(runId, target)
      : format === 'bundle' ? await this.exportBundle(runId, target, options.desktop)
        : await this.exportReport(this.runs.source(runId, this.store()), target, options.desktop);
    return { ...exported, cancelled: false };
  }

  /** Where the export goes; undefined when the user closed the save dialog. */
  private async target(runId: string, format: ReportFormat, { saveAs, desktop }: ExportOptions): Promise<string | undefined> {
    const suggested = format === 'cloudtrail' ? `${runId}-cloudtrail` : format === 'bundle' ? `${runId}-audit` : `${runId}.${format}`;
    if (saveAs && desktop) {
      const chosen = await desktop.chooseSavePath(suggested, format);
      if (chosen === undefined) return undefined;
      return format === 'cloudtrail' || format === 'bundle' ? chosen : withExtension(chosen, format);
    }
    mkdirSync(this.dir, { recursive: true });
    return join(this.dir, suggested);
  }

  private async exportReport(record: RunSource, file: string, desktop: DesktopShell | undefined): Promise<ExportedReport> {
    // The desktop window prints with its own Chromium; elsewhere writeReport prints headless.
    const printPdf = desktop ? (html: string, footer: string) => desktop.printPdf(html, footer) : undefined;
    const written = await writeReport(record, file, { printPdf });
    return { format: written.format, path: written.file, bytes: written.bytes, files: 1 };
  }

  /**
   * A sealed audit bundle: the run record, HTML, PDF and CSV reports, the run's CloudTrail log files
   * and client-side observations from the event store,
   * manifest.json and SHA256SUMS (see src-main/report/audit-bundle.ts), in a folder.
   */
  private async exportBundle(runId: string, folder: string, desktop: DesktopShell | undefined): Promise<ExportedReport> {
    const printPdf = desktop ? (html: string, footer: string) => desktop.printPdf(html, footer) : undefined;
    const out = await writeAuditBundle(this.runs.source(runId, this.store()), folder, { printPdf, exportCloudTrail: (dir) => exportCloudTrailLogs(this.store(), dir, { runId }), exportObservations: (file) => exportObservations(this.store(), file, runId) }).catch((err: unknown) => {
      // A folder chosen in the save dialog that holds another run's bundle or other files is the user's to change.
      if (err instanceof ReportError && err.code === 'bad-destination') throw new AppError('bad-request', err.message);
      throw err;
    });
    // files: every file the seal lists, and the seal itself.
    return { format: 'bundle', path: folder, bytes: out.bytes, files: out.files.length + 1, sealSha256: out.sealSha256, notes: out.notes };
  }

  /** The run's CloudTrail records as log files, written into a hidden folder beside `folder`, then renamed to it. */
  private async exportTrail(runId: string, folder: string): Promise<ExportedReport> {
    const temp = join(dirname(folder), `.${basename(folder)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const out = await exportCloudTrailLogs(this.store(), temp, { runId });
      if (out.files.length === 0) throw new AppError('not-found', `The event store holds no CloudTrail records of ${runId} (was it run on another machine?).`);
      let bytes = 0;
      for (const file of out.files) bytes += (await stat(join(temp, file))).size;
      await replaceFolder(temp, folder);
      return { format: 'cloudtrail', path: folder, bytes, files: out.files.length };
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
}

/**
 * Save dialogs on Linux do not add the extension of the chosen filter, and writeReport tells the
 * format by the extension: a name without the right one gets it.
 */
function withExtension(file: string, format: Exclude<ReportFormat, 'cloudtrail' | 'bundle'>): string {
  return extname(file).toLowerCase() === `.${format}` ? file : `${file}.${format}`;
}

/**
 * Puts the finished folder `from` at `to`. An existing `to` is replaced only when it is empty or
 * holds nothing but an earlier export's AWSLogs/ tree: a folder typed into a save dialog may be one
 * the user keeps other files in, and those are neither deleted nor mixed with log files.
 */
async function replaceFolder(from: string, to: string): Promise<void> {
  const existing = await readdir(to).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new AppError('failed', `${to} is a file: CloudTrail logs are exported into a folder, so choose a folder name.`);
    throw err;
  });
  if (existing === undefined) {
    await rename(from, to);
    return;
  }
  if (existing.some((name) => name !== 'AWSLogs')) {
    throw new AppError('failed', `${to} already holds other files: CloudTrail logs are exported into a new or empty folder (or over an earlier export), so choose another folder name.`);
  }
  await swapFolder(from, to);
}
