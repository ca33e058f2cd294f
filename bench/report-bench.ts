/**
 * `npm run bench -- report [--tenants 1000] [--days 30] [--store runs.sqlite]`: the reports of a
 * fleet drill. Plays bench/report-fleet.ts's troubled fleet into a run store (or reads the newest run
 * of --store), then measures each report as the app and the CLI make it — from the run store, the
 * timeline and frames read a page at a time: HTML size and render time, Chromium's time to open it
 * and to print it to PDF, and the streamed JSON and CSV (bytes, time, memory). The baseline, measured
 * in the same run, is the committed two-cluster sample drill (test/fixtures/run-record.sample.json).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { FullRunRecord } from '../src-shared/run-record';
import { runDrill } from '../src-main/drill/drill-runner';
import { CHROMIUM_ARGS, chromiumPath } from '../src-main/report/chromium-path';
import { renderHtmlReport } from '../src-main/report/html-report';
import { recordSource, type RunSource } from '../src-main/report/run-source';
import { writeReport } from '../src-main/report/write-report';
import { RunStore } from '../src-main/runs/run-store';
import { printTable } from './lib/stats';
import { troubledFleetScenario } from './report-fleet';

interface Measured {
  name: string;
  tenants: number;
  timeline: number;
  frames: number;
  htmlBytes: number;
  htmlMs: number;
  openMs: number | undefined;
  pdfMs: number | undefined;
  pdfBytes: number | undefined;
  jsonBytes: number;
  jsonMs: number;
  csvBytes: number;
  csvMs: number;
  rssMiB: number;
}

const REPS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function options(argv: string[]): { tenants: number; days: number; store: string | undefined } {
  const out = { tenants: 1000, days: 30, store: undefined as string | undefined };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--store' && value) out.store = value;
    else if ((flag === '--tenants' || flag === '--days') && value && Number(value) > 0) out[flag === '--tenants' ? 'tenants' : 'days'] = Math.floor(Number(value));
    else throw new Error(`unknown or incomplete option '${flag ?? ''}' (known: --tenants N --days N --store FILE)`);
  }
  return out;
}

async function measure(name: string, source: RunSource, dir: string): Promise<Measured> {
  const times: number[] = [];
  let html = '';
  for (let r = 0; r < REPS; r++) {
    const t = performance.now();
    html = renderHtmlReport(source);
    times.push(performance.now() - t);
  }
  const htmlFile = join(dir, `${name}.html`);
  writeFileSync(htmlFile, html);
  const timed = async (file: string) => {
    const t = performance.now();
    const w = await writeReport(source, file);
    return { bytes: w.bytes, ms: performance.now() - t };
  };
  const json = await timed(join(dir, `${name}.json`));
  const csv = await timed(join(dir, `${name}.csv`));
  let openMs: number | undefined;
  let pdfMs: number | undefined;
  let pdfBytes: number | undefined;
  const executablePath = chromiumPath();
  if (executablePath) {
    const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
    try {
      const opens: number[] = [];
      for (let r = 0; r < REPS; r++) {
        const page = await browser.newPage();
        const t = performance.now();
        await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load' });
        opens.push(performance.now() - t);
        await page.close();
      }
      openMs = median(opens);
    } finally {
      await browser.close();
    }
    const t = performance.now();
    pdfBytes = (await writeReport(source, join(dir, `${name}.pdf`))).bytes;
    pdfMs = performance.now() - t;
  }
  let timeline = 0;
  for (const _ of source.timeline()) timeline++;
  let frames = 0;
  for (const _ of source.frames()) frames++;
  return {
    name, tenants: source.head.clusters.length, timeline, frames, htmlBytes: Buffer.byteLength(html), htmlMs: median(times), openMs, pdfMs, pdfBytes,
    jsonBytes: json.bytes, jsonMs: json.ms, csvBytes: csv.bytes, csvMs: csv.ms, rssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

export async function runReportBench(argv: string[]): Promise<number> {
  const o = options(argv);
  const dir = mkdtempSync(join(tmpdir(), 'keydrill-report-bench-'));
  try {
    const sample = FullRunRecord.parse(JSON.parse(readFileSync(new URL('../test/fixtures/run-record.sample.json', import.meta.url), 'utf8')));
    const baseline = await measure('sample', recordSource(sample), dir);

    const store = RunStore.open(o.store ?? join(dir, 'runs.sqlite'));
    try {
      let runId = o.store ? store.list()[0]?.runId : undefined;
      if (!runId) {
        console.log(`Playing a troubled fleet of ${o.tenants} tenants over ${o.days} days into a run store…`);
        const t = performance.now();
        runId = (await runDrill(troubledFleetScenario({ tenants: o.tenants, days: o.days }), { runSink: store.sink() })).execution.runId;
        console.log(`  drill: ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
      const head = store.head(runId);
      if (!head) throw new Error(`no run ${runId} in the store`);
      const id = runId;
      const fleet = await measure('fleet', { head, timeline: () => store.allTimeline(id), frames: () => store.allFrames(id) }, dir);

      const mb = (n: number | undefined) => (n === undefined ? '—' : (n / 1_048_576).toFixed(2));
      const ms = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(0));
      console.log(`\nReport benchmark: run ${runId} read from the run store; ${head.execution.status}; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
      printTable(
        ['run', 'tenants', 'timeline', 'frames', 'HTML MiB', 'HTML ms', 'open ms', 'PDF ms', 'PDF MiB', 'JSON MiB', 'JSON ms', 'CSV MiB', 'CSV ms', 'peak RSS MiB'],
        [baseline, fleet].map((m) => [m.name, m.tenants, m.timeline, m.frames, mb(m.htmlBytes), ms(m.htmlMs), ms(m.openMs), ms(m.pdfMs), mb(m.pdfBytes), mb(m.jsonBytes), ms(m.jsonMs), mb(m.csvBytes), ms(m.csvMs), m.rssMiB.toFixed(0)]),
      );
      const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(1)}×`);
      console.log(`\nFleet vs sample: ${ratio(fleet.tenants, baseline.tenants)} the tenants, ${ratio(fleet.timeline, baseline.timeline)} the timeline, ${ratio(fleet.jsonBytes, baseline.jsonBytes)} the JSON; HTML ${ratio(fleet.htmlBytes, baseline.htmlBytes)} the bytes and ${ratio(fleet.htmlMs, baseline.htmlMs)} the render time, Chromium ${ratio(fleet.openMs, baseline.openMs)} the time to open it.`);
      console.log(`HTML of the fleet: ${mb(fleet.htmlBytes)} MiB (target ≤ 5 MB).`);
      mkdirSync('bench/results', { recursive: true });
      const file = join('bench/results', `report-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
      writeFileSync(file, JSON.stringify({ bench: 'report', node: process.version, options: o, runId, results: [baseline, fleet] }, null, 2));
      console.log(`Results written to ${file}`);
    } finally {
      store.close();
    }
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
