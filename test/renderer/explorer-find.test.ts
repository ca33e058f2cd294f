import { describe, expect, it } from 'vitest';
import { findTenant, findTenants } from '../../src-renderer/src/explorer/find-tenant';
import { noCounts, type TenantGroup } from '../../src-renderer/src/explorer/fleet-model';
import type { GraphNode } from '../../src-renderer/src/hierarchy-model';

/**
 * The Explorer's Find box says it takes "tenant, cluster, node, key id…": each of these jumps to
 * the tenant that owns it (a fleet of 200 tenants refused a node or a key id as "no tenant or cluster matches").
 */
const box = (over: Partial<GraphNode>): GraphNode => ({ id: over.label ?? 'x', kind: 'cmk', label: 'x', sub: '', state: 'ok', stateText: '', column: 0, row: 0, ...over });

function tenant(id: string): TenantGroup {
  const mrk = `mrk-${id}0000aaaa`;
  return {
    id,
    clusters: [`${id}-prod`],
    regions: [
      { region: 'us-east-1', keys: [box({ id: `cmk:${id}`, label: `${id}-cmk`, sub: 'us-east-1', arn: `arn:aws:kms:us-east-1:111122223333:key/${mrk}` })],
        clusters: [{ id: `${id}-prod`, counts: noCounts(), nodes: [1, 2, 3].map((n) => box({ id: `master:${id}-prod/n${n}`, kind: 'master', label: `${id}-prod/n${n}`, cluster: `${id}-prod`, node: `n${n}` })) }] },
      { region: 'us-west-2', keys: [box({ id: `cmk:${id}:w`, label: `${id}-cmk replica`, sub: 'us-west-2', arn: `arn:aws:kms:us-west-2:111122223333:key/${mrk}` })], clusters: [] },
    ],
    nodes: noCounts(), databases: noCounts(), snapshots: noCounts(), keys: noCounts(), worst: 'ok',
  };
}

const fleet = ['t001', 't015', 't150', 't151'].map(tenant);

describe('the Explorer finds the tenant a search names', () => {
  it('by its id, exactly before partly, whatever the case and spaces', () => {
    expect(findTenant(fleet, 't15')?.id).toBe('t150');
    expect(findTenant(fleet, ' T151 ')?.id).toBe('t151');
    expect(findTenant(fleet, 't015')?.id).toBe('t015');
  });

  it('by a cluster', () => {
    expect(findTenant(fleet, 't150-prod')?.id).toBe('t150');
  });

  it('by a node, as the graph names it (cluster/node)', () => {
    expect(findTenant(fleet, 't150-prod/n2')?.id).toBe('t150');
  });

  it('by a key id, a key ARN or its multi-Region key id', () => {
    expect(findTenant(fleet, 't151-cmk')?.id).toBe('t151');
    expect(findTenant(fleet, 'arn:aws:kms:us-west-2:111122223333:key/mrk-t0150000aaaa')?.id).toBe('t015');
    expect(findTenant(fleet, 'mrk-t1500000aaaa')?.id).toBe('t150');
  });

  // A UI trial: "db1" opened the tenant whose key id was mrk-bdb1d375…, as if a name had matched.
  it('takes a key id or ARN whole only: a few of its random letters name nothing', () => {
    expect(findTenant(fleet, '0000aa')).toBeUndefined();
    expect(findTenant(fleet, 'mrk-t15')).toBeUndefined();
  });

  // A UI trial: "prod/n2" names a node of every tenant, and Find showed the first with no word of the others.
  it('lists every tenant a search names, best first, for Find to go through one after another', () => {
    expect(findTenants(fleet, 'prod/n2').map((t) => t.id)).toEqual(['t001', 't015', 't150', 't151']);
    expect(findTenants(fleet, 't15').map((t) => t.id)).toEqual(['t150', 't151']);
    // The tenant named whole first, then the others the words are in.
    expect(findTenants(fleet, 't151').map((t) => t.id)).toEqual(['t151']);
    expect(findTenants(fleet, 't150-prod/n2').map((t) => t.id)).toEqual(['t150']);
  });

  it('finds nothing for a word that names nothing, or for an empty search', () => {
    expect(findTenant(fleet, 'nosuch')).toBeUndefined();
    expect(findTenant(fleet, '   ')).toBeUndefined();
  });
});
