/**
 * A fleet drill with something to report: bench/fleet-scenario.ts's fleet (every tenant a 3-node
 * cluster on a multi-Region key, a us-east-1 outage with automatic failover) where a dozen tenants
 * also lose their key — the customer revokes the service role's access (some restore it, some do
 * not) or disables the key — so some tenants go down, some end with data at risk, and the report has
 * a worst-N to show. The report benchmark and the fleet report tests play it.
 */
import { Scenario, type ScenarioInput } from '../src-shared/scenario';
import { fleetScenario } from './fleet-scenario';

export interface TroubledFleetOptions {
  tenants: number;
  days?: number;
  seed?: number;
}

export function troubledFleetScenario(o: TroubledFleetOptions): Scenario {
  const base = fleetScenario({ tenants: o.tenants, days: o.days ?? 1, outageAtHours: 6, seed: o.seed });
  const width = String(o.tenants).length;
  const tenant = (i: number) => `t${String(i).padStart(width, '0')}`;
  const troubled = Math.min(15, o.tenants);
  const clusters = (base.topology?.clusters ?? []).map((c, i) => (i < troubled ? { ...c, snapshots: { every: '6h', keep: 4 } } : c));
  const timeline: NonNullable<ScenarioInput['timeline']> = [...(base.timeline ?? [])];
  // Tenants 1-12 revoke the service role's access an hour apart; 1-8 restore it later (those the drill lasts long enough for), 9-12 never do.
  for (let i = 1; i <= Math.min(12, troubled); i++) timeline.push({ do: 'key-policy-revoke', id: `revoke-${i}`, at: `${i}h`, key: `${tenant(i)}-cmk` });
  const hours = (o.days ?? 1) * 24;
  for (let i = 1; i <= Math.min(8, troubled) && 12 + 2 * i < hours; i++) timeline.push({ do: 'restore-access', id: `restore-${i}`, at: `${12 + 2 * i}h`, key: `${tenant(i)}-cmk` });
  // Tenants 13-15 disable their key for good.
  for (let i = 13; i <= troubled; i++) timeline.push({ do: 'key-disable', id: `disable-${i}`, at: '20h', key: `${tenant(i)}-cmk` });
  const expectations: NonNullable<ScenarioInput['expectations']> = [...(base.expectations ?? []), { expect: 'availability', cluster: `${tenant(1)}-prod`, atLeast: '99.9%' }];
  return Scenario.parse({
    ...base,
    name: `troubled-fleet-${o.tenants}-tenants`,
    title: `Fleet of ${o.tenants} tenants: a us-east-1 outage, and ${troubled} tenants that revoke or disable their key`,
    topology: { ...base.topology, clusters },
    timeline,
    expectations,
  });
}
