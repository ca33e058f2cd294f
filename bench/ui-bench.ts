/**
 * `npm run bench -- ui [--events N]`: the app in Chromium through the web bridge with N synthetic
 * KMS events stored (default 1,000,000). Times the first interactive page, the audit page's first
 * rows, an errors-only filter, and the Explorer's render of the year-of-operation hierarchy. Each
 * figure is the median of a few fresh browser contexts and is shown as a ratio to a baseline
 * measured in the same run in the same Chromium: a trivial static page from a bare node http server.
 */
import { replayAll } from '../src-shared/hierarchy-replay';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { CloudTrailRecord } from '../src-shared/cloudtrail';
import { AppServices } from '../src-main/app/app-services';
import type { NewEvent } from '../src-main/audit/event-store';
import { SqliteEventStore } from '../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../src-main/audit/synthetic-events';
import { CHROMIUM_ARGS, chromiumPath } from '../src-main/report/chromium-path';
import { startBridge, type Bridge } from '../src-main/server/bridge-server';
import { ensureRendererBuilt } from '../src-main/server/renderer-build';
import { hierarchyGraph, viewOfRecordEnd } from '../src-renderer/src/hierarchy-model';
import { printTable } from './lib/stats';

const DEFAULT_EVENTS = 1_000_000;
const BATCH = 10_000;
const REPS = 3;
const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const TIMEOUT = 120_000;
const VIEWPORT = { width: 1440, height: 1000 };

const BASELINE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body><main><h1 id="ready">Hello</h1><ul><li>one</li><li>two</li><li>three</li></ul></main></body></html>';

interface Sample {
  firstInteractive: number;
  auditGotoToRows: number;
  auditTabToRows: number;
  auditFilter: number;
  explorerSelectToGraph: number;
}

function parseEvents(argv: string[]): number {
  const i = argv.indexOf('--events');
  if (i < 0) return DEFAULT_EVENTS;
  const n = Number((argv[i + 1] ?? '').replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 0) throw new Error(`--events wants a whole number, got '${argv[i + 1] ?? ''}'`);
  return n;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Fills `<home>/events.sqlite` straight through the store, in batches; returns the seconds spent appending. */
function fillStore(file: string, count: number): number {
  const store = SqliteEventStore.open(file);
  try {
    const source = syntheticKmsEvents({ count, start: START, durationMs: 30 * DAY, seed: 2026 });
    let seconds = 0;
    for (let done = 0; done < count; done += BATCH) {
      const batch: NewEvent[] = [];
      for (let i = 0; i < BATCH && done + i < count; i++) batch.push({ record: source.next().value as CloudTrailRecord });
      const t0 = performance.now();
      store.append(batch);
      seconds += (performance.now() - t0) / 1000;
      if (process.stderr.isTTY) process.stderr.write(`\r  ${(done + batch.length).toLocaleString('en')} events\x1b[K`);
    }
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    return seconds;
  } finally {
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

async function startBaselineServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(BASELINE_HTML);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function timeBaseline(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url);
    await page.locator('#ready').waitFor({ state: 'visible' });
    return performance.now() - t0;
  } finally {
    await context.close();
  }
}

/** The little of the DOM the page-side checks use (this project's Node tsconfig has no DOM lib). */
interface MiniElement {
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement>;
}
type MiniDocument = MiniElement;

/** Waits until the audit page shows rows and every one of them has an error code. */
async function auditRowsAllErrors(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: MiniDocument }).document;
    const rows = Array.from(doc.querySelectorAll('#page-audit .vrow'));
    return rows.length > 0 && rows.every((r) => r.querySelector('.error-code') !== null);
  }, undefined, { timeout: TIMEOUT, polling: 'raf' });
}

async function waitNodeCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => {
    const doc = (globalThis as unknown as { document: MiniDocument }).document;
    const svg = doc.querySelector('#page-explorer [data-testid="hierarchy"] svg');
    return svg !== null && svg.querySelectorAll('[data-node]').length === n;
  }, count, { timeout: TIMEOUT, polling: 'raf' });
}

async function timeApp(browser: Browser, bridge: Bridge, smallRun: string, smallNodes: number, yearRun: string, yearNodes: number): Promise<Sample> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    // 1. The first interactive page: the Drills tab and the scenario list.
    const t0 = performance.now();
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Drills' }).waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.locator('#page-drills [data-scenario="year-of-operation"]').waitFor({ state: 'visible', timeout: TIMEOUT });
    const firstInteractive = performance.now() - t0;

    // 2. The audit page, opened as soon as the app is interactive, to its first rows visible.
    // Every page stays mounted, so its data may have started loading at launch: both clocks are shown.
    const t1 = performance.now();
    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.locator('#page-audit .vrow').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    const now = performance.now();
    const auditTabToRows = now - t1;
    const auditGotoToRows = now - t0;

    // 3. Errors only, Apply, until every row shown is an error.
    const audit = page.locator('#page-audit');
    await audit.getByLabel('Errors only').check();
    const t2 = performance.now();
    await audit.getByRole('button', { name: 'Apply' }).click();
    await auditRowsAllErrors(page);
    const auditFilter = performance.now() - t2;

    // 4. Explorer: show a small run first, then time selecting the year-long run until its graph is drawn.
    await page.getByRole('tab', { name: 'Explorer' }).click();
    const picker = page.locator('#page-explorer').getByLabel('Run', { exact: true });
    await picker.selectOption(smallRun);
    await waitNodeCount(page, smallNodes);
    const t3 = performance.now();
    await picker.selectOption(yearRun);
    await waitNodeCount(page, yearNodes);
    await page.locator('#page-explorer [data-testid="hierarchy"] svg').waitFor({ state: 'visible' });
    const explorerSelectToGraph = performance.now() - t3;

    if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
    return { firstInteractive, auditGotoToRows, auditTabToRows, auditFilter, explorerSelectToGraph };
  } finally {
    await context.close();
  }
}

