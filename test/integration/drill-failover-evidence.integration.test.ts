import { describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { Scenario } from '../../src-shared/scenario';
import { runWhole } from '../support/drill-run';

/**
 * A node that fails over automatically does so by a call: its master key unwrapped by the replica in
 * another region, after its call in its own region never reached KMS. The timeline entry that says
 * "failed over automatically" cites that call's CloudTrail record and the refused call's observation,
 * so an auditor can find in CloudTrail the Decrypt that proves it — not an entry citing nothing while
 * the Decrypt it made is cited by no entry at all.
 */
describe('an automatic failover cites the calls that made it', () => {
  it('each node\'s failover entry cites its Decrypt in the region it moved to and the call its own region refused', async () => {
    const records: CloudTrailRecord[] = [];
    const observations: ClientObservation[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: (o: ClientObservation) => void observations.push(o) };
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 2, days: 1 })), { eventSink: sink });
    const failovers = full.timeline.filter((e) => e.name === 'failover');
    expect(failovers).toHaveLength(6);
    for (const entry of failovers) {
      const [, from, to] = /from (\S+) to (\S+)$/.exec(entry.detail) ?? [];
      expect(entry.calls.count, entry.detail).toBeGreaterThan(0);
      const cited = records.slice(entry.calls.from - 1, entry.calls.from - 1 + entry.calls.count);
      expect(cited.map((r) => [r.eventName, r.awsRegion, r.errorCode, r.requestParameters?.encryptionContext]), entry.detail).toEqual(
        cited.map(() => ['Decrypt', to, undefined, { tenant: entry.cluster?.replace(/-prod$/, ''), cluster: entry.cluster, node: entry.node }]),
      );
      expect(entry.observations, entry.detail).toBeDefined();
      const refused = observations.slice(entry.observations!.from - 1, entry.observations!.from - 1 + entry.observations!.count);
      expect(refused.map((o) => [o.operation, o.region, o.encryptionContext?.cluster, o.encryptionContext?.node]), entry.detail).toEqual(
        refused.map(() => ['Decrypt', from, entry.cluster, entry.node]),
      );
    }
    // Six failovers, six different Decrypts: no node's entry borrows another node's call.
    const citedNumbers = new Set(failovers.flatMap((e) => Array.from({ length: e.calls.count }, (_, i) => e.calls.from + i)));
    expect(citedNumbers.size).toBe(6);
  }, 60_000);

  it('a node that cannot start during the outage names the region whose refusal its entry cites, not its own unreachable one', async () => {
    // The first tenant's key policy revoked on day 1 (primary and replica): during the us-east-1
    // outage its nodes fail over to us-west-2 and are refused there.
    const records: CloudTrailRecord[] = [];
    const sink = { record: (e: CloudTrailRecord) => void records.push(e), observe: () => undefined };
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 1, days: 2, outageAtHours: 30, revokeFirstTenant: true })), { eventSink: sink });
    const failed = full.timeline.filter((e) => e.name === 'node-start-failed' && e.observations && e.observations.count > 0);
    expect(failed.length).toBeGreaterThan(0);
    for (const entry of failed) {
      const cited = records.slice(entry.calls.from - 1, entry.calls.from - 1 + entry.calls.count);
      expect(cited.map((r) => [r.awsRegion, r.errorCode]), entry.detail).toEqual([['us-west-2', 'AccessDeniedException']]);
      expect(entry.detail).toContain('its master key was not unwrapped in us-west-2 (AccessDeniedException), tried as KMS in us-east-1 was out of reach');
    }
  }, 60_000);
});
