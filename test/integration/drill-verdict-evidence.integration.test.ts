import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { fleetScenario } from '../../bench/fleet-scenario';
import { Scenario } from '../../src-shared/scenario';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

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

  it('a verdict on two clusters cites calls of each: "globex-prod, globex-analytics unreadable" cited three of globex-prod\'s and none of globex-analytics\'', async () => {
    const records: CloudTrailRecord[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: () => undefined };
    const { full } = await runWhole(builtIn('revocation-and-restore'), { eventSink: sink });
    const clusterOf = (n: number) => (records[n - 1]?.requestParameters?.encryptionContext as Record<string, string> | undefined)?.cluster;
    for (const expect_ of ['unreadable-within', 'readable-within']) {
      const verdict = full.verdicts.find((v) => v.expectation.expect === expect_);
      expect(verdict?.summary).toMatch(/^globex-prod, globex-analytics /);
      expect(new Set(verdict?.evidence.records.map(clusterOf)), verdict?.summary).toEqual(new Set(['globex-prod', 'globex-analytics']));
    }
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

describe('availability of every cluster', () => {
  it('one verdict holds every cluster of the fleet to the bound: it names those that missed it, worst first, and cites their refused calls', async () => {
    const text = scenario.replace(/expectations:\n[\s\S]*$/, `expectations:
  - { expect: availability, atLeast: "99%" }
  - { expect: availability, atLeast: "50%" }
  - { expect: availability, from: 4h, atLeast: "100%" }
`);
    const records: CloudTrailRecord[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: () => undefined };
    const { full } = await runWhole(parseScenarioText(text), { eventSink: sink });
    const [strict, loose, after] = full.verdicts;
    const alpha = full.clusters.find((c) => c.cluster === 'alpha-prod');
    expect(alpha?.availabilityPercent).toBeGreaterThan(50);
    expect(alpha?.availabilityPercent).toBeLessThan(99);
    // Only the revoked tenant missed 99 %: named with what it measured, and its refused calls cited.
    expect(strict?.passed).toBe(false);
    expect(strict?.summary).toBe(`1 of 2 clusters was not available at least 99% of 0s–6h: alpha-prod ${strict?.measured}%`);
    expect(strict?.measuredText).toBe(`${strict?.measured}% (lowest: alpha-prod)`);
    const clusterOf = (n: number) => (records[n - 1]?.requestParameters?.encryptionContext as Record<string, string> | undefined)?.cluster;
    expect(strict?.evidence.records.length).toBeGreaterThan(0);
    expect(strict?.evidence.records.map(clusterOf)).toEqual(strict?.evidence.records.map(() => 'alpha-prod'));
    expect(strict?.evidence.records.map((n) => records[n - 1]?.errorCode)).toEqual(strict?.evidence.records.map(() => 'AccessDeniedException'));
    // Every cluster met 50 %: the verdict passes and still says which was lowest.
    expect(loose?.passed).toBe(true);
    expect(loose?.summary).toBe(`every one of the 2 clusters was available at least 50% of 0s–6h (lowest: alpha-prod ${loose?.measured}%)`);
    // After the key was restored and the tenant read again, the whole fleet was up.
    expect(after?.passed).toBe(true);
    expect(after?.measured).toBe(100);
  }, 60_000);

  it('a verdict over more calls than it cites says how many support it, and the report says the cited are the first of them', async () => {
    const { record, full } = await runWhole(builtIn('regional-outage-multi-region-key'));
    const verdict = record.verdicts.find((v) => v.expectation.expect === 'kms-calls' && v.expectation.allSucceed === true);
    const measured = verdict?.measured as number;
    expect(measured).toBeGreaterThan(3);
    expect(verdict?.evidence).toEqual({ records: [expect.any(Number), expect.any(Number), expect.any(Number)], supporting: { records: measured } });
    const page = renderHtmlReport(full);
    expect(page).toContain(`(cited: the first 3 of the ${measured} CloudTrail records that support it)`);
    // Where every supporting record is cited, nothing is said of more.
    const all = record.verdicts.filter((v) => v.evidence.supporting === undefined && v.evidence.records.length > 0);
    expect(all.length).toBeGreaterThan(0);
  });

  it('availability of a database names its cluster', () => {
    const text = scenario.replace(/expectations:\n[\s\S]*$/, 'expectations:\n  - { expect: availability, database: orders, atLeast: 99 }\n');
    expect(() => parseScenarioText(text)).toThrow(/availability of a database needs its cluster/);
  });
});
