import { readFileSync } from 'node:fs';
import { Duration, percent } from '../../src-shared/scenario';
import { FLEET_DEFAULTS, InventoryError, INVENTORY_COLUMNS, MAX_PER_CLUSTER } from '../drill/fleet/fleet-inventory';
import { fleetScenarioText } from '../drill/fleet/fleet-scenario-text';
import { FLEET_DRILL_DEFAULTS, InventoryDrillError, type WrittenDuration } from '../drill/fleet/inventory-scenario';
import { defineCommand } from './command-spec';
import { seedOption } from './drill-run';
import { EXIT_OK, UsageError } from './usage-error';

/** An inventory larger than this is not a list of tenants (the scenario it makes could not be played either). */
const MAX_INVENTORY_BYTES = 16 * 1024 * 1024;

/**
 * `keydrill drill fleet tenants.csv > fleet.yaml`: a drill of the user's own fleet, from the
 * inventory of its tenants (fleet-inventory.ts), printed as a scenario file to run, keep and change.
 */
export const drillFleetCommand = defineCommand({
  path: ['drill', 'fleet'],
  summary: 'write a scenario that drills your fleet, from a CSV inventory of its tenants',
  description: `Reads a CSV inventory, one row per tenant, with the columns ${INVENTORY_COLUMNS.join(', ')} (tenant and region are needed; replicas are the regions of the tenant key's multi-Region replicas, separated by ';'; a file saved with semicolons or tabs between fields is read too; other columns are read past and named on stderr, unless one looks like a typo of a column the file lacks), and prints a scenario: every tenant a cluster with its own CMK, a KMS outage of one region, automatic failover to the replicas. Tenants with no replica outside that region cannot fail over; the drill's report shows which and for how long. Every problem in the inventory is listed with its line, exit 2.`,
  args: [{ name: 'inventory', complete: 'file', description: 'the CSV inventory of tenants' }],
  options: {
    duration: { type: 'string', value: 'DURATION', description: 'how long the drill runs (default 30d)' },
    'outage-region': { type: 'string', value: 'REGION', description: 'the region whose KMS goes out (default: the one most tenants live in)' },
    'outage-at': { type: 'string', value: 'DURATION', description: 'when the outage starts (default: day 11, or the last day of a shorter drill, 2h in; half-way through a drill of under 4h)' },
    'outage-for': { type: 'string', value: 'DURATION', description: 'how long the outage lasts; 0 for none (default 3h)' },
    revoke: { type: 'string', value: 'TENANT', description: 'this tenant revokes the service\'s access to its key after day 1, for the rest of the drill' },
    availability: { type: 'string', value: 'PERCENT', description: 'every tenant must be serving at least this much of the drill, like 99.9: one verdict names the tenants that were not (none by default)' },
    nodes: { type: 'string', value: 'N', description: 'nodes of a tenant whose row gives none (default 3)' },
    databases: { type: 'string', value: 'N', description: 'databases of a tenant whose row gives none (default 2)' },
    seed: { type: 'string', value: 'N', description: 'the scenario\'s random seed (default 1)' },
  },
  examples: [
    { command: 'keydrill drill fleet tenants.csv > fleet.yaml', note: 'a 30-day drill with an outage of the busiest region' },
    { command: 'keydrill drill fleet tenants.csv --outage-region eu-west-1 --outage-for 6h > eu.yaml', note: 'another region, a longer outage' },
    { command: 'keydrill drill run fleet.yaml --report fleet.html', note: 'then run it' },
  ],
  async run({ values, positionals }) {
    const file = positionals[0] as string;
    const defaults = { nodes: countOption('--nodes', values.nodes, FLEET_DEFAULTS.nodes), databases: countOption('--databases', values.databases, FLEET_DEFAULTS.databases) };
    const text = readInventoryFile(file);
    try {
      const { text: yaml, ignored } = fleetScenarioText(text, file, defaults, {
        duration: values.duration === undefined ? FLEET_DRILL_DEFAULTS.duration : durationOption('--duration', values.duration),
        outageRegion: values['outage-region'],
        outageAt: values['outage-at'] === undefined ? undefined : durationOption('--outage-at', values['outage-at']),
        outageFor: values['outage-for'] === undefined ? FLEET_DRILL_DEFAULTS.outageFor : durationOption('--outage-for', values['outage-for']),
        revoke: values.revoke,
        availability: values.availability === undefined ? undefined : percentOption('--availability', values.availability),
        seed: values.seed === undefined ? FLEET_DRILL_DEFAULTS.seed : seedOption(values.seed),
      });
      process.stdout.write(yaml);
      // On stderr: stdout is the scenario file.
      if (ignored.length) console.error(`drill fleet: read past the column${ignored.length === 1 ? '' : 's'} ${ignored.map((c) => `'${c}'`).join(', ')} of ${file} (not one of ${INVENTORY_COLUMNS.join(', ')})`);
      return EXIT_OK;
    } catch (err) {
      if (err instanceof InventoryError) throw new UsageError(`drill fleet: ${err.message}`, { path: file });
      if (err instanceof InventoryDrillError) throw new UsageError(`drill fleet: ${err.message}`);
      throw err;
    }
  },
});

function readInventoryFile(file: string): string {
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_INVENTORY_BYTES) throw new UsageError(`drill fleet: ${file}: larger than ${MAX_INVENTORY_BYTES / 1024 / 1024} MiB; an inventory has one short row per tenant`, { path: file });
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    if (err instanceof TypeError) throw new UsageError(`drill fleet: ${file}: not UTF-8 text; save the inventory as CSV (UTF-8)`, { path: file });
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`drill fleet: ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'this is a folder, not a CSV file' : `cannot read the file (${code ?? (err as Error).message})`}`, { path: file });
  }
}

function durationOption(option: string, value: string): WrittenDuration {
  const parsed = Duration.safeParse(value);
  if (!parsed.success) throw new UsageError(`${option} must be a duration like 30d, 6h or 1h30m, got '${value}'`, { option });
  return { text: value.trim(), ms: parsed.data };
}

function percentOption(option: string, value: string): number {
  const parsed = percent(option).safeParse(/^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value.trim());
  if (parsed.success) return parsed.data;
  // 0.999 is refused as ambiguous, with what to write instead (scenario.ts's percent()).
  const ambiguous = parsed.error.issues.find((i) => i.message.includes('reads as'));
  throw new UsageError(ambiguous?.message ?? `${option} must be a percentage from 0 to 100, like 99.9 or 99.9%, got '${value}'`, { option });
}

function countOption(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_PER_CLUSTER) throw new UsageError(`${option} must be a whole number from 1 to ${MAX_PER_CLUSTER}, got '${value}'`, { option });
  return Number(value);
}
