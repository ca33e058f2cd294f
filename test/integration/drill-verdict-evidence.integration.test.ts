import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { fleetScenario } from '../../bench/fleet-scenario';
import { Scenario } from '../../src-shared/scenario';
import { runWhole } from '../support/drill-run';

/**
 * A verdict about one cluster cites that cluster's calls. In a drill of two tenants where only one
 * is revoked, the other's availability verdict used to cite the revoked tenant's AccessDenied
 * records (the run's first errors, whoever made them), and "readable again" the first successful
 * Decrypts after the step, of any tenant — evidence an auditor would follow to the wrong customer.
 */
const scenario = `name: two-tenants
title: Two tenants, one revoked
duration: 6h
topology:
  regions: [eu-west-1]
  tenants:
    - id: alpha
      keys:
        - { id: alpha-cmk, region: eu-west-1 }
    - id: beta
      keys:
        - { id: beta-cmk, region: eu-west-1 }
  clusters:
    - id: beta-prod
      tenant: beta
      key: beta-cmk
      nodes:
        - { id: n1, region: eu-west-1, zone: eu-west-1a }
      databases: [orders]
    - id: alpha-prod
      tenant: alpha
      key: alpha-cmk
      nodes:
        - { id: n1, region: eu-west-1, zone: eu-west-1a }
      databases: [orders]
policy:
  healthCheck: 5m
  onKeyAccessLoss: { action: shut-down, afterFailedChecks: 3 }
workload:
  opsPerSecondPerDatabase: 20
  canaryEvery: 5m
timeline:
  - { do: key-policy-revoke, id: revoke, at: 1h, key: alpha-cmk }
  - { do: restore-access, id: restore, at: 3h, key: alpha-cmk }
expectations:
  - { expect: availability, cluster: beta-prod, atLeast: "100%" }
  - { expect: availability, cluster: alpha-prod, atMost: "90%" }
  - { expect: unreadable-within, after: revoke, within: 30m }
  - { expect: readable-within, after: restore, within: 30m }
`;

describe('a verdict about a cluster cites that cluster\'s calls', () => {
  it('the unaffected tenant\'s availability cites none of the revoked tenant\'s errors; unreadable and readable again cite the revoked tenant\'s calls', async () => {
    const records: CloudTrailRecord[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: () => undefined };
    const { full } = await runWhole(parseScenarioText(scenario), { eventSink: sink });
    const [beta, alpha, unreadable, readable] = full.verdicts;
    expect(full.verdicts.map((v) => v.passed)).toEqual([true, true, true, true]);
    const clusterOf = (n: number) => (records[n - 1]?.requestParameters?.encryptionContext as Record<string, string> | undefined)?.cluster;
    expect(beta?.evidence.records).toEqual([]);
    expect(alpha?.evidence.records.length).toBeGreaterThan(0);
    for (const v of [alpha, unreadable, readable]) {
      expect(v?.evidence.records.map(clusterOf), v?.summary).toEqual(v?.evidence.records.map(() => 'alpha-prod'));
    }
    expect(readable?.evidence.records.map((n) => records[n - 1]?.errorCode)).toEqual(readable?.evidence.records.map(() => undefined));
  }, 60_000);
});

describe('a lost canary is cited', () => {
  it('"no canary lost", failed by a revoked tenant, cites that tenant\'s refused calls', async () => {
    const records: CloudTrailRecord[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: () => undefined };
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 2, days: 2, outageHours: 0, revokeFirstTenant: true })), { eventSink: sink });
    const canaries = full.verdicts.find((v) => v.expectation.expect === 'no-canary-lost');
    expect(canaries?.passed).toBe(false);
    const cited = canaries?.evidence.records.map((n) => records[n - 1]) ?? [];
    expect(cited.length).toBeGreaterThan(0);
    for (const r of cited) {
      expect((r?.requestParameters?.encryptionContext as Record<string, string> | undefined)?.cluster).toBe('t1-prod');
      expect(r?.errorCode).toBe('AccessDeniedException');
    }
  }, 60_000);
});
