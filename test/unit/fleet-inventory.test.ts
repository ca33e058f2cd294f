import { describe, expect, it } from 'vitest';
import { Scenario } from '../../src-shared/scenario';
import { csvRows } from '../../src-main/drill/fleet/csv-rows';
import { InventoryError, readInventory } from '../../src-main/drill/fleet/fleet-inventory';
import { InventoryDrillError, inventoryScenario, type InventoryDrillOptions } from '../../src-main/drill/fleet/inventory-scenario';

/** `keydrill drill fleet`: a platform team's inventory of tenants, read as spreadsheets write CSV, made into a drill. */
const defaults = { nodes: 3, databases: 2 };
const days = (n: number) => ({ text: `${n}d`, ms: n * 86_400_000 });
const hours = (n: number) => ({ text: `${n}h`, ms: n * 3_600_000 });
const options: InventoryDrillOptions = { source: 'tenants.csv', duration: days(30), outageFor: hours(3), seed: 1 };

function problemsOf(text: string): string[] {
  try {
    readInventory(text, 'tenants.csv', defaults);
  } catch (err) {
    if (err instanceof InventoryError) return err.problems;
    throw err;
  }
  throw new Error('the inventory was accepted');
}

describe('CSV rows', () => {
  it('reads a file whose lines end in CR alone, as Excel saves "CSV (Macintosh)", line for line', () => {
    const rows = csvRows('tenant,region,replicas\racme,us-east-1,us-west-2\r"globex\rinc",eu-west-1,\r');
    expect(rows).toEqual([
      { line: 1, fields: ['tenant', 'region', 'replicas'] },
      { line: 2, fields: ['acme', 'us-east-1', 'us-west-2'] },
      { line: 3, fields: ['globex\ninc', 'eu-west-1', ''] },
    ]);
  });

  it('reads quoted fields with commas, quotes and line breaks, CRLF, a byte order mark, and skips blank and # lines', () => {
    const rows = csvRows('\ufeffa,b\r\n# a comment\r\n\r\n"x, y","say ""hi""\nthere"\r\nlast,\n');
    expect(rows).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 4, fields: ['x, y', 'say "hi"\nthere'] },
      { line: 6, fields: ['last', ''] },
    ]);
  });

  it('takes semicolons or tabs as separators when the first line has no comma, as many spreadsheets save CSV', () => {
    expect(csvRows('# exported\ntenant;region;replicas\nacme;us-east-1;"us-west-2,eu-west-1"\n')).toEqual([
      { line: 2, fields: ['tenant', 'region', 'replicas'] },
      { line: 3, fields: ['acme', 'us-east-1', 'us-west-2,eu-west-1'] },
    ]);
    expect(csvRows('tenant\tregion\nacme\tus-east-1\n')[1]?.fields).toEqual(['acme', 'us-east-1']);
    expect(readInventory('tenant;region;replicas\nacme;us-east-1;us-west-2, eu-west-1\n', 'tenants.csv', defaults)[0]?.replicas).toEqual(['us-west-2', 'eu-west-1']);
  });

  it('takes spaces around a quoted field as outside it, as a hand-edited export has them', () => {
    // They were 'a quote inside an unquoted field'.
    expect(csvRows('tenant ; region ; replicas\r\n acme ; us-east-1 ; "us-west-2,eu-west-1" \r\n')[1]?.fields).toEqual(['acme', 'us-east-1', 'us-west-2,eu-west-1']);
    expect(csvRows('tenant,region\n "acme" ,us-east-1\n')[1]?.fields).toEqual(['acme', 'us-east-1']);
  });

  it('names the line and column of a quote never closed, text after a closing quote, or a quote inside a field', () => {
    expect(problemsOf('tenant,region\nacme,"us-east-1\n')).toEqual(['line 2, column 2: a quoted field opened on line 2 is never closed']);
    expect(problemsOf('tenant,region\n"acme"x,us-east-1\n')[0]).toMatch(/^line 2, column 1: text after a closing quote/);
    expect(problemsOf('tenant,region,replicas\nacme,us-east-1,us-west-2 "eu"\n')[0]).toMatch(/^line 2, column 3: a quote inside an unquoted field/);
  });
});

