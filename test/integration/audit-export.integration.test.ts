import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { cloudTrailLogRecords } from '../../src-main/audit/cloudtrail-log-file';
import type { EventStore, ScanQuery } from '../../src-main/audit/event-store';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';

const SAMPLES = join(import.meta.dirname, '../../resources/sample-cloudtrail');
/** CloudTrail's own key layout and file name, as Athena partition projection and CloudTrail Lake expect them. */
const S3_KEY = /^AWSLogs\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$/;

let dir: string;
let store: SqliteEventStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-export-'));
  store = SqliteEventStore.open(join(dir, 'events.sqlite'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const readLog = (file: string) => JSON.parse(gunzipSync(readFileSync(join(dir, 'out', file))).toString('utf8')) as { Records: CloudTrailRecord[] };

describe('exporting CloudTrail log files', () => {
  it('writes files that import back into identical records', async () => {
    await importCloudTrailLogs(store, SAMPLES);
    const synthetic = [...syntheticKmsEvents({ count: 3_000, start: Date.UTC(2026, 0, 15, 20), durationMs: 8 * 3_600_000, seed: 11 })];
    store.append(synthetic.map((record, i) => ({ record, runId: i % 3 ? 'drill-1' : undefined })));
    const report = await exportCloudTrailLogs(store, join(dir, 'out'), { maxRecordsPerFile: 400 });
    expect(report.records).toBe(3_011);

    const reimported = SqliteEventStore.open(join(dir, 'again.sqlite'));
    try {
      expect(await importCloudTrailLogs(reimported, join(dir, 'out'))).toMatchObject({ files: report.files.length, imported: 3_011, duplicates: 0, failed: [] });
      expect(reimported.scan({ limit: 100_000 }).events.map((e) => e.record)).toEqual(store.scan({ limit: 100_000 }).events.map((e) => e.record));
    } finally {
      reimported.close();
    }
  });

  it('lays files out by account, region and day under S3 keys CloudTrail would use, oldest first, split at the size limit', async () => {
    const synthetic = [...syntheticKmsEvents({ count: 2_000, start: Date.UTC(2026, 0, 15, 22), durationMs: 4 * 3_600_000, regions: ['us-east-1', 'eu-west-1'], seed: 5 })];
    store.append(synthetic.map((record) => ({ record })));
    const report = await exportCloudTrailLogs(store, join(dir, 'out'), { maxRecordsPerFile: 300 });
    const perGroup = new Map<string, number>();
    for (const file of report.files) {
      const m = S3_KEY.exec(file);
      expect(m, file).not.toBeNull();
      const [, account, region, y, mo, d, stampDay, stampTime] = m!;
      const { Records } = readLog(file);
      expect(Records.length).toBeGreaterThan(0);
      expect(Records.length).toBeLessThanOrEqual(300);
      for (const r of Records) {
        expect([r.recipientAccountId, r.awsRegion, r.eventTime.slice(0, 10)]).toEqual([account, region, `${y}-${mo}-${d}`]);
      }
      const times = Records.map((r) => Date.parse(r.eventTime));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(`${stampDay}T${stampTime}`).toBe(Records[Records.length - 1]!.eventTime.slice(0, 16).replace(/[-:]/g, ''));
      perGroup.set(`${region}/${y}${mo}${d}`, (perGroup.get(`${region}/${y}${mo}${d}`) ?? 0) + Records.length);
    }
    expect([...perGroup.keys()].sort()).toEqual(['eu-west-1/20260115', 'eu-west-1/20260116', 'us-east-1/20260115', 'us-east-1/20260116']);
    expect([...perGroup.values()].reduce((a, b) => a + b, 0)).toBe(2_000);
  });

  it('exports only the events of one drill run when asked', async () => {
    const synthetic = [...syntheticKmsEvents({ count: 600, start: Date.UTC(2026, 0, 15, 9), durationMs: 3_600_000, seed: 9 })];
    store.append(synthetic.map((record, i) => ({ record, runId: i < 200 ? 'run-a' : i < 400 ? 'run-b' : undefined })));
    const report = await exportCloudTrailLogs(store, join(dir, 'out'), { runId: 'run-b' });
    const exported = report.files.flatMap((f) => readLog(f).Records.map((r) => r.eventID)).sort();
    expect(exported).toEqual(synthetic.slice(200, 400).map((r) => r.eventID).sort());
    expect((await exportCloudTrailLogs(store, join(dir, 'none'), { runId: 'never-ran' })).files).toEqual([]);
  });

  // A trial's export of 2,000,000 records held every account's and region's records of a day until it
  // wrote them (1.6 GB), and a file is JSON.stringify'd whole: past V8's longest string, it threw.
  it('writes a file larger than one string, a record at a time', async () => {
    const policy = 'P'.repeat(1_000_000);
    const [template] = [...syntheticKmsEvents({ count: 1, start: Date.UTC(2026, 0, 15, 9), durationMs: 1_000, seed: 3 })];
    const count = 560; // 560 MB of JSON in one file: more than the 512 MiB a string may hold
    // Scanned from a store as the export reads one; the records share their large value, so the test holds one.
    const big: Pick<EventStore, 'scan'> = {
      scan: ({ after }: ScanQuery) => {
        const from = after ?? 0;
        const to = Math.min(count, from + 50);
        const events = Array.from({ length: to - from }, (_, i) => ({ record: { ...template!, eventID: `big-${from + i}`, requestParameters: { keyId: 'k', policy } }, runId: undefined }));
        return { events, next: to < count ? to : undefined };
      },
    };
    const report = await exportCloudTrailLogs(big as EventStore, join(dir, 'out'));
    expect(report).toMatchObject({ records: count, unchanged: 0, others: 0 });
    expect(report.files).toHaveLength(1);
    let read = 0;
    for await (const { record } of cloudTrailLogRecords(join(dir, 'out', report.files[0]!))) {
      expect(record.eventID).toBe(`big-${read++}`);
      expect((record.requestParameters as { policy: string }).policy.length).toBe(1_000_000);
    }
    expect(read).toBe(count);
    // Written beside its final name and renamed: nothing else is left in the folder.
    expect(readdirSync(join(dir, 'out', report.files[0]!, '..'))).toHaveLength(1);
  }, 60_000);

  it('leaves no half-written file behind when the store fails part-way', async () => {
    const synthetic = [...syntheticKmsEvents({ count: 1_200, start: Date.UTC(2026, 0, 15, 9), durationMs: 3_600_000, regions: ['us-east-1', 'eu-west-1'], seed: 4 })];
    store.append(synthetic.map((record) => ({ record })));
    let pages = 0;
    const failing: Pick<EventStore, 'scan'> = {
      scan: (query: ScanQuery) => {
        if (++pages === 3) throw new Error('database disk image is malformed');
        return store.scan({ ...query, limit: 500 });
      },
    };
    await expect(exportCloudTrailLogs(failing as EventStore, join(dir, 'out'))).rejects.toThrow('database disk image is malformed');
    const left = readdirSync(join(dir, 'out'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(left).toEqual([]);
  });
});
