import { describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { Scenario } from '../../src-shared/scenario';
import { runWhole } from '../support/drill-run';

/**
 * A fleet's timeline reads for its operator: a step that touches a node in every cluster names the
 * nodes by cluster (every cluster has an "n1"), leads with the counts, and lists the nodes that could
 * not start — what the operator acts on — rather than the first dozen that could.
 */
describe('the timeline of a fleet drill', () => {
  it('a zone coming back during a KMS outage without failover: counts first, then the nodes that cannot start, by cluster', async () => {
    const input = fleetScenario({ tenants: 20, days: 1 });
    const scenario = Scenario.parse({ ...input, policy: { ...input.policy, failover: 'none' } });
    const { full } = await runWhole(scenario);
    const back = full.timeline.find((e) => e.name === 'zone-outage-ended');
    expect(back?.detail).toMatch(/^zone us-east-1a back: 0 of 20 nodes in 20 clusters started again, 20 cannot start: t01-prod\/n1 cannot start \(\w+\), t02-prod\/n1 cannot start \(\w+\), .* and 8 more$/);
    expect(back?.detail.match(/cannot start \(/g)).toHaveLength(12);
  }, 60_000);

  it('the same with automatic failover: every node back, said in one line', async () => {
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 20, days: 1 })));
    expect(full.timeline.find((e) => e.name === 'zone-outage-ended')?.detail).toBe('zone us-east-1a back: 20 of 20 nodes in 20 clusters started again, 0 cannot start');
  }, 60_000);
});

describe('the timeline of a small drill', () => {
  it('a zone coming back names each node and says it started again', async () => {
    const { full } = await runWhole(Scenario.parse(fleetScenario({ tenants: 2, days: 1 })));
    expect(full.timeline.find((e) => e.name === 'zone-outage-ended')?.detail).toBe('zone us-east-1a back: t1-prod/n1 started again, t2-prod/n1 started again');
  }, 60_000);
});
