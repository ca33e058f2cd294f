import { formatDuration } from '../../../src-shared/duration';
import type { ScenarioInput } from '../../../src-shared/scenario';
import type { InventoryTenant } from './fleet-inventory';

/**
 * A drill of a fleet: every tenant a cluster with its own CMK, a KMS outage of one region, and
 * automatic failover to the tenant's replicas. Tenants whose key has no replica outside the region
 * cannot fail over: the drill shows which those are and how long they are down. The bench's
 * generated fleets (bench/fleet-scenario.ts) and `keydrill drill fleet` share the policy and
 * workload below, so a bench fleet is an inventory fleet of uniform tenants.
 */
export const FLEET_POLICY = {
  cache: { maxAge: '24h', maxOperations: 5_000_000 },
  healthCheck: '5m',
  onKeyAccessLoss: { action: 'shut-down', afterFailedChecks: 3 },
  failover: 'automatic',
} as const satisfies ScenarioInput['policy'];

export const FLEET_WORKLOAD = { opsPerSecondPerDatabase: 20, canaryEvery: '1h' } as const;

/** The outage by default: on day 11 (or the last day of a shorter drill), two hours in. */
export function defaultOutageAtHours(days: number): number {
  return 24 * Math.min(10, Math.max(0, days - 1)) + 2;
}

/** A duration as the user wrote it ("30d") and in milliseconds. */
export interface WrittenDuration {
  text: string;
  ms: number;
}

export interface InventoryDrillOptions {
  /** The inventory's file name, for the scenario's name and source. */
  source: string;
  duration: WrittenDuration;
  /** The region whose KMS goes out; by default the one most tenants' keys live in. */
  outageRegion?: string | undefined;
  /** When the outage starts; by default as defaultOutageAtHours says. */
  outageAt?: WrittenDuration | undefined;
  /** How long it lasts; 0: no outage. */
  outageFor: WrittenDuration;
  /** A tenant that revokes the service's access to its key after day 1, for the rest of the drill. */
  revoke?: string | undefined;
  /** Every tenant's cluster must be serving at least this percentage of the drill (an expectation judged for each). */
  availability?: number | undefined;
  seed: number;
}

/** What `keydrill drill fleet` and the Drills page take when told nothing else: 30 days, a 3 h outage, seed 1. */
export const FLEET_DRILL_DEFAULTS = {
  duration: { text: '30d', ms: 30 * 86_400_000 },
  outageFor: { text: '3h', ms: 3 * 3_600_000 },
  seed: 1,
} as const satisfies Partial<InventoryDrillOptions>;

export class InventoryDrillError extends Error {}

const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;

