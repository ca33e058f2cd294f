import { describe, expect, it } from 'vitest';
import { runDrill } from '../../src-main/drill/drill-runner';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';
import { renderJsonReport } from '../../src-main/report/json-report';

/** Every built-in scenario, on the real embedded KMS, reaches the verdicts its story promises. */
describe('the built-in scenarios pass on the embedded KMS', () => {
  for (const scenario of builtInScenarios()) {
    it(`${scenario.name}: ${scenario.title}`, async () => {
      const record = await runDrill(scenario);
      const failed = record.verdicts.filter((v) => !v.passed).map((v) => v.summary);
      expect(failed).toEqual([]);
      expect(record.verdicts.length).toBe(scenario.expectations.length);
      expect(record.eventCount).toBeGreaterThan(0);
      for (const v of record.verdicts) expect(v.summary.length).toBeGreaterThan(10);
    }, 60_000);
  }
});

describe('what the drills show', () => {
  it('the same scenario and seed give a byte-identical JSON report', async () => {
    const scenario = builtInScenarios().find((s) => s.name === 'revocation-and-restore')!;
    const a = renderJsonReport(await runDrill(scenario));
    const b = renderJsonReport(await runDrill(scenario));
    expect(b).toBe(a);
    const c = renderJsonReport(await runDrill(scenario, { seed: 12 }));
    expect(c).not.toBe(a);
  });

  it('a single-Region key cannot fail over, and the timeline says why', async () => {
    const scenario = builtInScenarios().find((s) => s.name === 'regional-outage-single-region-key')!;
    const record = await runDrill(scenario);
    const reconfigure = record.timeline.find((e) => e.name === 'reconfigure-kms-region')!;
    expect(reconfigure.outcome).toBe('failed');
    expect(reconfigure.detail).toMatch(/single-Region key/);
    expect(record.totals.errorsByCode.NetworkingError).toBeGreaterThan(0);
    // Calls that never reached KMS are recorded but not counted as KMS calls.
    expect(Object.keys(record.totals.kmsCallsByRegion)).toEqual(['us-east-1']);
  });

  it('a year of operation costs events, not days: the old key\'s deletion loses exactly the snapshots taken before the replacement', async () => {
    const scenario = builtInScenarios().find((s) => s.name === 'year-of-operation')!;
    const record = await runDrill(scenario);
    // Steady state is quiet: a year of three nodes makes about a thousand KMS calls, not one per health check.
    expect(record.totals.kmsCalls).toBeLessThan(2_000);
    const lost = record.hierarchy.snapshots.filter((s) => !s.restorable);
    const kept = record.hierarchy.snapshots.filter((s) => s.restorable);
    expect(lost.length).toBeGreaterThan(0);
    expect(kept.length).toBeGreaterThan(0);
    expect(lost.every((s) => s.takenAt < 200 * 86_400_000)).toBe(true);
    expect(kept.every((s) => s.takenAt > 200 * 86_400_000)).toBe(true);
    expect(record.dataAtRisk.some((d) => d.what.startsWith('snapshot'))).toBe(true);
    expect(record.timeline.filter((e) => e.name === 'cmk-rotated').length).toBeGreaterThanOrEqual(1);
    expect(record.timeline.filter((e) => e.name === 'master-keys-rotated').length).toBe(4);
  }, 60_000);

  it('CloudTrail records carry no key material: the run record holds no plaintext of any canary', async () => {
    const scenario = builtInScenarios().find((s) => s.name === 'cmk-replacement-with-reencrypt')!;
    const text = JSON.stringify(await runDrill(scenario));
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
