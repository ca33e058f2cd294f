import type { TenantGroup } from './fleet-model';

/**
 * Every name a search may give for something of this tenant: clusters, nodes (cluster/node) and
 * keys by name, which a search may give in part; and keys by ARN and key id, given whole only (a
 * few letters are in some random key id: "db1" found the tenant whose key was mrk-bdb1…).
 */
function namesOf(t: TenantGroup): { names: string[]; whole: string[] } {
  const names = [...t.clusters];
  const whole: string[] = [];
  for (const r of t.regions) {
    for (const k of r.keys) {
      names.push(k.label);
      if (k.arn) whole.push(k.arn, k.arn.replace(/^.*:key\//, ''));
    }
    for (const c of r.clusters) for (const n of c.nodes) names.push(n.label);
  }
  return { names: names.map((n) => n.toLowerCase()), whole: whole.map((n) => n.toLowerCase()) };
}

/**
 * The tenants a search names — what the Find box offers: a tenant, a cluster, a node, a key id, ARN
 * or multi-Region key id — best first: a name given whole before one that only contains the words,
 * a tenant before what it owns, then the fleet's order. Find shows the first, and the next each time
 * it is asked again ("prod/n2" names a node of every tenant).
 */
export function findTenants(tenants: readonly TenantGroup[], search: string): TenantGroup[] {
  const term = search.trim().toLowerCase();
  if (!term) return [];
  const byId = tenants.find((t) => t.id.toLowerCase() === term);
  const names = new Map(tenants.map((t) => [t, namesOf(t)]));
  const ranked = [
    ...(byId ? [byId] : []),
    ...tenants.filter((t) => { const n = names.get(t); return n?.names.includes(term) || n?.whole.includes(term); }),
    ...tenants.filter((t) => t.id.toLowerCase().includes(term)),
    ...tenants.filter((t) => names.get(t)?.names.some((n) => n.includes(term))),
  ];
  return [...new Set(ranked)];
}

/** The tenant a search names first (findTenants). */
export function findTenant(tenants: readonly TenantGroup[], search: string): TenantGroup | undefined {
  return findTenants(tenants, search)[0];
}