export function inventoryScenario(fleet: readonly InventoryTenant[], o: InventoryDrillOptions): ScenarioInput {
  const keyId = (t: InventoryTenant) => `${t.tenant}-cmk`;
  const regions = [...new Set(fleet.flatMap((t) => [t.region, ...t.replicas]))];
  const outageRegion = o.outageRegion ?? busiestRegion(fleet);
  if (!regions.includes(outageRegion)) throw new InventoryDrillError(`--outage-region ${outageRegion}: no tenant of the inventory has a key or node there (its regions: ${regions.join(', ')})`);
  if (o.duration.ms <= 0) throw new InventoryDrillError(`--duration ${o.duration.text}: a drill needs some time to play; give one like 30d`);
  // A drill shorter than the default's 2 hours has its outage half-way through.
  const atMs = Math.min(defaultOutageAtHours(o.duration.ms / DAY_MS) * 60 * MINUTE_MS, Math.floor(o.duration.ms / 2));
  const outageAt = o.outageAt ?? { text: formatDuration(atMs), ms: atMs };
  const outage = o.outageFor.ms > 0;
  if (outage && outageAt.ms >= o.duration.ms) throw new InventoryDrillError(`the outage at ${outageAt.text} does not start within a ${o.duration.text} drill; give a longer --duration or an earlier --outage-at`);
  // An outage that outlasts the drill is cut to the part the drill plays, and its description says
  // so: the scenario and the report named the whole length asked for, which was never played.
  const left = o.duration.ms - outageAt.ms;
  const cut = outage && o.outageFor.ms > left;
  const outageFor = cut ? { text: formatDuration(left), ms: left } : o.outageFor;
  const revoked = o.revoke === undefined ? undefined : fleet.find((t) => t.tenant === o.revoke);
  if (o.revoke !== undefined && !revoked) throw new InventoryDrillError(`--revoke ${o.revoke}: no such tenant in the inventory`);
  if (revoked && o.duration.ms <= DAY_MS) throw new InventoryDrillError(`--revoke ${o.revoke}: the revocation comes after day 1; give a --duration longer than 1d`);

  const timeline: NonNullable<ScenarioInput['timeline']> = [];
  if (outage) timeline.push({ do: 'kms-region-outage', id: 'outage', at: outageAt.text, region: outageRegion, duration: outageFor.text });
  // A cached key outlives an outage of hours: only a node that needs KMS then shows whether its
  // tenant can fail over. So the region's zones restart in turn during the outage (a rolling deploy).
  // The restarts fit in the part of the outage the drill plays (one that starts near its end is cut short).
  const zones = outage ? rollingRestart(fleet, outageRegion, outageAt.ms, outageFor.ms) : [];
  for (const [i, z] of zones.entries()) timeline.push({ do: 'node-restart', id: `restart-${i + 1}`, at: z.at, zone: z.zone });
  if (revoked) timeline.push({ do: 'key-policy-revoke', id: 'revoke', at: '1d', key: keyId(revoked) });
  const exposed = fleet.filter((t) => t.region === outageRegion && !t.replicas.some((r) => r !== outageRegion)).length;
  const count = (n: number, noun: string) => `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
  return {
    name: `fleet-${slug(o.source)}`,
    title: `Fleet of ${count(fleet.length, 'tenant')} from ${o.source}${outage ? `: ${outageRegion} outage` : ''}${revoked ? `, ${revoked.tenant} revoked` : ''}`,
    description: `${count(fleet.length, 'tenant')} from the inventory ${o.source}, each a cluster with its own CMK; ${o.duration.text}${outage ? `, a ${outageFor.text} KMS outage${cut ? ` (of the ${o.outageFor.text} asked for, cut short by the end of the drill)` : ''} of ${outageRegion} with automatic failover to the tenants' replicas${zones.length ? `; during it the region's ${zones.length === 1 ? 'zone restarts' : `${zones.length} zones restart in turn`}, so every node there needs its keys` : ''}. ${count(exposed, 'tenant')} there ha${exposed === 1 ? 's' : 've'} no replica outside it and cannot fail over` : ''}${revoked ? `; ${revoked.tenant} revokes the service's access to its key after day 1, for the rest of the drill` : ''}.`,
    source: `keydrill drill fleet ${o.source}`,
    seed: o.seed,
    duration: o.duration.text,
    topology: {
      regions,
      tenants: fleet.map((t) => ({ id: t.tenant, keys: [{ id: keyId(t), region: t.region, multiRegion: t.replicas.length > 0, replicas: t.replicas }] })),
      clusters: fleet.map((t) => ({
        id: `${t.tenant}-prod`,
        tenant: t.tenant,
        key: keyId(t),
        nodes: Array.from({ length: t.nodes }, (_, n) => ({ id: `n${n + 1}`, region: t.region, zone: t.zones[n % t.zones.length] as string })),
        databases: Array.from({ length: t.databases }, (_, d) => `db${d + 1}`),
      })),
    },
    policy: FLEET_POLICY,
    workload: FLEET_WORKLOAD,
    timeline,
    expectations: [
      ...(outage ? [{ expect: 'no-success-during-outage' as const, region: outageRegion }] : []),
      { expect: 'no-canary-lost' as const },
      ...(o.availability !== undefined ? [{ expect: 'availability' as const, atLeast: o.availability }] : []),
    ],
  };
}

/**
 * Each zone of the region's nodes restarted at once, in turn, from half an hour into the outage and
 * all within its first half (at most 10 minutes apart), so every node there starts again while KMS
 * is out — in a short outage too: a zone restarted after KMS is back would hide its tenants that
 * cannot fail over. A restart takes no time of its own: a tenant whose nodes all sit in one zone and
 * whose key has a replica fails over at once, and is not counted down for the restart itself.
 */
function rollingRestart(fleet: readonly InventoryTenant[], region: string, atMs: number, forMs: number): { zone: string; at: string }[] {
  const zones = [...new Set(fleet.filter((t) => t.region === region).flatMap((t) => t.zones.slice(0, t.nodes)))];
  if (zones.length === 0) return [];
  const start = atMs + Math.min(30 * MINUTE_MS, Math.floor(forMs / 4));
  const each = Math.min(10 * MINUTE_MS, Math.floor(forMs / 4 / zones.length));
  return zones.map((zone, i) => ({ zone, at: formatDuration(start + i * each) }));
}

/** The region most tenants' keys and nodes live in. */
function busiestRegion(fleet: readonly InventoryTenant[]): string {
  return busiest(fleet.map((t) => t.region)) ?? 'us-east-1';
}

/** The value named most often (the first named on a tie). */
function busiest(values: readonly string[]): string | undefined {
  const tally = new Map<string, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of tally) if (best === undefined || n > (tally.get(best) ?? 0)) best = v;
  return best;
}

/** "tenants (2).csv" → "tenants-2": the scenario's name from its inventory's file name. */
function slug(file: string): string {
  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'inventory';
}
