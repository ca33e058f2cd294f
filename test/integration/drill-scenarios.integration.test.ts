import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src-main/drill/drill-runner';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';
import { renderJsonReport } from '../../src-main/report/json-report';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { builtIn, runWhole, withoutExecution } from '../support/drill-run';

/** The run's CloudTrail records as the event store would get them, in the run's order (record n is byNumber(n)). */
class RecordsByNumber implements CloudTrailSink {
  readonly records = new Map<string, CloudTrailRecord>();
  private readonly inOrder: CloudTrailRecord[] = [];
  record(event: CloudTrailRecord): void {
    this.inOrder.push(event);
    this.records.set(event.eventID, event);
  }
  observe(): void {}
  byNumber(n: number): CloudTrailRecord | undefined {
    return this.inOrder[n - 1];
  }
}

/** Every built-in scenario, on the real embedded KMS, reaches the verdicts its story promises. */
describe('the built-in scenarios pass on the embedded KMS', () => {
  for (const scenario of builtInScenarios()) {
    it(`${scenario.name}: ${scenario.title}`, async () => {
      const { record } = await runWhole(scenario);
      const failed = record.verdicts.filter((v) => !v.passed).map((v) => v.summary);
      expect(failed).toEqual([]);
      expect(record.verdicts.length).toBe(scenario.expectations.length);
      expect(record.eventCount).toBeGreaterThan(0);
      for (const v of record.verdicts) expect(v.summary.length).toBeGreaterThan(10);
    }, 60_000);
  }
});

