import type { TenantGroup } from './fleet-model';

/** Every name a search may give for something of this tenant: clusters, nodes (cluster/node), keys by id and ARN. */
function namesOf(t: TenantGroup): string[] {
  const names = [...t.clusters];
  for (const r of t.regions) {
    for (const k of r.keys) names.push(k.label, ...(k.arn ? [k.arn] : []));
    for (const c of r.clusters) for (const n of c.nodes) names.push(n.label);
  }
  return names.map((n) => n.toLowerCase());
}

/**
 * The tenant a search names — what the Find box offers: a tenant, a cluster, a node, a key id, ARN
 * or multi-Region key id. A name given whole wins over one that only contains the words, a tenant
 * over what it owns; otherwise the first tenant in the fleet's order.
 */
export function findTenant(tenants: readonly TenantGroup[], search: string): TenantGroup | undefined {
  const term = search.trim().toLowerCase();
  if (!term) return undefined;
  const byId = tenants.find((t) => t.id.toLowerCase() === term);
  if (byId) return byId;
  const names = new Map(tenants.map((t) => [t, namesOf(t)]));
  return tenants.find((t) => names.get(t)?.some((n) => n === term))
    ?? tenants.find((t) => t.id.toLowerCase().includes(term))
    ?? tenants.find((t) => names.get(t)?.some((n) => n.includes(term)));
}
