import { describe, expect, it } from 'vitest';
import { countsText, fleetCounts, noCounts, type TenantGroup } from '../../src-renderer/src/explorer/fleet-model';
import { hierarchyGraph } from '../../src-renderer/src/hierarchy-model';

/** The blast radius of a region on a 200-tenant fleet read "Database keys 1,200 (1200 serving)". */
describe('counts by state', () => {
  it('are written with thousands separators, as the totals beside them are', () => {
    expect(countsText({ ...noCounts(), ok: 1200, down: 12_345 }, 'master')).toBe('12,345 down, 1,200 serving');
    expect(countsText(noCounts(), 'master')).toBe('none');
  });

  // A 1,000-tenant trial: blast radius at a zone restart read "Node master keys 3,000 (1,000 lost, 2,000 serving)" while each row said "crashed".
  it('name each kind of box in its own words: deleted CMKs, lost snapshots, unreadable databases', () => {
    const red = { ...noCounts(), lost: 1000, ok: 2000 };
    expect(countsText(red, 'cmk')).toBe('1,000 deleted, 2,000 serving');
    expect(countsText({ ...noCounts(), down: 1000, ok: 2000 }, 'cmk')).toBe('1,000 unusable, 2,000 serving');
    expect(countsText(red, 'snapshot')).toBe('1,000 lost, 2,000 restorable');
    expect(countsText({ ...noCounts(), down: 4, ok: 2 }, 'database')).toBe('4 unreadable, 2 readable');
    expect(countsText({ ...noCounts(), down: 1, idle: 2 }, 'master')).toBe('1 down, 2 starting');
  });

  it('add up across the fleet, tenant by tenant', () => {
    const tenant = (id: string, nodes: Partial<ReturnType<typeof noCounts>>): TenantGroup => ({
      id, regions: [], clusters: [], nodes: { ...noCounts(), ...nodes }, databases: noCounts(), snapshots: { ...noCounts(), ok: 1 }, keys: { ...noCounts(), down: 1 }, worst: 'down',
    });
    const sum = fleetCounts([tenant('a', { ok: 2, lost: 1 }), tenant('b', { ok: 3 })]);
    expect(sum.nodes).toEqual({ ...noCounts(), ok: 5, lost: 1 });
    expect(sum.keys).toEqual({ ...noCounts(), down: 2 });
    expect(sum.snapshots).toEqual({ ...noCounts(), ok: 2 });
  });
});

/** The same trial: a zone outage turned all 1,000 tenants the colour of deleted keys and lost data. */
describe('a crashed node', () => {
  it('is down (red), not lost (purple): only the key in its memory is gone, and its databases wait for its restart', () => {
    const arn = 'arn:aws:kms:us-east-1:111122223333:key/mrk-1';
    const boxes = hierarchyGraph({
      keys: [{ arn, region: 'us-east-1', name: 'k', state: 'Enabled', reachable: true, serviceAccess: true }],
      nodes: [{ cluster: 'c', node: 'n1', status: 'crashed', kmsRegion: 'us-east-1', masterKeyVersion: 1, cmkArn: arn, databases: [{ name: 'db', keyVersions: 1 }], cache: 'none' }],
      snapshots: [],
    });
    const master = boxes.find((b) => b.kind === 'master')!;
    expect(master.state).toBe('down');
    expect(master.stateText).toMatch(/^crashed: down until it restarts/);
    expect(boxes.find((b) => b.kind === 'database')!.state).toBe('down');
  });
});