describe('a fleet inventory', () => {
  it('takes each tenant with its region, replicas, counts and zones, and fills what a row leaves out', () => {
    const fleet = readInventory('tenant,region,replicas,nodes,databases,zones\nacme,us-east-1,us-west-2; eu-west-1,2,4,z1;z2\nglobex,eu-west-1,,,,\n', 'tenants.csv', defaults);
    expect(fleet).toEqual([
      { line: 2, tenant: 'acme', region: 'us-east-1', replicas: ['us-west-2', 'eu-west-1'], nodes: 2, databases: 4, zones: ['z1', 'z2'] },
      { line: 3, tenant: 'globex', region: 'eu-west-1', replicas: [], nodes: 3, databases: 2, zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
    ]);
    // Columns may come in any order, and only tenant and region are needed.
    expect(readInventory('Region,Tenant\nus-east-1,acme\n', 'tenants.csv', defaults)[0]).toMatchObject({ tenant: 'acme', region: 'us-east-1', nodes: 3 });
  });

  it("reads a spreadsheet's export with empty columns after the last and rows of separators only, and names a value under an unnamed column", () => {
    const fleet = readInventory('\ufeffTENANT;REGION;REPLICAS;;\r\nacme;us-east-1;us-west-2;;\r\nglobex;eu-west-1;;;;\r\n;;;;\r\n;;;;\r\n', 'tenants.csv', defaults);
    expect(fleet.map((t) => [t.line, t.tenant, t.region, t.replicas])).toEqual([[2, 'acme', 'us-east-1', ['us-west-2']], [3, 'globex', 'eu-west-1', []]]);
    expect(problemsOf('tenant,region,,\nacme,us-east-1,,\nglobex,eu-west-1,,x\n')).toEqual(["line 3, column 4: 'x' is under a column the header does not name; name the column or remove the value"]);
    expect(problemsOf('tenant,region\n,,\n')).toEqual(['no tenants: the header is followed by no row']);
  });

  it('reads past columns that are not its own (an export\'s owner, plan, notes), but refuses a typo of a column the file lacks', () => {
    const ignored: string[] = [];
    const fleet = readInventory('tenant,Owner,region,replicas,nodes,notes\nacme,Ann,us-east-1,us-west-2,2,"big, old"\n', 'tenants.csv', defaults, ignored);
    expect(fleet[0]).toMatchObject({ tenant: 'acme', region: 'us-east-1', replicas: ['us-west-2'], nodes: 2 });
    expect(ignored).toEqual(['Owner', 'notes']);
    // 'notes' beside no 'nodes' column may be a typo of it: refused, as 'replica' beside no 'replicas' (every tenant would lose its replicas).
    expect(problemsOf('tenant,region,notes\nacme,us-east-1,2\n')).toEqual(["line 1: unknown column 'notes' (did you mean 'nodes'?); the columns are tenant, region, replicas, nodes, databases, zones"]);
  });

  it('lists every problem at once, each with its line and column', () => {
    const problems = problemsOf([
      'tenant,region,replica,nodes',
      'acme,us-east-1,us-west-2,3',
    ].join('\n'));
    expect(problems).toEqual(["line 1: unknown column 'replica' (did you mean 'replicas'?); the columns are tenant, region, replicas, nodes, databases, zones"]);
    expect(problemsOf('tenant,nodes\nacme,3\n')).toEqual(["line 1: the column 'region' is needed"]);
    expect(problemsOf('tenant,region\n')).toEqual(['no tenants: the header is followed by no row']);
    expect(problemsOf([
      'tenant,region,replicas,nodes,databases',
      'Acme Corp,us-east-1,,3,2',
      'globex,us-east-1,us-east-1,0,2.5',
      'initech,useast1,,3,2',
      'globex,eu-west-1,us-west-2;us-west-2,3,2',
      'umbrella,us-east-1,,3',
    ].join('\n'))).toEqual([
      "line 2, tenant: expected an id of lower-case letters, digits and dashes, like \"acme\", got 'Acme Corp'",
      "line 3, replicas: 'us-east-1' is the key's own region; a replica lives in another",
      "line 3, nodes: expected a whole number from 1 to 64, got '0'",
      "line 3, databases: expected a whole number from 1 to 64, got '2.5'",
      "line 4, region: expected an AWS region like \"us-east-1\", got 'useast1'",
      "line 5, tenant: 'globex' is already on line 3",
      "line 5, replicas: 'us-west-2' is named twice",
      'line 6: 4 fields where the header names 5 columns',
    ]);
  });

  it('lists at most 25 problems and counts the rest', () => {
    const rows = Array.from({ length: 40 }, (_, i) => `t${i},nowhere`);
    try {
      readInventory(['tenant,region', ...rows].join('\n'), 'tenants.csv', defaults);
      expect.unreachable();
    } catch (err) {
      expect((err as InventoryError).problems).toHaveLength(25);
      expect((err as Error).message).toMatch(/^tenants\.csv: 40 problems:\n {2}line 2, region: .*\n {2}… and 15 more$/s);
    }
  });
});

describe('the drill of an inventory', () => {
  const fleet = readInventory([
    'tenant,region,replicas,nodes,zones',
    'acme,us-east-1,us-west-2,3,',
    'initech,us-east-1,,2,us-east-1a;us-east-1d',
    'globex,eu-west-1,,2,',
  ].join('\n'), 'tenants.csv', defaults);

  it('takes out the region most tenants live in, restarts its zones in turn during the outage, and is a valid scenario', () => {
    const input = inventoryScenario(fleet, options);
    const scenario = Scenario.parse(input);
    expect(scenario.topology.regions).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    expect(scenario.topology.clusters.map((c) => `${c.id}:${c.nodes.map((n) => n.zone).join('/')}`)).toEqual(['acme-prod:us-east-1a/us-east-1b/us-east-1c', 'initech-prod:us-east-1a/us-east-1d', 'globex-prod:eu-west-1a/eu-west-1b']);
    const [outage, ...restarts] = scenario.timeline;
    expect(outage).toMatchObject({ do: 'kms-region-outage', region: 'us-east-1', at: 242 * 3_600_000, duration: 3 * 3_600_000 });
    // Every zone the region's nodes are in restarts, at once and in turn, while KMS is out.
    expect(restarts.map((s) => (s.do === 'node-restart' ? s.zone : s.do))).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d']);
    for (const s of restarts) {
      expect(s.at).toBeGreaterThan(outage?.at ?? Infinity);
      expect(s.at + ('duration' in s ? s.duration ?? 0 : 0)).toBeLessThan((outage?.at ?? 0) + 3 * 3_600_000);
    }
    expect(scenario.description).toContain('1 tenant there has no replica outside it and cannot fail over');
    expect(scenario.expectations.map((e) => e.expect)).toEqual(['no-success-during-outage', 'no-canary-lost']);
  });

  it('restarts every zone while KMS is out in a short outage and in one cut short by the end of the drill, a playable scenario', () => {
    // A 2 s outage restarted the last zones after KMS was back (hiding their tenants that cannot
    // fail over); one starting a minute before the end made a scenario with steps after the end.
    for (const [outageAt, outageFor] of [[undefined, { text: '2s', ms: 2000 }], [{ text: '29d23h59m', ms: 30 * 86_400_000 - 60_000 }, hours(3)]] as const) {
      const scenario = Scenario.parse(inventoryScenario(fleet, { ...options, outageAt, outageFor }));
      const [outage, ...restarts] = scenario.timeline;
      const end = Math.min((outage?.at ?? 0) + outageFor.ms, scenario.duration);
      expect(restarts).toHaveLength(4);
      for (const s of restarts) {
        expect(s.at).toBeGreaterThan(outage?.at ?? Infinity);
        expect(s.at + ('duration' in s ? s.duration ?? 0 : 0)).toBeLessThan(end);
      }
    }
    // An outage that outlasts the drill is written as the part it plays, and said to be cut short.
    const long = Scenario.parse(inventoryScenario(fleet, { ...options, outageFor: days(40) }));
    expect(long.timeline[0]).toMatchObject({ do: 'kms-region-outage', at: (10 * 24 + 2) * 3_600_000, duration: (30 * 24 - 10 * 24 - 2) * 3_600_000 });
    expect(long.description).toContain('a 19d22h KMS outage (of the 40d asked for, cut short by the end of the drill) of us-east-1');
    // Restarts take no time of their own: even a 10 ms outage has them all inside it.
    const brief = Scenario.parse(inventoryScenario(fleet, { ...options, outageFor: { text: '10ms', ms: 10 } }));
    for (const s of brief.timeline.slice(1)) expect(s.at).toBeLessThan((brief.timeline[0]?.at ?? 0) + 10);
  });

  it('refuses an outage region, an outage time or a revoked tenant the inventory does not fit, saying which', () => {
    expect(() => inventoryScenario(fleet, { ...options, outageRegion: 'ap-south-1' })).toThrow(new InventoryDrillError('--outage-region ap-south-1: no tenant of the inventory has a key or node there (its regions: us-east-1, us-west-2, eu-west-1)'));
    expect(() => inventoryScenario(fleet, { ...options, outageAt: days(40) })).toThrow(/the outage at 40d does not start within a 30d drill/);
    expect(() => inventoryScenario(fleet, { ...options, revoke: 'hooli' })).toThrow('--revoke hooli: no such tenant in the inventory');
    // A drill shorter than 2 hours has its default outage half-way (it was refused: 'the outage at 2h does not start within a 1h drill').
    expect(Scenario.parse(inventoryScenario(fleet, { ...options, duration: hours(1) })).timeline[0]).toMatchObject({ do: 'kms-region-outage', at: 30 * 60_000 });
    expect(() => inventoryScenario(fleet, { ...options, duration: { text: '0s', ms: 0 } })).toThrow(new InventoryDrillError('--duration 0s: a drill needs some time to play; give one like 30d'));
    // No outage: no restarts either, and no outage expectation.
    const calm = Scenario.parse(inventoryScenario(fleet, { ...options, outageFor: { text: '0', ms: 0 }, revoke: 'globex' }));
    expect(calm.timeline.map((s) => s.do)).toEqual(['key-policy-revoke']);
    expect(calm.expectations.map((e) => e.expect)).toEqual(['no-canary-lost']);
  });
});
