/**
 * `npm run bench -- drill [--tenants 10,100,1000] [--runtime node,electron] [--repeat N] [--skip-year]`:
 *  1. the fleet sweep: a generated fleet (bench/fleet-scenario.ts: each tenant a 3-node cluster with 2
 *     databases and a multi-Region key, 30 days, a 3 h us-east-1 outage with automatic failover, hourly
 *     canaries) at each size, each in a process of its own — wall time, time per KMS call and per
 *     event, peak RSS and the bytes of the stored run, as ratios to the smallest size (the baseline).
 *     With --repeat N every size is played N times, the runtimes taking turns, and the table shows
 *     the run of median wall time with the range of all N: on a shared 2-core VM one process may
 *     take 5–10 % longer than the next for nothing it did;
 *  2. "revoked for a year": the 10-tenant fleet for 365 days with and without one tenant's key
 *     revoked from day 1 — a node that cannot do anything costs nothing while nothing changes for it;
 *  3. the year-long built-in scenario over 1, 30 and 365 days: wall time tracks events, not simulated time.
 * 1 and 2 run on each runtime asked for (both by default), each against its own baseline: `node` is the
 * Node running this (the CLI's), `electron` the Node of Electron 40 that the desktop app's main process
 * plays drills on (bench/lib/electron-node.ts fetches it and builds better-sqlite3 for it, once). 3 runs
 * on this Node.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourceUsage } from 'node:process';
import type { Scenario } from '../src-shared/scenario';
import { runDrill } from '../src-main/drill/drill-runner';
import { builtInScenarios } from '../src-main/drill/scenario-catalog';
import type { FleetOptions } from './fleet-scenario';
import { ELECTRON_MAJOR, ensureElectronNode } from './lib/electron-node';
import type { FleetMeasurement } from './lib/fleet-drill-run';
import { printTable } from './lib/stats';

const DAY = 86_400_000;

function shortened(scenario: Scenario, days: number): Scenario {
  const duration = days * DAY;
  return { ...scenario, duration, timeline: scenario.timeline.filter((s) => s.at < duration), expectations: [] };
}

/** A Node to run the fleet drills on, and how to start it. */
interface Runtime {
  name: 'node' | 'electron';
  title: string;
  node: string;
  execArgv: string[];
  env: Record<string, string>;
}

interface FleetResult {
  runtime: Runtime['name'];
  title: string;
  /** Per size, its run (of median wall time, when repeated). */
  sweep: FleetMeasurement[];
  /** Per size, every run, when repeated. */
  runs?: FleetMeasurement[][];
  revoked: FleetMeasurement[];
}

/** The runtimes asked for; Electron's Node only if it can be had (why not, in one line, if not). */
function runtimes(argv: string[]): { list: Runtime[]; unavailable?: string } | { error: string } {
  const arg = argv[argv.indexOf('--runtime') + 1];
  const names = argv.includes('--runtime') && arg ? arg.split(',') : ['node', 'electron'];
  const unknown = names.filter((n) => n !== 'node' && n !== 'electron');
  if (unknown.length > 0) return { error: `unknown runtime ${unknown.join(', ')}; --runtime takes node, electron or both` };
  const system: Runtime = { name: 'node', title: `CLI on this machine's Node ${process.versions.node}`, node: process.execPath, execArgv: [], env: {} };
  const list: Runtime[] = [];
  let unavailable: string | undefined;
  for (const name of new Set(names)) {
    if (name === 'node') list.push(system);
    else {
      const electron = ensureElectronNode();
      if ('reason' in electron) {
        unavailable = `Electron ${ELECTRON_MAJOR}'s Node is not measured: ${electron.reason}`;
        console.log(unavailable);
      } else list.push({ name: 'electron', title: `desktop app's runtime: Node ${electron.version}, the Node of Electron ${ELECTRON_MAJOR}`, node: electron.node, execArgv: ['--require', electron.hooks], env: electron.env });
    }
  }
  if (list.length === 0) list.push(system);
  return unavailable ? { list, unavailable } : { list };
}

