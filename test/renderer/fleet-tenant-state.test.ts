import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-shared/api';
import { fleetCounts, fleetTopology, inTrouble, tenantCountsText, type TenantState } from '../../src-renderer/src/explorer/fleet-model';
import { FleetState } from '../../src-renderer/src/explorer/fleet-state';
import type { HierarchyView } from '../../src-renderer/src/hierarchy-model';

/**
 * A 300-tenant trial, a 3-hour us-east-1 KMS outage with automatic failover: the Explorer's "only
 * tenants with something down or at risk" said 280, every tenant with a key in us-east-1 red though
 * its three nodes served from the us-west-2 replica; the 81 the Drills page called hurt (80 with no
 * replica, 1 revoked) were lost among them. A tenant's row follows what matters to the tenant.
 */
const EAST = 'us-east-1';
const WEST = 'us-west-2';
const arnOf = (region: string, id: string) => `arn:aws:kms:${region}:111122223333:key/${id}`;

type Tenant = {
  /** Its key is multi-Region with a replica in us-west-2. */
  replica: boolean;
  /** Where its nodes call KMS, and how they are. */
  kmsRegion: string;
  status: 'running' | 'failed' | 'stopped';
  /** Which of its key's copies KMS can reach, and whether the service may use it. */
  reachable: Record<string, boolean>;
  serviceAccess?: boolean;
};

function fleet(tenants: Record<string, Tenant>): { topology: RunRecord['topology']; view: HierarchyView } {
  const topology: RunRecord['topology'] = { account: '111122223333', regions: [EAST, WEST], keys: [], clusters: [] };
  const view: HierarchyView = { keys: [], nodes: [], snapshots: [] };
  for (const [id, t] of Object.entries(tenants)) {
    const keyId = t.replica ? `mrk-${id}` : `key-${id}`;
    const replicas = t.replica ? [{ region: WEST, arn: arnOf(WEST, keyId) }] : [];
    topology.keys.push({ id: `${id}-cmk`, tenant: id, arn: arnOf(EAST, keyId), region: EAST, multiRegion: t.replica, replicas });
    topology.clusters.push({ id: `${id}-prod`, tenant: id, key: `${id}-cmk`, nodes: ['n1', 'n2', 'n3'].map((n) => ({ id: n, region: EAST, zone: `${EAST}a` })), databases: ['db1'] });
    for (const region of [EAST, ...replicas.map((r) => r.region)]) {
      view.keys.push({ arn: arnOf(region, keyId), region, name: `${id}-cmk`, state: 'Enabled', reachable: t.reachable[region] ?? true, serviceAccess: t.serviceAccess ?? true });
    }
    for (const n of ['n1', 'n2', 'n3']) {
      view.nodes.push({
        cluster: `${id}-prod`, node: n, status: t.status, kmsRegion: t.kmsRegion, masterKeyVersion: 1, cmkArn: arnOf(t.kmsRegion, keyId),
        databases: [{ name: 'db1', keyVersions: 1 }], cache: t.status === 'running' ? 'cached' : 'none',
      });
    }
  }
  return { topology, view };
}

const outage = { [EAST]: false };
const moment = fleet({
  // Failed over: every node serves from the us-west-2 replica while us-east-1 is out.
  failedOver: { replica: true, kmsRegion: WEST, status: 'running', reachable: outage },
  // Not yet failed over: its nodes serve on cached keys they cannot unwrap again there.
  onCache: { replica: true, kmsRegion: EAST, status: 'running', reachable: outage },
  // No replica: its nodes could not unwrap their master keys when they restarted.
  noReplica: { replica: false, kmsRegion: EAST, status: 'failed', reachable: outage },
  // Its key's access revoked: down, whatever region is out.
  revoked: { replica: true, kmsRegion: WEST, status: 'failed', reachable: outage, serviceAccess: false },
  // Running on cached keys whose access is revoked: still the key is unusable for it.
  revokedOnCache: { replica: true, kmsRegion: EAST, status: 'running', reachable: {}, serviceAccess: false },
  // The replica's region is out, the tenant served from its primary.
  replicaOut: { replica: true, kmsRegion: EAST, status: 'running', reachable: { [WEST]: false } },
  fine: { replica: true, kmsRegion: EAST, status: 'running', reachable: {} },
});

describe("a tenant's row in the Explorer", () => {
  const { tenants } = new FleetState(fleetTopology(moment.topology)).at(moment.view);
  const state = Object.fromEntries(tenants.map((t) => [t.id, t.worst])) as Record<string, TenantState>;

  it('is degraded, not down, when every node serves from a failover replica while its key region is out of reach', () => {
    expect(state.failedOver).toBe('degraded');
    expect(state.replicaOut).toBe('degraded');
    expect(tenants.find((t) => t.id === 'failedOver')!.nodes.ok).toBe(3);
  });

  it('is at risk while its nodes still call KMS in the region out of reach, on cached keys', () => {
    expect(state.onCache).toBe('warn');
  });

  it('is down when its nodes are down or its key is revoked for it, whatever region is out', () => {
    expect(state.noReplica).toBe('down');
    expect(state.revoked).toBe('down');
    expect(state.revokedOnCache).toBe('down');
    expect(state.fine).toBe('ok');
  });

  it('the trouble filter and the fleet counts agree: degraded tenants are counted apart, not as down or at risk', () => {
    expect(tenants.filter(inTrouble).map((t) => t.id)).toEqual(['onCache', 'noReplica', 'revoked', 'revokedOnCache']);
    const counts = fleetCounts(tenants).tenants;
    expect(counts).toEqual({ down: 3, lost: 0, warn: 1, degraded: 2, ok: 1, idle: 0 });
    expect(counts.down + counts.lost + counts.warn).toBe(tenants.filter(inTrouble).length);
    expect(tenantCountsText(counts)).toBe('3 with something down, 1 at risk, 2 degraded, 1 serving');
  });

  it("keeps each key box's own state: the copy out of reach is still shown unusable in its region", () => {
    const boxes = new FleetState(fleetTopology(moment.topology)).at(moment.view).parts.get('failedOver')!.boxes;
    const east = boxes.find((b) => b.kind === 'cmk' && b.sub.startsWith(EAST))!;
    expect([east.state, east.outOfReach]).toEqual(['down', true]);
    expect(east.stateText).toMatch(/^region unreachable/);
  });
});
