import { countsText, fleetCounts, tenantCountsText, total, type TenantGroup } from './fleet-model';

/**
 * The whole fleet by state at the moment shown: how many tenants are down, at risk or degraded (as
 * their rows' marks and the trouble filter count them), and how many nodes, CMKs and snapshots serve,
 * are down or lost.
 */
export function FleetCounts({ tenants: all }: { tenants: readonly TenantGroup[] }) {
  const { tenants, nodes, keys, snapshots } = fleetCounts(all);
  const row = (label: string, counts: typeof nodes, kind: 'master' | 'cmk' | 'snapshot', id: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={id}>{total(counts).toLocaleString('en')}{total(counts) > 0 ? ` (${countsText(counts, kind)})` : ''}</dd>
    </>
  );
  return (
    <dl className="fleet-counts" aria-label="The fleet by state at this moment">
      <dt>Tenants</dt>
      <dd data-testid="fleet-tenants">{all.length.toLocaleString('en')}{all.length > 0 ? ` (${tenantCountsText(tenants)})` : ''}</dd>
      {row('Nodes', nodes, 'master', 'fleet-nodes')}
      {row('CMKs', keys, 'cmk', 'fleet-keys')}
      {row('Snapshots', snapshots, 'snapshot', 'fleet-snapshots')}
    </dl>
  );
}
