import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { AuditService } from '../../src-main/app/audit-service';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { isKeyOwnerCopy } from '../../src-main/kms/cloudtrail-cross-account';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

/** Every CloudTrail record a drill hands on, as the event store would receive them. */
class Collected implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(structuredClone(event));
  }
  observe(_observation: ClientObservation): void {}
}

const CUSTOMER = '111122223333';
const VENDOR = '444455556666';

describe('calls on a key of another account are written to both accounts, as CloudTrail does', () => {
  it("a vendor's calls on its customer's key reach the customer's trail too; denied ones only the vendor's", async () => {
    const sink = new Collected();
    const { record, full } = await runWhole(builtIn('vendor-iam-permission-revoke'), { eventSink: sink });
    const vendorCalls = sink.records.filter((r) => r.userIdentity.accountId === VENDOR && r.recipientAccountId === VENDOR);
    const customerCopies = sink.records.filter((r) => r.userIdentity.accountId === VENDOR && r.recipientAccountId === CUSTOMER);
    expect(vendorCalls.length).toBeGreaterThan(10);

    // The key is the customer's, whoever calls it.
    for (const r of sink.records) for (const res of r.resources ?? []) expect(res.accountId).toBe(CUSTOMER);

    // Refused for want of access: only the caller's account hears of it.
    const denied = vendorCalls.filter((r) => r.errorCode === 'AccessDeniedException');
    expect(denied.length).toBeGreaterThan(0);
    for (const r of denied) expect(r.sharedEventID).toBeUndefined();

    // Every other call: one record in each account, sharing sharedEventID, each with its own eventID.
    const shared = vendorCalls.filter((r) => r.errorCode !== 'AccessDeniedException');
    expect(shared.every((r) => typeof r.sharedEventID === 'string')).toBe(true);
    expect(customerCopies.map((r) => r.sharedEventID).sort()).toEqual(shared.map((r) => r.sharedEventID).sort());
    const byShared = new Map(shared.map((r) => [r.sharedEventID, r]));
    for (const copy of customerCopies) {
      const call = byShared.get(copy.sharedEventID);
      expect(copy.eventID).not.toBe(call?.eventID);
      expect({ ...copy, eventID: '', recipientAccountId: '' }).toEqual({ ...call, eventID: '', recipientAccountId: '' });
      expect(Object.keys(copy)).toEqual(Object.keys(call ?? {}));
      expect(isKeyOwnerCopy(copy)).toBe(true);
      expect(isKeyOwnerCopy(call as CloudTrailRecord)).toBe(false);
    }
    expect(new Set(sink.records.map((r) => r.eventID)).size).toBe(sink.records.length);

    // A copy is a record of the run, not a call: the counts agree with the records they count.
    expect(record.totals.keyOwnerCopies).toBe(customerCopies.length);
    expect(record.totals.kmsCalls).toBe(sink.records.filter((r) => r.eventType === 'AwsApiCall' && !isKeyOwnerCopy(r)).length);
    expect(record.eventCount).toBe(sink.records.length);
    expect(Object.values(record.totals.kmsCallsByRegion).reduce((a, b) => a + b, 0)).toBe(record.totals.kmsCalls);
    expect(record.totals.errorsByCode.AccessDeniedException).toBe(denied.length);
    // Whose trail holds how many: they add up to the run's records.
    expect(record.totals.recordsByAccount).toEqual({ [CUSTOMER]: sink.records.filter((r) => r.recipientAccountId === CUSTOMER).length, [VENDOR]: vendorCalls.length });
    expect(Object.values(record.totals.recordsByAccount).reduce((a, b) => a + b, 0)).toBe(record.eventCount);
    expect(renderHtmlReport(full)).toContain(`${CUSTOMER}: ${record.totals.recordsByAccount[CUSTOMER]} · ${VENDOR}: ${vendorCalls.length}`);
    // The report says how to recompute the digest over both accounts' folders.
    expect(renderHtmlReport(full)).toContain("Recompute it over the exported CloudTrail records of this run — every account's folder and every region's — taken in the run's own order");
    // The report says what the records beside the calls are.
    expect(renderHtmlReport(full)).toContain(`${record.totals.kmsCalls} KMS calls (CloudTrail records; besides them, ${customerCopies.length} delivered to the key owner&#39;s account for calls made from another account)`.replace(/^\d+ /, ''));
  });

  it('calls within one account have one record each and no sharedEventID', async () => {
    const sink = new Collected();
    const { record } = await runWhole(builtIn('revocation-and-restore'), { eventSink: sink });
    expect(sink.records.length).toBeGreaterThan(0);
    expect(sink.records.some((r) => r.sharedEventID !== undefined)).toBe(false);
    expect(record.totals.keyOwnerCopies).toBe(0);
  });

  it("the Audit table says whose trail each record is in and marks the key owner's copies", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-xacct-'));
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const ingest = new BatchedIngest(store);
      const { record } = await runWhole(builtIn('vendor-iam-permission-revoke'), { eventSink: ingest });
      await ingest.flush();
      await ingest.close();
      const audit = new AuditService(() => store);
      const rows = audit.lookup({ runId: record.execution.runId, maxResults: 1000 }).events;
      expect(rows).toHaveLength(record.eventCount);
      const copies = rows.filter((r) => r.keyOwnerCopy);
      expect(copies).toHaveLength(record.totals.keyOwnerCopies);
      expect(new Set(copies.map((r) => r.account))).toEqual(new Set([CUSTOMER]));
      // The vendor's own records are in the vendor's trail; the administrator's in the customer's.
      expect(rows.filter((r) => r.account === VENDOR).length).toBe(record.eventCount - rows.filter((r) => r.account === CUSTOMER).length);
      expect(rows.filter((r) => r.account === VENDOR && r.keyOwnerCopy)).toEqual([]);
      expect(rows.filter((r) => r.account === VENDOR).length).toBeGreaterThanOrEqual(copies.length);

      // The live chart of KMS calls counts each call once (callsOnly), as the run's totals do; the Audit chart counts every record.
      const range = { by: 'region' as const, runId: record.execution.runId, startTime: record.startTime, endTime: new Date(Date.parse(record.startTime) + 5 * 3_600_000).toISOString(), bucketMinutes: 15 };
      const sum = (r: { rows: { calls: number }[] }) => r.rows.reduce((n, x) => n + x.calls, 0);
      expect(sum(await audit.aggregate({ ...range, callsOnly: true }))).toBe(record.totals.kmsCalls);
      expect(sum(await audit.aggregate(range))).toBe(record.eventCount);
      expect(sum(await audit.aggregate({ ...range, by: 'eventName', attribute: { key: 'EventName', value: 'Decrypt' }, callsOnly: true }))).toBe(rows.filter((r) => r.eventName === 'Decrypt' && !r.keyOwnerCopy).length);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