/** One fleet drill in a child process (its peak RSS is its own). */
function measureFleet(runtime: Runtime, options: FleetOptions, dir: string): FleetMeasurement {
  const out = execFileSync(runtime.node, [...runtime.execArgv, '--import', 'tsx', 'bench/lib/fleet-drill-run.ts', JSON.stringify(options), join(dir, `runs-${runtime.name}-${options.tenants}-${options.days ?? 30}.sqlite`)], {
    encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...runtime.env },
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as FleetMeasurement;
}

/** Every size played `repeat` times on every runtime, the runtimes taking turns: per runtime, per size, its runs. */
function sweepRuns(list: Runtime[], sizes: number[], repeat: number, dir: string): Map<Runtime, FleetMeasurement[][]> {
  const runs = new Map(list.map((r) => [r, sizes.map((): FleetMeasurement[] => [])]));
  for (let i = 0; i < repeat; i++) {
    for (const runtime of list) sizes.forEach((tenants, s) => runs.get(runtime)![s]!.push(measureFleet(runtime, { tenants, days: 30 }, dir)));
  }
  return runs;
}

/** The run of median wall time (the lower middle of an even count): its other figures are that run's, not medians of different runs. */
function medianRun(runs: FleetMeasurement[]): FleetMeasurement {
  return [...runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor((runs.length - 1) / 2)]!;
}

function fleetSweep(runtime: Runtime, runs: FleetMeasurement[][], dir: string): FleetResult {
  const sweep = runs.map(medianRun);
  const repeat = runs[0]?.length ?? 1;
  const base = sweep[0] as FleetMeasurement;
  const ratio = (v: number, b: number) => (b > 0 ? `${(v / b).toFixed(2)}×` : '-');
  const range = (r: FleetMeasurement[]) => `${(Math.min(...r.map((m) => m.wallMs)) / 1000).toFixed(1)}–${(Math.max(...r.map((m) => m.wallMs)) / 1000).toFixed(1)}`;
  console.log(`Fleet sweep, ${runtime.title}: N tenants × 3 nodes × 2 databases, multi-Region keys, 30 days, a 3 h us-east-1 outage, automatic failover (each in its own process${repeat > 1 ? `; the run of median wall time of ${repeat}` : ''}; load ${loadAverage()})\n`);
  printTable(
    ['tenants', 'nodes', 'events', 'KMS calls', 'wall s', ...(repeat > 1 ? ['wall s, all runs'] : []), 'ms / KMS call', 'vs base', 'µs / event', 'vs base', 'peak RSS MiB', 'record MB', 'record KB / tenant', 'frames', 'passed', 'node'],
    sweep.map((m, i) => [
      m.tenants, m.nodes, m.events, m.kmsCalls, (m.wallMs / 1000).toFixed(1), ...(repeat > 1 ? [range(runs[i]!)] : []), m.msPerKmsCall.toFixed(3), ratio(m.msPerKmsCall, base.msPerKmsCall), m.usPerEvent.toFixed(0), ratio(m.usPerEvent, base.usPerEvent),
      Math.max(...runs[i]!.map((r) => r.peakRssMiB)).toFixed(0), (m.recordBytes / 1e6).toFixed(2), (m.recordBytes / 1e3 / m.tenants).toFixed(1), `${m.frames} (${m.keyframes} key)`, String(runs[i]!.every((r) => r.passed)), m.node,
    ]),
  );
  const revoked = [measureFleet(runtime, { tenants: 10, days: 365, outageHours: 0 }, dir), measureFleet(runtime, { tenants: 10, days: 365, outageHours: 0, revokeFirstTenant: true }, dir)];
  console.log(`\nRevoked for a year, ${runtime.title}: 10 tenants × 365 days, without and with one tenant's key revoked from day 1 (its 3 nodes shut down and stay down)\n`);
  printTable(['case', 'events', 'KMS calls', 'wall s', 'timeline entries'], [
    ['no revocation', revoked[0]!.events, revoked[0]!.kmsCalls, (revoked[0]!.wallMs / 1000).toFixed(1), revoked[0]!.timeline],
    ['one tenant revoked for a year', revoked[1]!.events, revoked[1]!.kmsCalls, (revoked[1]!.wallMs / 1000).toFixed(1), revoked[1]!.timeline],
  ]);
  return { runtime: runtime.name, title: runtime.title, sweep, ...(repeat > 1 ? { runs } : {}), revoked };
}

/** The same fleets on two Nodes: the second's wall time as a ratio to the first's, size by size. */
function compareRuntimes(fleet: FleetResult[]): void {
  const [a, b] = fleet;
  if (!a || !b) return;
  const sizes = a.sweep.map((m, i) => `${m.tenants} tenants ${(b.sweep[i] ? b.sweep[i].wallMs / m.wallMs : NaN).toFixed(2)}×`);
  console.log(`\nWall time on Node ${b.sweep[0]?.node} against Node ${a.sweep[0]?.node}: ${sizes.join(', ')}`);
}

function loadAverage(): string {
  try {
    return execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

export async function runDrillBench(argv: string[] = []): Promise<number> {
  const sizesArg = argv[argv.indexOf('--tenants') + 1];
  const sizes = argv.includes('--tenants') && sizesArg ? sizesArg.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0) : [10, 100, 1000];
  const repeatArg = argv.includes('--repeat') ? Number(argv[argv.indexOf('--repeat') + 1]) : 1;
  if (!Number.isInteger(repeatArg) || repeatArg < 1 || repeatArg > 20) {
    console.error(`--repeat takes a whole number of runs from 1 to 20, got '${argv[argv.indexOf('--repeat') + 1] ?? ''}'`);
    return 2;
  }
  const chosen = runtimes(argv);
  if ('error' in chosen) {
    console.error(chosen.error);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-drill-bench-'));
  const fleet: FleetResult[] = [];
  try {
    const runs = sweepRuns(chosen.list, sizes, repeatArg, dir);
    for (const runtime of chosen.list) {
      if (fleet.length > 0) console.log('');
      fleet.push(fleetSweep(runtime, runs.get(runtime)!, dir));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  compareRuntimes(fleet);
  const unavailable = chosen.unavailable ? { electronUnavailable: chosen.unavailable } : {};
  if (argv.includes('--skip-year')) {
    writeResults({ fleet, ...unavailable });
    return 0;
  }
  console.log('');
  const year = builtInScenarios().find((s) => s.name === 'year-of-operation');
  if (!year) throw new Error('the year-of-operation scenario is missing');
  const rows: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const days of [1, 30, 365]) {
    let events = 0;
    const scenario = days === 365 ? year : shortened(year, days);
    const started = performance.now();
    const record = await runDrill(scenario, { onProgress: () => void events++ });
    const trailRecords = record.eventCount;
    const wallMs = performance.now() - started;
    const simSecondsPerWallSecond = scenario.duration / 1000 / (wallMs / 1000);
    const peakRssMiB = resourceUsage().maxRSS / 1024;
    rows.push([`${days} d`, events, record.totals.kmsCalls, trailRecords, wallMs.toFixed(0), (events / (wallMs / 1000)).toFixed(0), simSecondsPerWallSecond.toExponential(2), peakRssMiB.toFixed(0)]);
    results.push({ days, events, kmsCalls: record.totals.kmsCalls, trailRecords: record.eventCount, wallMs, simSecondsPerWallSecond, peakRssMiB });
  }
  console.log('Drill benchmark: year-of-operation topology (3 nodes, 2 databases, monthly snapshots) on the embedded KMS\n');
  printTable(['duration', 'events', 'KMS calls', 'trail records', 'wall ms', 'events/s', 'sim s per wall s', 'peak RSS MiB'], rows);
  const first = results[0] as { events: number; wallMs: number };
  const last = results[results.length - 1] as { events: number; wallMs: number };
  console.log(`\n365 days vs 1 day: ${365}× the simulated time, ${(last.events / first.events).toFixed(1)}× the events, ${(last.wallMs / first.wallMs).toFixed(1)}× the wall time`);
  writeResults({ fleet, ...unavailable, year: results });
  return 0;
}

function writeResults(results: Record<string, unknown>): void {
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `drill-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ bench: 'drill', node: process.version, load: loadAverage(), ...results }, null, 2));
  console.log(`Results written to ${file}`);
}
