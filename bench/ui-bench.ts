/**
 * `npm run bench -- ui [--events 1m,10m] [--tenants 1000] [--reps 9]`: the app in Chromium through the web
 * bridge with N synthetic KMS events stored (by default 1,000,000, then 10,000,000 in the same
 * store). Times the first interactive page, the audit page's first rows, two filters, the charts'
 * count, the Explorer's render of the year-of-operation hierarchy, and the Explorer on a fleet run
 * of N tenants (default 1,000; 0 leaves it out): opening it, single scrub steps through its
 * failover, and a step into each moment at which the whole fleet changes. Each figure is the median of `--reps` (default 9) fresh
 * browser contexts and is shown as a ratio to a baseline measured in the same run in the same
 * Chromium (a trivial static page from a bare node http server); the larger size is also shown as
 * a ratio to the smaller. The load average is printed beside the numbers: this machine is shared.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { AppServices } from '../src-main/app/app-services';
import { BatchedIngest } from '../src-main/audit/batched-ingest';
import { SqliteEventStore } from '../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../src-main/audit/synthetic-events';
import { CHROMIUM_ARGS, chromiumPath } from '../src-main/report/chromium-path';
import { startBridge, type Bridge } from '../src-main/server/bridge-server';
import { ensureRendererBuilt } from '../src-main/server/renderer-build';
import { replayAll } from '../src-shared/hierarchy-replay';
import { hierarchyGraph, viewOfRecordEnd } from '../src-renderer/src/hierarchy-model';
import { stringify } from 'yaml';
import { fleetScenario } from './fleet-scenario';
import { closeServer, startBaselineServer, timeApp, timeBaseline, timeFleetExplorer, type ExplorerRuns, type FleetMoments, type Sample } from './lib/ui-timing';
import { printTable } from './lib/stats';

const DEFAULT_SIZES = [1_000_000, 10_000_000];
/** Fresh contexts per size (`--reps N`): the figures sit near their targets and one context varies by ±60 ms on this VM. */
const DEFAULT_REPS = 9;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);

const FIGURES: [keyof Sample, string, number | undefined][] = [
  ['firstInteractive', 'goto → first interactive page (Drills tab, scenario list)', 300],
  ['listInPage', 'the same, in the page: navigation start → list in the DOM', undefined],
  ['auditGotoToRows', 'audit: goto → first rows visible', undefined],
  ['auditTabToRows', 'audit: open the tab → first rows visible', 300],
  ['auditKeystroke', 'audit: a keystroke in a filter box → next frame (slowest of 9)', 50],
  ['auditFilter', 'audit: Errors only + Apply → filtered rows visible', 100],
  ['auditNameFilter', 'audit: EventName=Decrypt + Apply → filtered rows visible', 100],
  ['auditCounted', 'audit: EventName=Decrypt + Apply → charts drawn, total counted', undefined],
  ['explorerSelectToGraph', 'explorer: select year-of-operation → graph drawn', undefined],
];

/** `--reps N` (default 9): how many fresh browser contexts each figure is the median of. */
function parseReps(argv: string[]): number {
  const i = argv.indexOf('--reps');
  if (i < 0) return DEFAULT_REPS;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 100) throw new Error(`--reps wants a whole number from 1 to 100, got '${argv[i + 1] ?? ''}'`);
  return n;
}