describe('what the drills show', () => {
  it('the same scenario and seed give a byte-identical JSON report but for its execution part; each execution has its own run id and event ids', async () => {
    const scenario = builtIn('revocation-and-restore');
    const first = await runWhole(scenario);
    const second = await runWhole(scenario);
    expect(renderJsonReport(withoutExecution(second.full))).toBe(renderJsonReport(withoutExecution(first.full)));
    expect(second.record.execution.runId).not.toBe(first.record.execution.runId);
    expect(second.record.execution.label).toBe(first.record.execution.label);
    expect(second.record.execution.eventSetSha256).not.toBe(first.record.execution.eventSetSha256);
    const other = await runWhole(scenario, { seed: 12 });
    expect(renderJsonReport(withoutExecution(other.full))).not.toBe(renderJsonReport(withoutExecution(first.full)));
    // Its keys repeat with it; another drill with the same seed has keys of its own: a lookup by key ARN in a shared store finds one drill's calls.
    expect(second.record.topology.keys.map((k) => k.arn)).toEqual(first.record.topology.keys.map((k) => k.arn));
    const renamed = await runWhole({ ...scenario, name: 'revocation-and-restore-copy' });
    const firstKeys = new Set(first.record.topology.keys.map((k) => k.arn));
    expect(renamed.record.topology.keys.length).toBeGreaterThan(0);
    for (const k of renamed.record.topology.keys) expect(firstKeys.has(k.arn), k.arn).toBe(false);
  });

  it('a drill over loopback HTTP to the embedded KMS makes the same record as one whose calls are handed over in-process', async () => {
    const scenario = builtIn('regional-outage-multi-region-key');
    const inProcess = await runWhole(scenario);
    expect(inProcess.record.execution.endpoint).toMatch(/in-process/);
    process.env.KEYDRILL_EMBEDDED_TRANSPORT = 'http';
    try {
      const http = await runWhole(scenario);
      expect(http.record.execution.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(renderJsonReport(withoutExecution(http.full))).toBe(renderJsonReport(withoutExecution(inProcess.full)));
    } finally {
      delete process.env.KEYDRILL_EMBEDDED_TRANSPORT;
    }
  });

  it('year-of-operation twice is byte-identical (ids of snapshots and database keys come from the seed)', async () => {
    const scenario = builtIn('year-of-operation');
    const a = await runWhole(scenario);
    const b = await runWhole(scenario);
    expect(renderJsonReport(withoutExecution(b.full))).toBe(renderJsonReport(withoutExecution(a.full)));
    expect(a.record.hierarchy.snapshots.length).toBeGreaterThan(0);
  }, 60_000);

  it('a CMK replaced without re-wrap: the hierarchy says the master keys are still wrapped under the old key, as the timeline does', async () => {
    // An audit trial read "Wrapped under <new key>" in the report's node table beside "its master keys are still under the old key".
    const { record, full } = await runWhole(builtIn('cmk-replacement-without-rewrap'));
    const oldKey = record.topology.keys[0]!.arn;
    const replace = full.timeline.find((e) => e.name === 'rotate-cmk')!;
    expect(replace.detail).toContain('its master keys are still under the old key');
    const newKey = /replaced by a new key (\S+)/.exec(replace.detail)![1]!;
    expect(newKey).not.toBe(oldKey);
    for (const n of record.hierarchy.nodes) {
      expect(n.cmkArn).toBe(oldKey);
      expect(n.cmkMaterialId).toMatch(/^[0-9a-f]{64}$/);
    }
    for (const f of full.frames) for (const n of f.nodes ?? []) expect(n.cmkArn, `frame ${f.seq}`).toBe(oldKey);
  });

  it('a single-Region key cannot fail over, and the timeline says why', async () => {
    const { record, full } = await runWhole(builtIn('regional-outage-single-region-key'));
    const reconfigure = full.timeline.find((e) => e.name === 'reconfigure-kms-region')!;
    expect(reconfigure.outcome).toBe('failed');
    expect(reconfigure.detail).toMatch(/single-Region key/);
    // Calls that never reached KMS are client-side observations, not CloudTrail records, and totals agree with each.
    expect(record.totals.errorsByCode.NetworkingError).toBeUndefined();
    expect(record.totals.clientSideByCode.NetworkingError).toBeGreaterThan(0);
    expect(record.totals.clientSideCalls).toBe(record.observationCount);
    expect(record.totals.kmsCalls).toBe(record.eventCount);
    expect(Object.values(record.totals.kmsCallsByRegion).reduce((a, b) => a + b, 0)).toBe(record.totals.kmsCalls);
  });

  it('a year of operation costs events, not days: the old key\'s deletion loses exactly the snapshots taken before the replacement', async () => {
    const sink = new RecordsByNumber();
    const { record, full } = await runWhole(builtIn('year-of-operation'), { eventSink: sink });
    // Steady state is quiet: a year of three nodes makes about a thousand KMS calls, not one per health check.
    expect(record.totals.kmsCalls).toBeLessThan(2_000);
    const lost = record.hierarchy.snapshots.filter((s) => !s.restorable);
    const kept = record.hierarchy.snapshots.filter((s) => s.restorable);
    expect(lost.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    expect(lost.every((s) => s.takenAt < 200 * 86_400_000)).toBe(true);
    expect(kept.every((s) => s.takenAt > 200 * 86_400_000)).toBe(true);
    expect(record.dataAtRisk.some((d) => d.what.startsWith('snapshot'))).toBe(true);
    // What KMS did on its own is in the run's CloudTrail as AWS writes it: RotateKey at day 180, DeleteKey when
    // the old key's 7-day window ended (day 307). They are records of the run, not calls: eventCount counts them.
    const byKms = [...sink.records.values()].filter((r) => r.eventType === 'AwsServiceEvent').map((r) => [r.eventName, r.eventTime, r.userIdentity.invokedBy]);
    expect(byKms).toEqual([['RotateKey', '2026-06-30T00:00:00Z', 'AWS Internal'], ['DeleteKey', '2026-11-04T00:00:00Z', 'AWS Internal']]);
    expect(record.eventCount).toBe(record.totals.kmsCalls + 2);
    expect(sink.records.size).toBe(record.eventCount);
    // The timeline entries about them cite exactly those records, and none of the service role's calls.
    const cited = (name: string) => full.timeline.filter((e) => e.name === name).map((e) => [e.principal, e.calls.count, sink.byNumber(e.calls.from)?.eventName]);
    expect(cited('cmk-rotated')).toEqual([['kms.amazonaws.com', 1, 'RotateKey']]);
    expect(cited('key-deleted')).toEqual([['kms.amazonaws.com', 1, 'DeleteKey']]);
    // The old key's rotation date after its deletion is not a rotation: one automatic rotation, one replacement.
    expect(record.totals.cmkRotations).toBe(2);
    expect(full.timeline.filter((e) => e.name === 'master-keys-rotated').length).toBe(4);
    expect(record.totals.cmkRotations).toBeGreaterThanOrEqual(1);
    expect(record.totals.masterKeyRotations).toBe(4 * 3);
  }, 60_000);

  it('CloudTrail records carry no key material: the run record holds no plaintext of any canary', async () => {
    const text = JSON.stringify((await runWhole(builtIn('cmk-replacement-with-reencrypt'))).full);
    expect(text).not.toContain('keydrill canary');
    expect(text).not.toMatch(/"Plaintext"|"plaintext"/);
  });
});

describe('live mode', () => {
  it('a drill played on the wall clock reaches the same verdicts as on the virtual clock', async () => {
    const { loadScenarioFile } = await import('../../src-main/drill/scenario-loader');
    const scenario = loadScenarioFile('test/fixtures/scenarios/live-short.yaml');
    const virtual = await runDrill(scenario);
    const live = await runDrill(scenario, { live: { speed: 40 } });
    expect(live.verdicts.map((v) => [v.passed, v.summary])).toEqual(virtual.verdicts.map((v) => [v.passed, v.summary]));
    expect(live.passed).toBe(true);
  });
});
