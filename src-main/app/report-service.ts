import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportedReport, ReportFormat } from '../../src-shared/api';
import { exportCloudTrailLogs } from '../audit/cloudtrail-export';
import type { EventStore } from '../audit/event-store';
import { writeReport } from '../report/write-report';
import type { RunService } from './run-service';

/**
 * Exports a saved run into <data folder>/reports: a report file (HTML, PDF, JSON, CSV) named after
 * the run, or its CloudTrail records as log files in the S3 AWSLogs/ layout under a folder.
 */
export class ReportService {
  constructor(private readonly dir: string, private readonly runs: RunService, private readonly store: () => EventStore) {}

  async export(runId: string, format: ReportFormat): Promise<ExportedReport> {
    const record = this.runs.get(runId);
    mkdirSync(this.dir, { recursive: true });
    if (format === 'cloudtrail') {
      const folder = join(this.dir, `${runId}-cloudtrail`);
      const out = await exportCloudTrailLogs(this.store(), folder, { runId });
      if (out.files.length === 0) throw new Error(`The event store holds no CloudTrail records of ${runId} (was it run on another machine?).`);
      const bytes = out.files.reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);
      return { format, path: folder, bytes, files: out.files.length };
    }
    const written = await writeReport(record, join(this.dir, `${runId}.${format}`));
    return { format, path: written.file, bytes: written.bytes, files: 1 };
  }
}
