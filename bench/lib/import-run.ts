/**
 * One import in a process of its own, so its peak memory is its own: `tsx bench/lib/import-run.ts
 * <log file> <event store file>` imports the file as `keydrill audit import` does and prints one JSON
 * line of measurements.
 */
import { resourceUsage } from 'node:process';
import { importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';

export interface ImportMeasurement {
  imported: number;
  wallMs: number;
  peakRssMiB: number;
}

const [file, storeFile] = process.argv.slice(2) as [string, string];
const store = SqliteEventStore.open(storeFile);
const started = performance.now();
const report = await importCloudTrailLogs(store, file);
const wallMs = performance.now() - started;
store.close();
if (report.failed.length) throw new Error(report.failed.map((f) => f.error).join('\n'));
console.log(JSON.stringify({ imported: report.imported, wallMs, peakRssMiB: resourceUsage().maxRSS / 1024 } satisfies ImportMeasurement));
