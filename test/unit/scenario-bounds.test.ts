import { describe, expect, it } from 'vitest';
import { estimateDrill, LARGE_ESTIMATED_EVENTS } from '../../src-shared/drill-estimate';
import { Scenario } from '../../src-shared/scenario';
import { parseScenarioText, ScenarioError } from '../../src-main/drill/scenario-loader';
import { fleetScenario } from '../../bench/fleet-scenario';

/**
 * Scenarios that pass the field types but would hang a drill (issue: healthCheck 0s, a rate of 1e15,
 * a duration of 99999999999h, canaries every millisecond for a year) are refused before anything
 * runs, with the field and the line; a large drill says how large before it starts.
 */
const base = (over: { duration?: string; healthCheck?: string; rate?: string; canaryEvery?: string; maxOperations?: string }) => `name: bounds
title: Bounds
duration: ${over.duration ?? '30d'}
topology:
  regions: [us-east-1]
  tenants:
    - id: acme
      keys:
        - { id: acme-cmk, region: us-east-1 }
  clusters:
    - id: prod
      tenant: acme
      key: acme-cmk
      nodes:
        - { id: n1, region: us-east-1, zone: us-east-1a }
      databases: [orders]
policy:
  healthCheck: ${over.healthCheck ?? '5m'}
  cache: { maxAge: 24h, maxOperations: ${over.maxOperations ?? '5000000'} }
workload:
  opsPerSecondPerDatabase: ${over.rate ?? '100'}
  canaryEvery: ${over.canaryEvery ?? '5m'}
`;

function refusal(text: string): { path: string; line: number | undefined; message: string }[] {
  try {
    parseScenarioText(text, 'drill.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).problems;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario bounds', () => {
  it('a zero health-check interval is refused on its own line', () => {
    expect(refusal(base({ healthCheck: '0s' }))).toEqual([{ path: 'policy.healthCheck', line: 18, message: 'the health-check interval must be at least 1s' }]);
  });

  it('an absurd rate is refused, naming the field', () => {
    const [p] = refusal(base({ rate: '1e15' }));
    expect(p).toMatchObject({ path: 'workload.opsPerSecondPerDatabase', line: 21 });
    expect(p?.message).toMatch(/at most 10,000,000 operations a second/);
  });

  it('a duration of 99999999999h is refused', () => {
    expect(refusal(base({ duration: '99999999999h' }))).toEqual([{ path: 'duration', line: 3, message: 'a drill can be at most 3650d' }]);
  });

  it('a canary every millisecond is refused', () => {
    expect(refusal(base({ duration: '365d', canaryEvery: '1ms' }))[0]).toMatchObject({ path: 'workload.canaryEvery', line: 22, message: 'the canary interval must be at least 1s' });
  });

  it('a field refused for its own bound is the one problem: no "about ∞ simulator events" sizing beside it', () => {
    expect(refusal(base({ canaryEvery: '0s' }))).toEqual([{ path: 'workload.canaryEvery', line: 22, message: 'the canary interval must be at least 1s' }]);
    expect(refusal(base({ rate: '1e12' }))).toEqual([{ path: 'workload.opsPerSecondPerDatabase', line: 21, message: 'a database can do at most 10,000,000 operations a second in a drill' }]);
  });

  it('a drill of billions of events is refused with the field that makes it so', () => {
    // Valid fields, but a key refresh every 5 µs for ten years.
    const [p] = refusal(base({ duration: '3650d', rate: '10000000', maxOperations: '1' }));
    expect(p?.path).toBe('workload.opsPerSecondPerDatabase');
    expect(p?.line).toBe(21);
    expect(p?.message).toMatch(/would play about [\d,]+ simulator events .*\(mostly master-key refreshes at the first cache limit, set by workload\.opsPerSecondPerDatabase\)/);
  });

  it('a fleet drill says how big it is; a small one does not need to', () => {
    const fleet = estimateDrill(Scenario.parse(fleetScenario({ tenants: 1000 })));
    expect(fleet.events).toBeGreaterThan(100_000);
    expect(fleet.kmsCalls).toBeGreaterThan(90_000);
    expect(fleet.kmsCalls).toBeLessThan(300_000);
    const small = estimateDrill(parseScenarioText(base({})));
    expect(small.events).toBeLessThan(LARGE_ESTIMATED_EVENTS);
  });
});