export async function runUiBench(argv: string[]): Promise<number> {
  const events = parseEvents(argv);
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('the ui benchmark needs Chromium: install it or set CHROMIUM_PATH');
  const home = mkdtempSync(join(tmpdir(), 'keydrill-ui-bench-'));
  const previousHome = process.env.KEYDRILL_HOME;
  process.env.KEYDRILL_HOME = home;
  let services: AppServices | undefined;
  let bridge: Bridge | undefined;
  let browser: Browser | undefined;
  let baseline: Server | undefined;
  try {
    console.log(`UI benchmark: ${events.toLocaleString('en')} stored events, Chromium through the web bridge, median of ${REPS} fresh browser contexts\n`);
    const ingestSeconds = fillStore(join(home, 'events.sqlite'), events);
    console.log(`Ingest: ${events.toLocaleString('en')} events in ${ingestSeconds.toFixed(1)} s (${(events / Math.max(ingestSeconds, 1e-9)).toFixed(0)} events/s, batches of ${BATCH.toLocaleString('en')})`);

    services = new AppServices({ home });
    const dt = performance.now();
    const smallRun = await runDrillVia(services, 'revocation-and-restore');
    const yearRun = await runDrillVia(services, 'year-of-operation');
    const drillSeconds = (performance.now() - dt) / 1000;
    const endOf = (runId: string) => {
      const run = services!.runs.source(runId);
      return viewOfRecordEnd(run.head, replayAll([...run.frames()]).at(-1));
    };
    const smallNodes = hierarchyGraph(endOf(smallRun)).length;
    const yearNodes = hierarchyGraph(endOf(yearRun)).length;
    if (smallNodes === yearNodes) throw new Error('the two runs draw the same number of nodes: the Explorer timing could not tell them apart');
    console.log(`Drills through the services: revocation-and-restore and year-of-operation in ${drillSeconds.toFixed(1)} s (${smallNodes} and ${yearNodes} graph nodes)\n`);

    bridge = await startBridge({ ctx: { services }, rendererDir: ensureRendererBuilt(), port: 0 });
    const base = await startBaselineServer();
    baseline = base.server;
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });

    // Warm-up: the first page of a fresh browser pays for process start-up; neither side is charged for it.
    await timeBaseline(browser, base.url);
    await timeApp(browser, bridge, smallRun, smallNodes, yearRun, yearNodes);

    const baselineMs: number[] = [];
    const samples: Sample[] = [];
    for (let r = 0; r < REPS; r++) {
      baselineMs.push(await timeBaseline(browser, base.url));
      samples.push(await timeApp(browser, bridge, smallRun, smallNodes, yearRun, yearNodes));
    }
    const floor = median(baselineMs);
    const figures: [keyof Sample, string][] = [
      ['firstInteractive', 'goto → first interactive page (Drills tab, scenario list)'],
      ['auditGotoToRows', `audit: goto → first rows visible (${events.toLocaleString('en')} events)`],
      ['auditTabToRows', 'audit: open the tab → first rows visible'],
      ['auditFilter', 'audit: Errors only + Apply → filtered rows visible'],
      ['explorerSelectToGraph', `explorer: select year-of-operation → graph drawn (${yearNodes} nodes)`],
    ];
    const results: Record<string, { medianMs: number; samplesMs: number[]; ratio: number }> = {};
    const rows: (string | number)[][] = [['baseline: bare http page, goto → visible', floor.toFixed(0), baselineMs.map((v) => v.toFixed(0)).join(' '), '1.0×']];
    for (const [key, label] of figures) {
      const values = samples.map((s) => s[key]);
      const m = median(values);
      results[key] = { medianMs: m, samplesMs: values, ratio: m / floor };
      rows.push([label, m.toFixed(0), values.map((v) => v.toFixed(0)).join(' '), `${(m / floor).toFixed(1)}×`]);
    }
    printTable(['measure', 'median ms', 'samples ms', 'vs baseline'], rows);

    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `ui-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({
      bench: 'ui', events, reps: REPS, node: process.version, chromium: browser.version(),
      ingest: { seconds: ingestSeconds, eventsPerSecond: events / Math.max(ingestSeconds, 1e-9), batch: BATCH },
      drills: { seconds: drillSeconds, smallRun, smallNodes, yearRun, yearNodes },
      baseline: { medianMs: floor, samplesMs: baselineMs },
      results,
    }, null, 2));
    console.log(`\nResults written to ${file}`);
    return 0;
  } finally {
    await browser?.close().catch(() => undefined);
    await bridge?.close().catch(() => undefined);
    if (baseline) await closeServer(baseline).catch(() => undefined);
    await services?.close().catch(() => undefined);
    if (previousHome === undefined) delete process.env.KEYDRILL_HOME;
    else process.env.KEYDRILL_HOME = previousHome;
    rmSync(home, { recursive: true, force: true });
  }
}
