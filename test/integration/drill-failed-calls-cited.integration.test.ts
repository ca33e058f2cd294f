import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { runDrill } from '../../src-main/drill/drill-runner';
import { MemoryRunSink } from '../../src-main/drill/run-sink';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';

/**
 * An auditor reading a drill's failed KMS calls finds each one explained: cited by a timeline entry
 * (a health check that failed, a node that could not start again, the refresh that stopped a node),
 * by a verdict, or by a snapshot's restore at the end. Failed retries of a node already down, checks
 * on the way to a shut-down and a down node's start at the end of the drill used to be cited by none.
 */
describe('every failed KMS call of a built-in drill is cited by the run', () => {
  for (const scenario of builtInScenarios()) {
    it(scenario.name, async () => {
      const records: CloudTrailRecord[] = [];
      const eventSink: CloudTrailSink = { record: (event) => void records.push(structuredClone(event)), observe: () => undefined };
      const sink = new MemoryRunSink();
      await runDrill(scenario, { runSink: sink, eventSink });
      const run = sink.full();
      const cited = new Set<number>();
      for (const e of run.timeline) for (let n = e.calls.from; n < e.calls.from + e.calls.count; n++) cited.add(n);
      for (const v of run.verdicts) for (const n of v.evidence.records) cited.add(n);
      for (const s of run.hierarchy.snapshots) for (const n of s.evidence?.records ?? []) cited.add(n);
      const uncited = records.flatMap((r, i) => (r.errorCode && !cited.has(i + 1) ? [`#${i + 1} ${r.eventTime} ${r.eventName} ${r.errorCode} ${JSON.stringify(r.requestParameters?.encryptionContext ?? {})}`] : []));
      expect(uncited).toEqual([]);
    }, 120_000);
  }
});

describe('a key KMS has deleted', () => {
  it('is not asked for its rotation status when its next automatic rotation comes due (a NotFoundException no entry explains)', async () => {
    const records: CloudTrailRecord[] = [];
    const eventSink: CloudTrailSink = { record: (event) => void records.push(structuredClone(event)), observe: () => undefined };
    const scenario = builtInScenarios().find((s) => s.name === 'year-of-operation');
    if (!scenario) throw new Error('year-of-operation is a built-in scenario');
    await runDrill(scenario, { runSink: new MemoryRunSink(), eventSink });
    const deleted = records.findIndex((r) => r.eventName === 'DeleteKey');
    expect(deleted).toBeGreaterThan(0);
    const key = records[deleted]?.resources?.[0]?.ARN;
    const after = records.slice(deleted + 1).filter((r) => r.eventName === 'GetKeyRotationStatus' && r.resources?.some((x) => x.ARN === key));
    expect(after.map((r) => `${r.eventTime} ${r.errorCode ?? 'ok'}`)).toEqual([]);
  }, 120_000);

  it('a cluster available all year cites none of the snapshot restores refused at the end as evidence of its availability', async () => {
    const records: CloudTrailRecord[] = [];
    const eventSink: CloudTrailSink = { record: (event) => void records.push(structuredClone(event)), observe: () => undefined };
    const scenario = builtInScenarios().find((s) => s.name === 'year-of-operation');
    if (!scenario) throw new Error('year-of-operation is a built-in scenario');
    const sink = new MemoryRunSink();
    await runDrill(scenario, { runSink: sink, eventSink });
    const availability = sink.full().verdicts.find((v) => v.expectation.expect === 'availability');
    expect(availability?.measured).toBe(100);
    expect(availability?.evidence.records.map((n) => `${records[n - 1]?.eventName} ${records[n - 1]?.errorCode}`)).toEqual([]);
  }, 120_000);
});
