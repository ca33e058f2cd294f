import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { runDrill, DRILL_EPOCH } from '../../src-main/drill/drill-runner';

/**
 * seeds/004: a data key is cached for "five million operations or 24 hours, whichever comes first".
 * A node's master key must live exactly until its first limit — not be charged the operations its
 * predecessor served — so KMS sees a refresh every 24 h at 4.84 M operations a day, and every
 * 5 M operations when the workload is faster.
 */
const scenario = (opsPerSecondPerDatabase: number, duration = '5d') => parseScenarioText(`name: cache-limits
title: Cache limits
duration: ${duration}
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
      databases: [orders, payments]
policy:
  cache: { maxAge: 24h, maxOperations: 5000000 }
  masterKeyRotation: 3650d
workload:
  opsPerSecondPerDatabase: ${opsPerSecondPerDatabase}
  canaryEvery: 1h
`);

/** Drill-clock hours of the node's master-key Decrypts after its start and first health check. */
async function refreshHours(opsPerSecondPerDatabase: number): Promise<number[]> {
  const records: CloudTrailRecord[] = [];
  await runDrill(scenario(opsPerSecondPerDatabase), { eventSink: { record: (r) => void records.push(r), observe: () => undefined } });
  return records
    .filter((r) => r.eventName === 'Decrypt' && (r.requestParameters?.encryptionContext as Record<string, string> | undefined)?.node === 'n1')
    .map((r) => (Date.parse(r.eventTime) - DRILL_EPOCH) / 3_600_000)
    .filter((h) => h >= 1);
}

describe('the key cache in a drill', () => {
  it('at 4.84 M operations a day a master key lives its full 24 hours', async () => {
    // 2 databases × 28 ops/s = 56 ops/s = 4,838,400 a day: the age limit comes first.
    const hours = await refreshHours(28);
    expect(hours.map((h) => Math.round(h * 1000) / 1000)).toEqual([24, 48, 72, 96]);
  });

  it('when the workload is faster the key is refreshed at exactly five million operations', async () => {
    // 2 × 100 ops/s = 200 ops/s: 5,000,000 operations take 25,000 s = 6 h 56 m 40 s.
    const hours = await refreshHours(100);
    const expected = Array.from({ length: Math.floor((5 * 24) / (25_000 / 3600)) }, (_, i) => ((i + 1) * 25_000) / 3600);
    expect(hours).toHaveLength(expected.length);
    hours.forEach((h, i) => expect(Math.abs(h - (expected[i] as number)) * 3600).toBeLessThan(1.5));
  });
});
