import { didYouMean } from '../../../src-shared/did-you-mean';
import { RegionName, ScenarioId } from '../../../src-shared/scenario';
import { AWS_REGIONS, isKnownRegion } from '../../kms/embedded/regions';
import { csvRows, CsvSyntaxError, type CsvRow } from './csv-rows';

/**
 * A fleet inventory: one CSV row per tenant, as a platform team exports it from its own records —
 *
 *   tenant,region,replicas,nodes,databases,zones
 *   acme,us-east-1,us-west-2,3,2,
 *   globex,eu-west-1,,2,4,eu-west-1a;eu-west-1b
 *
 * tenant and region are needed; replicas (regions of multi-Region replicas of the tenant's key,
 * separated by ';', ',' or spaces; none: a single-Region key), nodes, databases and zones (separated by ';' or ',';
 * the nodes are spread over them in turn; by default the region's a, b and c) may be left out, as
 * columns or per row. Other columns are read past, except one that looks like a typo of a column the
 * file lacks ('replica' with no 'replicas'). Zones are availability zones, best named as AWS names them (us-east-1a): to the
 * drill a zone name used in two regions is one zone, which goes down as a whole. Every problem is
 * reported with its line and column, all of them at once, so a long inventory is fixed in one pass.
 */
export interface InventoryTenant {
  /** The CSV line the tenant's row starts on. */
  line: number;
  tenant: string;
  /** Where the tenant's nodes run and its key (the primary, if multi-Region) lives. */
  region: string;
  replicas: string[];
  nodes: number;
  databases: number;
  zones: string[];
}

export interface InventoryDefaults {
  nodes: number;
  databases: number;
}

/** Nodes and databases of a tenant whose row gives none. */
export const FLEET_DEFAULTS: InventoryDefaults = { nodes: 3, databases: 2 };

export const INVENTORY_COLUMNS = ['tenant', 'region', 'replicas', 'nodes', 'databases', 'zones'] as const;
type Column = (typeof INVENTORY_COLUMNS)[number];

/** A cluster's id is the tenant's with "-prod" added, and ids are at most 63 characters. */
const MAX_TENANT_ID = 58;
/** Beyond this a row is more likely a typo (a pasted count) than a cluster. */
export const MAX_PER_CLUSTER = 64;
/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 25;

export class InventoryError extends Error {
  constructor(readonly file: string, readonly problems: string[], more: number) {
    super(`${file}: ${problems.length + more === 1 ? 'a problem' : `${problems.length + more} problems`}:\n${problems.map((p) => `  ${p}`).join('\n')}${more ? `\n  … and ${more} more` : ''}`);
  }
}

