/**
 * A fleet scenario: N tenants, each a cluster of nodes spread over three zones with its own
 * multi-Region CMK (primary in us-east-1, replica in us-west-2), a regional outage of us-east-1 and
 * automatic failover — the shape of a SaaS that offers customer-managed keys to its whole fleet.
 * The drill benchmark uses it; a user can generate one too:
 *
 *   npx tsx bench/fleet-scenario.ts --tenants 1000 --days 30 > fleet.yaml
 *   keydrill drill run fleet.yaml --report fleet.html
 *
 * A drill of a real fleet, from an inventory of its tenants, is `keydrill drill fleet tenants.csv`.
 */
import { stringify } from 'yaml';
import type { ScenarioInput } from '../src-shared/scenario';
import { defaultOutageAtHours, FLEET_POLICY, FLEET_WORKLOAD } from '../src-main/drill/fleet/inventory-scenario';

export interface FleetOptions {
  tenants: number;
  days?: number;
  nodesPerCluster?: number;
  databasesPerCluster?: number;
  /** Hours into the drill the us-east-1 outage starts, and how long it lasts (0: no outage). */
  outageAtHours?: number;
  outageHours?: number;
  /** Simulated key revocation of one tenant for the whole drill after day 1 (the "revoked for a year" case). */
  revokeFirstTenant?: boolean;
  opsPerSecondPerDatabase?: number;
  canaryEvery?: string;
  seed?: number;
}

const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

export function fleetScenario(o: FleetOptions): ScenarioInput {
  const days = o.days ?? 30;
  const nodes = o.nodesPerCluster ?? 3;
  const dbs = o.databasesPerCluster ?? 2;
  const width = String(o.tenants).length;
  const tenantId = (i: number) => `t${String(i + 1).padStart(width, '0')}`;
  const tenants = Array.from({ length: o.tenants }, (_, i) => ({
    id: tenantId(i),
    keys: [{ id: `${tenantId(i)}-cmk`, region: 'us-east-1', multiRegion: true, replicas: ['us-west-2'] }],
  }));
  const clusters = tenants.map((t) => ({
    id: `${t.id}-prod`,
    tenant: t.id,
    key: `${t.id}-cmk`,
    nodes: Array.from({ length: nodes }, (_, n) => ({ id: `n${n + 1}`, region: 'us-east-1', zone: ZONES[n % ZONES.length] as string })),
    databases: Array.from({ length: dbs }, (_, d) => `db${d + 1}`),
  }));
  const outageHours = o.outageHours ?? 3;
  const outageAt = o.outageAtHours ?? defaultOutageAtHours(days);
  const timeline: NonNullable<ScenarioInput['timeline']> = [];
  if (outageHours > 0 && outageAt < days * 24) {
    timeline.push({ do: 'kms-region-outage', id: 'outage', at: `${outageAt}h`, region: 'us-east-1', duration: `${outageHours}h` });
    // Some nodes restart during the outage (a deploy): with automatic failover they come back on the replica.
    timeline.push({ do: 'zone-outage', id: 'zone-restart', at: `${outageAt}h30m`, zone: 'us-east-1a', duration: '10m' });
  }
  const outageStep = timeline.length > 0;
  const tenantCount = `${o.tenants} tenant${o.tenants === 1 ? '' : 's'}`;
  if (o.revokeFirstTenant) timeline.push({ do: 'key-policy-revoke', id: 'revoke', at: '1d', key: `${tenantId(0)}-cmk` });
  return {
    name: `fleet-${o.tenants}-tenants`,
    title: `Fleet of ${tenantCount}${outageStep ? ': us-east-1 outage' : ''} with multi-Region keys${o.revokeFirstTenant ? `, ${tenantId(0)} revoked` : ''}`,
    description: `${tenantCount}, each a ${nodes}-node cluster with ${dbs} databases and a multi-Region CMK (us-east-1 → us-west-2); ${days} days${outageStep ? `, a ${outageHours} h us-east-1 KMS outage with automatic failover` : ''}${o.revokeFirstTenant ? `; ${tenantId(0)} revokes the service's access to its key after day 1, for the rest of the drill` : ''}.`,
    source: 'bench/fleet-scenario.ts',
    seed: o.seed ?? 1,
    duration: `${days}d`,
    topology: { regions: ['us-east-1', 'us-west-2'], tenants, clusters },
    policy: FLEET_POLICY,
    workload: { opsPerSecondPerDatabase: o.opsPerSecondPerDatabase ?? FLEET_WORKLOAD.opsPerSecondPerDatabase, canaryEvery: o.canaryEvery ?? FLEET_WORKLOAD.canaryEvery },
    timeline,
    expectations: [
      ...(timeline.some((s) => s.id === 'outage') ? [{ expect: 'no-success-during-outage' as const, region: 'us-east-1' }] : []),
      { expect: 'no-canary-lost' as const },
    ],
  };
}

const USAGE = `usage: npx tsx bench/fleet-scenario.ts [options] > fleet.yaml

Writes a fleet scenario (YAML) to stdout: N tenants, each a cluster with its own multi-Region CMK
(us-east-1, replica in us-west-2), a us-east-1 KMS outage and automatic failover.

  --tenants N            tenants, each one cluster (default 100)
  --days N               how long the drill runs (default 30)
  --nodes N              nodes per cluster (default 3)
  --databases N          databases per cluster (default 2)
  --outage-hours N       how long us-east-1 is out, 0 for none (default 3)
  --seed N               the scenario's seed (default 1)
  --revoke-first-tenant  revoke the first tenant's key after day 1, for the rest of the drill
  -h, --help             this text
`;

function main(argv: string[]): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const opts: FleetOptions = { tenants: 100 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const num = () => {
      const n = Number(value);
      if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got '${value ?? ''}'`);
      i++;
      return n;
    };
    // Counts are whole and at least 1: 0 tenants or 2.7 nodes is a typo, not a fleet to round into one.
    const whole = (min: number) => {
      const n = num();
      if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs a whole number of at least ${min}, got '${value}'`);
      return n;
    };
    if (flag === '--tenants') opts.tenants = whole(1);
    else if (flag === '--days') {
      opts.days = num();
      if (opts.days <= 0) throw new Error(`--days needs a number above 0, got '${value}'`);
    } else if (flag === '--nodes') opts.nodesPerCluster = whole(1);
    else if (flag === '--databases') opts.databasesPerCluster = whole(1);
    else if (flag === '--outage-hours') opts.outageHours = num();
    else if (flag === '--seed') opts.seed = whole(0);
    else if (flag === '--revoke-first-tenant') opts.revokeFirstTenant = true;
    else throw new Error(`unknown option '${flag}' (known: --tenants N --days N --nodes N --databases N --outage-hours N --seed N --revoke-first-tenant; --help)`);
  }
  const scenario = fleetScenario(opts);
  const outage = scenario.timeline?.find((step) => step.id === 'outage');
  if (opts.outageHours && !outage) throw new Error(`--outage-hours ${opts.outageHours}: a ${opts.days ?? 30}-day drill ends before its outage would start; give more --days`);
  process.stdout.write(`# Generated by bench/fleet-scenario.ts ${argv.join(' ')}\n${stringify(scenario, { lineWidth: 0 })}`);
}

if (process.argv[1] && /fleet-scenario\.ts$/.test(process.argv[1])) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`fleet-scenario: ${(err as Error).message}`);
    process.exit(2);
  }
}