/** `--tenants N` (default 1,000; 0 leaves the fleet Explorer out). */
function parseTenants(argv: string[]): number {
  const i = argv.indexOf('--tenants');
  if (i < 0) return 1_000;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--tenants wants a whole number, got '${argv[i + 1] ?? ''}'`);
  return n;
}

/** "1m,10m" or "1000000" → sizes, ascending. */
function parseSizes(argv: string[]): number[] {
  const i = argv.indexOf('--events');
  if (i < 0) return DEFAULT_SIZES;
  const sizes = (argv[i + 1] ?? '').split(',').map((v) => {
    const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(v.trim().replace(/[_]/g, ''));
    const n = m ? Number(m[1]) * ({ k: 1e3, m: 1e6 }[(m[2] ?? '').toLowerCase() as 'k' | 'm'] ?? 1) : NaN;
    if (!Number.isInteger(n) || n < 0) throw new Error(`--events wants sizes like 1m,10m or 1000000, got '${argv[i + 1] ?? ''}'`);
    return n;
  });
  return [...new Set(sizes)].sort((a, b) => a - b);
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/** Adds events `from`..`to` of one synthetic stream (30 days from START per 1M events) to the store, on its writer thread. */
async function fillStore(file: string, from: number, to: number): Promise<number> {
  const store = SqliteEventStore.open(file);
  const ingest = new BatchedIngest(store, { maxBatch: 10_000, onProblem: (p) => console.error(`ingest problem: ${p.kind}: ${p.error.message}`) });
  try {
    const t0 = performance.now();
    // Each million spans its own 30 days, so a larger store is a longer history, as a real trail grows.
    for (let base = from; base < to; base += 1_000_000) {
      const count = Math.min(1_000_000, to - base);
      const source = syntheticKmsEvents({ count, start: START + (base / 1_000_000) * 30 * DAY, durationMs: 30 * DAY, seed: 2026 + base / 1_000_000 });
      let n = 0;
      for (const record of source) {
        ingest.record(record, undefined);
        if (++n % 50_000 === 0) {
          await ingest.flush();
          if (process.stderr.isTTY) process.stderr.write(`\r  ${(base + n).toLocaleString('en')} events\x1b[K`);
        }
      }
    }
    await ingest.flush();
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    return (performance.now() - t0) / 1000;
  } finally {
    await ingest.close();
    store.close();
  }
}

/** Runs a built-in drill through the services and returns its run id. */
async function runDrillVia(services: AppServices, name: string): Promise<string> {
  const before = new Set(services.runs.list().map((r) => r.runId));
  services.drills.run({ name }, 'embedded', 1);
  await services.drills.idle();
  const run = services.runs.list().find((r) => !before.has(r.runId));
  if (!run) throw new Error(`the drill '${name}' saved no run`);
  return run.runId;
}

function graphNodes(services: AppServices, runId: string): number {
  const record = services.runs.get(runId);
  const frames = replayAll(services.runs.frames(runId, 0, 20_000).entries);
  return hierarchyGraph(viewOfRecordEnd(record, frames.at(-1))).length;
}

interface FleetRun {
  runId: string;
  tenants: number;
  moments: FleetMoments;
}

/** The fleet run's moments in time, and those at which at least half as many boxes as tenants change (a replay shares the boxes it did not change). */
function fleetMoments(services: AppServices, runId: string, tenants: number): FleetMoments {
  const record = services.runs.get(runId);
  const entries = [...services.runs.runStore().allFrames(runId)];
  const frames = replayAll(entries);
  const wholeFleet: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const before = new Set<object>([...frames[i - 1]!.nodes, ...frames[i - 1]!.keys]);
    const changed = [...frames[i]!.nodes, ...frames[i]!.keys].filter((x) => !before.has(x)).length;
    if (changed >= tenants / 2) wholeFleet.push(i);
  }
  const judgedEnd = record.execution.status === 'completed' ? 1 : 0;
  return { at: entries.map((e) => e.at), count: entries.length + judgedEnd, span: record.scenario.duration, wholeFleet };
}

interface SizeResult {
  events: number;
  fleet?: { tenants: number; openMs: number; stepMs: number[]; stepMedianMs: number; wholeFleetMs: number[]; wholeFleetMedianMs: number } | undefined;
  loadBefore: string;
  loadAfter: string;
  baseline: { medianMs: number; samplesMs: number[] };
  results: Record<string, { medianMs: number; samplesMs: number[]; ratio: number }>;
}

async function measure(browser: Browser, bridge: Bridge, baselineUrl: string, runs: ExplorerRuns, events: number, fleet: FleetRun | undefined, reps: number): Promise<SizeResult> {
  const loadBefore = load();
  // Warm-up: the first page of a fresh browser and a freshly opened store pay for start-up; neither side is charged for it.
  await timeBaseline(browser, baselineUrl);
  await timeApp(browser, bridge, runs);
  const baselineMs: number[] = [];
  const samples: Sample[] = [];
  for (let r = 0; r < reps; r++) {
    baselineMs.push(await timeBaseline(browser, baselineUrl));
    samples.push(await timeApp(browser, bridge, runs));
  }
  const floor = median(baselineMs);
  let fleetResult: SizeResult['fleet'];
  if (fleet) {
    const f = await timeFleetExplorer(browser, bridge, fleet.runId, runs.smallRun, fleet.tenants, fleet.moments);
    fleetResult = { tenants: fleet.tenants, openMs: f.open, stepMs: f.steps, stepMedianMs: median(f.steps), wholeFleetMs: f.wholeFleetSteps, wholeFleetMedianMs: median(f.wholeFleetSteps) };
  }
  const results: SizeResult['results'] = {};
  for (const [key] of FIGURES) {
    const values = samples.map((s) => s[key]);
    results[key] = { medianMs: median(values), samplesMs: values, ratio: median(values) / floor };
  }
  return { events, loadBefore, loadAfter: load(), baseline: { medianMs: floor, samplesMs: baselineMs }, results, fleet: fleetResult };
}

function printSize(r: SizeResult, runs: ExplorerRuns): void {
  console.log(`\n${r.events.toLocaleString('en')} stored events (load average ${r.loadBefore} before, ${r.loadAfter} after)`);
  const rows: (string | number)[][] = [['baseline: bare http page, goto → visible', r.baseline.medianMs.toFixed(0), r.baseline.samplesMs.map((v) => v.toFixed(0)).join(' '), '1.0×', '']];
  for (const [key, label, target] of FIGURES) {
    const x = r.results[key]!;
    const name = key === 'explorerSelectToGraph' ? `${label} (${runs.yearNodes} boxes)` : label;
    rows.push([name, x.medianMs.toFixed(0), x.samplesMs.map((v) => v.toFixed(0)).join(' '), `${x.ratio.toFixed(1)}×`, target ? `≤ ${target}` : '']);
  }
  if (r.fleet) {
    const f = r.fleet;
    rows.push([`explorer: open a ${f.tenants.toLocaleString('en')}-tenant run → tree drawn`, f.openMs.toFixed(0), '', `${(f.openMs / r.baseline.medianMs).toFixed(1)}×`, '']);
    rows.push([`explorer: one scrub step at ${f.tenants.toLocaleString('en')} tenants (${f.stepMs.length} steps)`, f.stepMedianMs.toFixed(0), `max ${Math.max(...f.stepMs).toFixed(0)}`, `${(f.stepMedianMs / r.baseline.medianMs).toFixed(1)}×`, '≤ 100']);
    rows.push([`explorer: a scrub step where the whole fleet changes (${f.wholeFleetMs.length} such moments)`, f.wholeFleetMedianMs.toFixed(0), f.wholeFleetMs.map((v) => v.toFixed(0)).join(' '), `${(f.wholeFleetMedianMs / r.baseline.medianMs).toFixed(1)}×`, '≤ 100']);
  }
  printTable(['measure', 'median ms', 'samples ms', 'vs baseline', 'target ms'], rows);
}

export async function runUiBench(argv: string[]): Promise<number> {
  const sizes = parseSizes(argv);
  const tenants = parseTenants(argv);
  const reps = parseReps(argv);
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('the ui benchmark needs Chromium: install it or set CHROMIUM_PATH');
  const home = mkdtempSync(join(tmpdir(), 'keydrill-ui-bench-'));
  const previousHome = process.env.KEYDRILL_HOME;
  process.env.KEYDRILL_HOME = home;
  let services: AppServices | undefined;
  let bridge: Bridge | undefined;
  let browser: Browser | undefined;
  let baseline: Awaited<ReturnType<typeof startBaselineServer>> | undefined;
  try {
    console.log(`UI benchmark: ${sizes.map((n) => n.toLocaleString('en')).join(' then ')} stored events, Chromium through the web bridge, median of ${reps} fresh browser contexts, load average ${load()}`);
    baseline = await startBaselineServer();
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    const measured: SizeResult[] = [];
    let stored = 0;
    let runs: ExplorerRuns | undefined;
    let fleet: FleetRun | undefined;
    const ingest: { events: number; seconds: number }[] = [];
    for (const size of sizes) {
      // The services are closed while the store grows, as if the app were restarted on a bigger trail.
      await bridge?.close();
      await services?.close();
      const seconds = await fillStore(join(home, 'events.sqlite'), stored, size);
      ingest.push({ events: size - stored, seconds });
      console.log(`Ingest: ${(size - stored).toLocaleString('en')} events in ${seconds.toFixed(1)} s (${((size - stored) / Math.max(seconds, 1e-9)).toFixed(0)} events/s, writer thread)`);
      stored = size;
      services = new AppServices({ home });
      if (!runs) {
        const smallRun = await runDrillVia(services, 'revocation-and-restore');
        const yearRun = await runDrillVia(services, 'year-of-operation');
        runs = { smallRun, smallNodes: graphNodes(services, smallRun), yearRun, yearNodes: graphNodes(services, yearRun) };
        if (runs.smallNodes === runs.yearNodes) throw new Error('the two runs draw the same number of boxes: the Explorer timing could not tell them apart');
        if (tenants > 0) {
          // A fleet of N tenants, 2 days with a 3-hour us-east-1 outage and failover (bench/fleet-scenario.ts).
          const t0 = performance.now();
          const before = new Set(services.runs.list().map((r) => r.runId));
          services.drills.run({ text: stringify(fleetScenario({ tenants, days: 2, outageAtHours: 20, outageHours: 3 })) }, 'embedded', 1);
          await services.drills.idle();
          const made = services.runs.list().find((r) => !before.has(r.runId));
          if (!made) throw new Error('the fleet drill saved no run');
          fleet = { runId: made.runId, tenants, moments: fleetMoments(services, made.runId, tenants) };
          console.log(`Fleet drill: ${tenants.toLocaleString('en')} tenants, 2 days, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
      }
      bridge = await startBridge({ ctx: { services }, rendererDir: ensureRendererBuilt(), port: 0 });
      const result = await measure(browser, bridge, baseline.url, runs, size, fleet, reps);
      measured.push(result);
      printSize(result, runs);
    }
    if (measured.length > 1) {
      const [small, ...larger] = measured as [SizeResult, ...SizeResult[]];
      for (const big of larger) {
        console.log(`\n${big.events.toLocaleString('en')} against ${small.events.toLocaleString('en')} events (target: within 2×)`);
        printTable(['measure', `${small.events / 1e6}M ms`, `${big.events / 1e6}M ms`, 'ratio'],
          FIGURES.map(([key, label]) => [label, small.results[key]!.medianMs.toFixed(0), big.results[key]!.medianMs.toFixed(0), `${(big.results[key]!.medianMs / small.results[key]!.medianMs).toFixed(2)}×`]));
      }
    }
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `ui-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ bench: 'ui', sizes, reps, node: process.version, chromium: browser.version(), ingest, runs, measured }, null, 2));
    console.log(`\nResults written to ${file}`);
    return 0;
  } finally {
    await browser?.close().catch(() => undefined);
    await bridge?.close().catch(() => undefined);
    if (baseline) await closeServer(baseline.server).catch(() => undefined);
    await services?.close().catch(() => undefined);
    if (previousHome === undefined) delete process.env.KEYDRILL_HOME;
    else process.env.KEYDRILL_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
}
