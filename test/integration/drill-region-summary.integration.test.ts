import { describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { Scenario } from '../../src-shared/scenario';
import { runWhole } from '../support/drill-run';

/**
 * The per-region summary says which region took tenants down. A tenant whose key merely has a
 * replica in a region, and whose calls there never failed, is not down "in" that region: the
 * replica region of a fleet's multi-Region keys would otherwise list every tenant the primary
 * region's trouble took down.
 */
describe('tenants down, region by region', () => {
  it('a revoked tenant is down in the region its refused calls went to, not in its key replica region', async () => {
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 3, days: 3, outageHours: 0, revokeFirstTenant: true })));
    const region = (name: string) => full.regions.find((r) => r.region === name);
    expect(full.clusters.filter((c) => c.minutesUnavailable > 0).map((c) => c.cluster)).toEqual(['t1-prod']);
    expect(region('us-east-1')).toMatchObject({ clustersDown: 1 });
    expect(region('us-east-1')?.failedKmsCalls).toBeGreaterThan(0);
    expect(region('us-west-2')).toMatchObject({ failedKmsCalls: 0, clientSideFailures: 0, clustersDown: 0 });
  }, 60_000);

  it('tenants whose nodes could not start during an outage are down in the region that was out', async () => {
    const input = fleetScenario({ tenants: 4, days: 1, nodesPerCluster: 1 });
    // One node per cluster, in the zone that restarts during the outage, and no failover: each tenant goes down.
    const scenario = Scenario.parse({ ...input, policy: { ...input.policy, failover: 'none' } });
    const { full } = await runWhole(scenario);
    expect(full.clusters.filter((c) => c.minutesUnavailable > 0)).toHaveLength(4);
    expect(full.regions.find((r) => r.region === 'us-east-1')).toMatchObject({ clustersDown: 4 });
    expect(full.regions.find((r) => r.region === 'us-west-2')).toMatchObject({ kmsCalls: 0, clustersDown: 0 });
  }, 60_000);
});