/** `ignored` receives the names of the columns read past (not KeyDrill's), to say so. */
export function readInventory(text: string, file: string, defaults: InventoryDefaults, ignored: string[] = []): InventoryTenant[] {
  let rows: CsvRow[];
  try {
    rows = csvRows(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new InventoryError(file, [`line ${err.line}, column ${err.column}: ${err.message}`], 0);
    throw err;
  }
  const [header, ...written] = rows;
  // A spreadsheet's blank row is only separators (";;;;;"): no tenant, like a blank line.
  const body = written.filter((row) => row.fields.some((f) => f !== ''));
  if (!header) throw new InventoryError(file, [`no header row: the first line names the columns, e.g. ${INVENTORY_COLUMNS.join(',')}`], 0);
  const problems: string[] = [];
  const columns = header.fields.map((name) => name.toLowerCase());
  columns.forEach((name, i) => {
    // A column with no name (a spreadsheet's trailing ";;") is fine while no row puts a value in it.
    if (name === '') return;
    if ((INVENTORY_COLUMNS as readonly string[]).includes(name)) {
      if (columns.indexOf(name) !== i) problems.push(`line ${header.line}: the column '${name}' is named twice`);
      return;
    }
    // A near-miss of a column the file lacks is a typo that would quietly drop its values (every
    // tenant without replicas): refused. Any other column (an export's owner, plan, notes) is ignored.
    const like = didYouMean(name, INVENTORY_COLUMNS);
    if (like && !columns.includes(like)) problems.push(`line ${header.line}: unknown column '${header.fields[i]}' (did you mean '${like}'?); the columns are ${INVENTORY_COLUMNS.join(', ')}`);
    else ignored.push(header.fields[i] as string);
  });
  for (const needed of ['tenant', 'region'] as const) {
    if (!columns.includes(needed)) problems.push(`line ${header.line}: the column '${needed}' is needed`);
  }
  if (problems.length) throw new InventoryError(file, problems, 0);
  if (body.length === 0) throw new InventoryError(file, ['no tenants: the header is followed by no row'], 0);

  const tenants: InventoryTenant[] = [];
  const firstLine = new Map<string, number>();
  for (const row of body) {
    const at = (column: Column) => `line ${row.line}, ${column}`;
    // Empty fields after the header's last column hold nothing (an export's trailing separators).
    let fields = row.fields;
    while (fields.length > columns.length && fields[fields.length - 1] === '') fields = fields.slice(0, -1);
    if (fields.length !== columns.length) {
      problems.push(`line ${row.line}: ${fields.length} field${fields.length === 1 ? '' : 's'} where the header names ${columns.length} columns`);
      continue;
    }
    const unnamed = columns.findIndex((name, i) => name === '' && fields[i] !== '');
    if (unnamed >= 0) {
      problems.push(`line ${row.line}, column ${unnamed + 1}: '${fields[unnamed]}' is under a column the header does not name; name the column or remove the value`);
      continue;
    }
    const value = (column: Column) => {
      const i = columns.indexOf(column);
      return i < 0 ? '' : (fields[i] as string);
    };
    const tenant = value('tenant');
    const idProblem = ScenarioId.safeParse(tenant).success ? (tenant.length > MAX_TENANT_ID ? `at most ${MAX_TENANT_ID} characters (its cluster's id adds "-prod")` : undefined) : 'expected an id of lower-case letters, digits and dashes, like "acme"';
    if (idProblem) problems.push(`${at('tenant')}: ${idProblem}, got '${tenant}'`);
    else if (firstLine.has(tenant)) problems.push(`${at('tenant')}: '${tenant}' is already on line ${firstLine.get(tenant)}`);
    else firstLine.set(tenant, row.line);
    const region = value('region');
    if (!RegionName.safeParse(region).success) problems.push(`${at('region')}: expected an AWS region like "us-east-1", got '${region}'`);
    else if (slipOfRegion(region)) problems.push(`${at('region')}: '${region}' is no AWS region; did you mean '${slipOfRegion(region)}'?`);
    // Regions hold no ',' ';' or space: any of them separates replicas, whatever the file's separator.
    const replicas = value('replicas').split(/[;,\s]+/).filter(Boolean);
    for (const [i, replica] of replicas.entries()) {
      if (!RegionName.safeParse(replica).success) problems.push(`${at('replicas')}: expected AWS regions like "us-west-2" separated by ';', got '${replica}'`);
      else if (slipOfRegion(replica)) problems.push(`${at('replicas')}: '${replica}' is no AWS region; did you mean '${slipOfRegion(replica)}'?`);
      else if (replica === region) problems.push(`${at('replicas')}: '${replica}' is the key's own region; a replica lives in another`);
      else if (replicas.indexOf(replica) !== i) problems.push(`${at('replicas')}: '${replica}' is named twice`);
    }
    const count = (column: 'nodes' | 'databases', fallback: number) => {
      const text = value(column);
      if (text === '') return fallback;
      const n = Number(text);
      if (!/^\d+$/.test(text) || n < 1 || n > MAX_PER_CLUSTER) problems.push(`${at(column)}: expected a whole number from 1 to ${MAX_PER_CLUSTER}, got '${text}'`);
      return n;
    };
    const nodes = count('nodes', defaults.nodes);
    const databases = count('databases', defaults.databases);
    const zones = value('zones').split(/[;,]/).map((z) => z.trim()).filter(Boolean);
    tenants.push({ line: row.line, tenant, region, replicas, nodes, databases, zones: zones.length ? zones : ['a', 'b', 'c'].map((z) => `${region}${z}`) });
  }
  if (problems.length) throw new InventoryError(file, problems.slice(0, MAX_LISTED), Math.max(0, problems.length - MAX_LISTED));
  return tenants;
}

/**
 * The AWS region a region name is a slip for ("us-est-1" for us-east-1), when its area ("us-est") is
 * none AWS has: a region newer than KeyDrill's list in a known area ("ap-southeast-9") is let through,
 * for drills on LocalStack or AWS (the embedded KMS refuses it at the run, naming it).
 */
function slipOfRegion(region: string): string | undefined {
  if (isKnownRegion(region) || KNOWN_AREAS.has(areaOf(region))) return undefined;
  return didYouMean(region, AWS_REGIONS);
}

const areaOf = (region: string) => region.replace(/-\d+$/, '');
const KNOWN_AREAS = new Set(AWS_REGIONS.map(areaOf));
