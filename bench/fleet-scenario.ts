/**
 * A fleet scenario: N tenants, each a cluster of nodes spread over three zones with its own
 * multi-Region CMK (primary in us-east-1, replica in us-west-2), a regional outage of us-east-1 and
 * automatic failover — the shape of a SaaS that offers customer-managed keys to its whole fleet.
 * The drill benchmark uses it; a user can generate one too:
 *
 *   npx tsx bench/fleet-scenario.ts --tenants 1000 --days 30 > fleet.yaml
 *   keydrill drill run fleet.yaml --report fleet.html
 */
import { stringify } from 'yaml';
import type { ScenarioInput } from '../src-shared/scenario';

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
  const outageAt = o.outageAtHours ?? 24 * Math.min(10, Math.max(0, days - 1)) + 2;
  const timeline: NonNullable<ScenarioInput['timeline']> = [];
  if (outageHours > 0 && outageAt < days * 24) {
    timeline.push({ do: 'kms-region-outage', id: 'outage', at: `${outageAt}h`, region: 'us-east-1', duration: `${outageHours}h` });
    // Some nodes restart during the outage (a deploy): with automatic failover they come back on the replica.
    timeline.push({ do: 'zone-outage', id: 'zone-restart', at: `${outageAt}h30m`, zone: 'us-east-1a', duration: '10m' });
  }
  if (o.revokeFirstTenant) timeline.push({ do: 'key-policy-revoke', id: 'revoke', at: '1d', key: `${tenantId(0)}-cmk` });
  return {
    name: `fleet-${o.tenants}-tenants`,
    title: `Fleet of ${o.tenants} tenants: us-east-1 outage with multi-Region keys`,
    description: `${o.tenants} tenants, each a ${nodes}-node cluster with ${dbs} databases and a multi-Region CMK (us-east-1 → us-west-2); ${days} days${timeline.length ? `, a ${outageHours} h us-east-1 KMS outage with automatic failover` : ''}.`,
    source: 'bench/fleet-scenario.ts',
    seed: o.seed ?? 1,
    duration: `${days}d`,
    topology: { regions: ['us-east-1', 'us-west-2'], tenants, clusters },
    policy: { cache: { maxAge: '24h', maxOperations: 5_000_000 }, healthCheck: '5m', onKeyAccessLoss: { action: 'shut-down', afterFailedChecks: 3 }, failover: 'automatic' },
    workload: { opsPerSecondPerDatabase: o.opsPerSecondPerDatabase ?? 20, canaryEvery: o.canaryEvery ?? '1h' },
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
      if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got '${value}'`);
      i++;
      return n;
    };
    if (flag === '--tenants') opts.tenants = Math.max(1, Math.floor(num()));
    else if (flag === '--days') opts.days = num();
    else if (flag === '--nodes') opts.nodesPerCluster = Math.max(1, Math.floor(num()));
    else if (flag === '--databases') opts.databasesPerCluster = Math.max(1, Math.floor(num()));
    else if (flag === '--outage-hours') opts.outageHours = num();
    else if (flag === '--seed') opts.seed = Math.floor(num());
    else if (flag === '--revoke-first-tenant') opts.revokeFirstTenant = true;
    else throw new Error(`unknown option '${flag}' (known: --tenants N --days N --nodes N --databases N --outage-hours N --seed N --revoke-first-tenant; --help)`);
  }
  process.stdout.write(`# Generated by bench/fleet-scenario.ts ${argv.join(' ')}\n${stringify(fleetScenario(opts), { lineWidth: 0 })}`);
}

if (process.argv[1] && /fleet-scenario\.ts$/.test(process.argv[1])) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`fleet-scenario: ${(err as Error).message}`);
    process.exit(2);
  }
}
