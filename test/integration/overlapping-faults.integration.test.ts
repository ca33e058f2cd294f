import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { runWhole } from '../support/drill-run';

/**
 * Two outages of one region that overlap: a UI trial added one from 3h for 3h to a scenario whose
 * outage runs from 2h for 3h. The first to end brought us-east-1 back at 5h while the second should
 * hold it until 6h, and the verdicts contradicted each other (calls "succeeded in us-east-1 during
 * its outage"; the cluster "available 100 %" in 5h10m–6h).
 */
describe('overlapping faults of one region', () => {
  it('hold the region out until the last of them ends; the first end says the region stays out, and why', async () => {
    const scenario = parseScenarioText(`
name: overlapping-outages
title: Two outages of us-east-1 that overlap
seed: 7
duration: 8h
topology:
  regions: [us-east-1, us-west-2]
  tenants:
    - { id: acme, keys: [{ id: acme-cmk, region: us-east-1 }] }
  clusters:
    - id: acme-prod
      tenant: acme
      key: acme-cmk
      nodes:
        - { id: n1, region: us-east-1, zone: us-east-1a }
        - { id: n2, region: us-east-1, zone: us-east-1b }
      databases: [orders]
policy:
  cache: { maxAge: 24h, maxOperations: 5000000 }
  healthCheck: 5m
  onKeyAccessLoss: { action: shut-down, afterFailedChecks: 3 }
  failover: manual
workload: { opsPerSecondPerDatabase: 50, canaryEvery: 10m }
timeline:
  - { do: kms-region-outage, id: outage, at: 2h, region: us-east-1, duration: 3h }
  - { do: node-restart, id: restart, at: 2h30m, cluster: acme-prod }
  - { do: kms-region-outage, id: outage2, at: 3h, region: us-east-1, duration: 3h }
expectations:
  - { expect: no-success-during-outage, region: us-east-1 }
  - { expect: availability, cluster: acme-prod, from: 5h10m, to: 6h, atMost: "0%" }
  - { expect: availability, cluster: acme-prod, from: 6h30m, to: 8h, atLeast: "100%" }
`, 'overlapping-outages.yaml');
    const { record, full } = await runWhole(scenario);
    expect(record.verdicts.map((v) => [v.summary, v.passed])).toEqual(record.verdicts.map((v) => [v.summary, true]));
    const ends = full.timeline.filter((e) => e.name === 'kms-region-outage-ended').map((e) => [e.at, e.detail]);
    expect(ends).toEqual([
      [5 * 3_600_000, 'this outage of KMS in us-east-1 ends, but us-east-1 stays unreachable: outage2 (from 3h for 3h) is still in force'],
      [6 * 3_600_000, 'KMS in us-east-1 reachable again'],
    ]);
  }, 60_000);
});
