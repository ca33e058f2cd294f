import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { BatchedIngest, DuplicateEventsError } from '../../src-main/audit/batched-ingest';
import { importCloudTrailLogs } from '../../src-main/audit/cloudtrail-file-import';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { sampleObservations } from '../support/audit-observations';
import { startKms } from '../support/kms-harness';

const START = Date.UTC(2026, 2, 1, 12);
const HOUR = 3_600_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-observations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** How KeyDrill before schema 2 recorded a call refused by an outage: a CloudTrail-shaped record marked as never having reached KMS. */
function legacyClientSide(base: CloudTrailRecord, i: number): CloudTrailRecord {
  return {
    ...base,
    eventID: `11111111-2222-4333-8444-${String(i).padStart(12, '0')}`,
    eventName: 'Decrypt',
    errorCode: i % 2 ? 'NetworkingError' : 'TimeoutError',
    errorMessage: i % 2 ? 'connect ECONNREFUSED: the KMS endpoint in us-east-1 is unreachable (regional outage)' : 'socket hang up',
    responseElements: null,
    additionalEventData: { keydrillClientSide: true, reachedKms: false },
  };
}

describe('client-side observations in a store file', () => {
  it('a store written before observations existed moves its client-side records to the observations on opening: nothing lost, and every count agrees with the records that remain', () => {
    const file = join(dir, 'events.sqlite');
    const real = [...syntheticKmsEvents({ count: 2_000, start: START, durationMs: HOUR, seed: 21 })];
    const legacy = real.filter((_, i) => i % 25 === 0).map((r, i) => legacyClientSide(r, i));
    // Write them as the old version did: all in the events table (this version would keep them apart,
    // so they go in under another marker that is then renamed), then take the file back to schema 1.
    const disguised = legacy.map((r) => ({ ...r, additionalEventData: { keydrillClientSide: true, reachedKmsThen: false } }));
    const old = SqliteEventStore.open(file);
    old.append([...real, ...disguised].sort((a, b) => a.eventTime.localeCompare(b.eventTime)).map((record) => ({ record, runId: 'run-old' })));
    old.close();
    const db = new Database(file);
    db.exec(`UPDATE events SET body = replace(body, '"reachedKmsThen":false', '"reachedKms":false');
      DROP TABLE observations; DROP TABLE observation_counts;`);
    db.pragma('user_version = 1');
    db.close();

    const store = SqliteEventStore.open(file);
    try {
      expect(store.count()).toBe(real.length);
      expect(store.countObservations('run-old')).toBe(legacy.length);
      const moved = store.observations({ runId: 'run-old', order: 'oldest', maxResults: 1_000 }).observations.map((o) => o.observation);
      expect(moved.map((o) => o.observationId).sort()).toEqual(legacy.map((r) => r.eventID).sort());
      const first = moved.find((o) => o.observationId === legacy[1]!.eventID)!;
      expect(first).toMatchObject({ operation: 'Decrypt', errorCode: 'NetworkingError', cause: 'injected-outage', region: legacy[1]!.awsRegion });
      expect(moved.find((o) => o.observationId === legacy[0]!.eventID)).toMatchObject({ errorCode: 'TimeoutError', cause: 'timeout' });

      const stored = store.scan({ runId: 'run-old', limit: 10_000 }).events.map((e) => e.record);
      expect(stored.some((r) => (r.additionalEventData as { reachedKms?: boolean } | undefined)?.reachedKms === false)).toBe(false);
      for (const by of ['eventName', 'region', 'errorCode'] as const) {
        const counted = store.aggregate({ by, startTime: START, endTime: START + HOUR, bucketMs: 60 * 60_000, runId: 'run-old' }).reduce((n, r) => n + r.calls, 0);
        expect(counted).toBe(by === 'errorCode' ? real.filter((r) => r.errorCode).length : real.length);
      }
      expect(store.observationCounts({ by: 'cause', startTime: START, endTime: START + HOUR, bucketMs: 60 * 60_000 }).reduce((n, r) => n + r.calls, 0)).toBe(legacy.length);
    } finally {
      store.close();
    }
  });

  it('the batched ingest writes observations on the store\'s writer thread, and a drill\'s observation already stored makes the flush fail naming it', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const observed = sampleObservations(400, 8);
      const ingest = new BatchedIngest(store, { maxBatch: 150, onProblem: () => undefined });
      for (const o of observed) ingest.observe(o, 'run-t');
      await ingest.flush();
      expect(store.countObservations('run-t')).toBe(400);
      ingest.observe(observed[7]!, 'run-t');
      await expect(ingest.flush()).rejects.toThrow(DuplicateEventsError);
      await ingest.close();
      expect(ingest.stats()).toMatchObject({ observed: 401, observationsInserted: 400, observationDuplicates: 1 });
      expect(store.observations({ runId: 'run-t', order: 'oldest', maxResults: 500 }).observations.map((o) => o.observation)).toEqual(observed);
    } finally {
      store.close();
    }
  });

  it('CloudTrail LookupEvents answered from the store never serves an observation', async () => {
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    const h = await startKms({ eventStore: store });
    const admin = h.kms.identity('admin');
    const client = new CloudTrailClient({ endpoint: h.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey } });
    try {
      const records = [...syntheticKmsEvents({ count: 120, start: START, durationMs: HOUR, regions: ['us-east-1'], seed: 5 })];
      const observed = sampleObservations(80, 6).map((o) => ({ ...o, region: 'us-east-1' }));
      store.append(records.map((record) => ({ record })), { observations: observed.map((observation) => ({ observation })) });
      const ids: string[] = [];
      let NextToken: string | undefined;
      do {
        const page = await client.send(new LookupEventsCommand({ StartTime: new Date(START), EndTime: new Date(START + HOUR), MaxResults: 50, NextToken }));
        ids.push(...(page.Events ?? []).map((e) => e.EventId!));
        NextToken = page.NextToken;
      } while (NextToken);
      expect(ids.sort()).toEqual(records.map((r) => r.eventID).sort());
      const byId = await client.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventId', AttributeValue: observed[0]!.observationId }] }));
      expect(byId.Events).toEqual([]);
    } finally {
      client.destroy();
      await h.close();
      store.close();
    }
  });

  it('a log file an older KeyDrill exported imports its calls that never reached KMS as observations, not as CloudTrail records', async () => {
    const real = [...syntheticKmsEvents({ count: 300, start: START, durationMs: HOUR, seed: 31 })];
    const legacy = real.filter((_, i) => i % 10 === 0).map((r, i) => legacyClientSide(r, i + 100));
    const file = join(dir, 'old-export.json.gz');
    writeFileSync(file, gzipSync(JSON.stringify({ Records: [...real, ...legacy] })));
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const report = await importCloudTrailLogs(store, file);
      expect(report).toMatchObject({ files: 1, imported: real.length, duplicates: 0, observations: legacy.length, failed: [] });
      expect(store.count()).toBe(real.length);
      expect(store.countObservations()).toBe(legacy.length);
      const ids = new Set(legacy.map((r) => r.eventID));
      expect(store.scan({ limit: 1_000 }).events.some((e) => ids.has(e.record.eventID))).toBe(false);
      // Imported again: both kinds are re-deliveries, counted as duplicates, stored once.
      const again = await importCloudTrailLogs(store, file);
      expect(again).toMatchObject({ imported: 0, duplicates: real.length + legacy.length, observations: 0 });
      expect(store.countObservations()).toBe(legacy.length);
    } finally {
      store.close();
    }
  });
});
