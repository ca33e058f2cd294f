import { countsText, fleetCounts, total, type TenantGroup } from './fleet-model';

/** The whole fleet by state at the moment shown: how many nodes, CMKs and snapshots serve, are down or lost. */
export function FleetCounts({ tenants }: { tenants: readonly TenantGroup[] }) {
  const { nodes, keys, snapshots } = fleetCounts(tenants);
  const row = (label: string, counts: typeof nodes, kind: 'master' | 'cmk' | 'snapshot', id: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={id}>{total(counts).toLocaleString('en')}{total(counts) > 0 ? ` (${countsText(counts, kind)})` : ''}</dd>
    </>
  );
  return (
    <dl className="fleet-counts" aria-label="The fleet by state at this moment">
      {row('Nodes', nodes, 'master', 'fleet-nodes')}
      {row('CMKs', keys, 'cmk', 'fleet-keys')}
      {row('Snapshots', snapshots, 'snapshot', 'fleet-snapshots')}
    </dl>
  );
}
