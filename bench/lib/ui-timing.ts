/**
 * The UI benchmark's browser side: the timings of one fresh browser context on the app, and of
 * the bare page it is compared with. Times are wall-clock milliseconds seen from the test driver.
 * Every wait checks its condition in the page on each animation frame (`polling: 'raf'`): a
 * locator's own wait backs off to a check every 100 ms and more, which would add up to that much to
 * whatever it times (measured on the launch: the list was drawn at 241 ms, the locator saw it at 408).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { Bridge } from '../../src-main/server/bridge-server';
import { timeAxis } from '../../src-renderer/src/scrubber-axis';

export const TIMEOUT = 120_000;
export const VIEWPORT = { width: 1440, height: 1000 };

const BASELINE_HTML = '<!doctype html><html><head><meta charset="utf-8"><title>baseline</title></head><body><main><h1 id="ready">Hello</h1><ul><li>one</li><li>two</li><li>three</li></ul></main></body></html>';

export interface Sample {
  firstInteractive: number;
  /** The same launch seen from inside the page: navigation start → the scenario list in the DOM (no driver round trips). */
  listInPage: number;
  auditGotoToRows: number;
  auditTabToRows: number;
  auditKeystroke: number;
  auditFilter: number;
  auditNameFilter: number;
  auditCounted: number;
  explorerSelectToGraph: number;
}

/** The runs the Explorer timing switches between, and how many boxes each draws. */
export interface ExplorerRuns {
  smallRun: string;
  smallNodes: number;
  yearRun: string;
  yearNodes: number;
}

export async function startBaselineServer(): Promise<{ server: Server; url: string }> {
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

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * Where a timed launch hands over from the navigation to the wait for what it shows: once the new
 * document is committed. Waiting for its load event first put Playwright's own set-up in the new
 * document (its injected script, ~100 ms on this VM) after the load, in series with the page: a
 * list drawn 3 ms after the load was "seen" 130 ms later. Baseline and app are timed the same way.
 */
const NAVIGATED = 'commit';

export async function timeBaseline(browser: Browser, url: string): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(url, { waitUntil: NAVIGATED });
    await shown(page, '#ready');
    return performance.now() - t0;
  } finally {
    await context.close();
  }
}

/** The launch's first screen: the Drills page's scenario list. */
const LIST = '#page-drills [data-scenario="year-of-operation"]';

/** The little of the DOM the page-side checks use (this project's Node tsconfig has no DOM lib). */
interface MiniElement {
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement>;
  textContent: string | null;
  dataset?: Record<string, string | undefined>;
  getBoundingClientRect(): { width: number; height: number };
}

/**
 * Waits until, for every [selector, text?] given, an element matching the selector (and, with a
 * text, whose text is exactly that) has a box on screen — all checked together on every animation
 * frame, so a launch is timed with one wait, not one round trip to the page per condition.
 */
async function shown(page: Page, ...wanted: (string | [string, string])[]): Promise<void> {
  await page.waitForFunction((conditions) => conditions.every(([sel, want]) => {
    const all = Array.from((globalThis as unknown as { document: MiniElement }).document.querySelectorAll(sel));
    return all.some((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && (want === undefined || (el.textContent ?? '').trim() === want);
    });
  }), wanted.map((w): [string, string | undefined] => (typeof w === 'string' ? [w, undefined] : w)), { timeout: TIMEOUT, polling: 'raf' });
}

/** Waits until the audit page shows rows and every one of them passes `check` (run in the page). */
async function auditRowsWhere(page: Page, check: 'error' | 'decrypt'): Promise<void> {
  await page.waitForFunction((what) => {
    const rows = Array.from((globalThis as unknown as { document: MiniElement }).document.querySelectorAll('#page-audit .vrow'));
    return rows.length > 0 && rows.every((r) => (what === 'error' ? r.querySelector('.error-code') !== null : (r.querySelector('[role="gridcell"]:nth-child(2)')?.textContent ?? '') === 'Decrypt'));
  }, check, { timeout: TIMEOUT, polling: 'raf' });
}

async function waitNodeCount(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => {
    const svg = (globalThis as unknown as { document: MiniElement }).document.querySelector('#page-explorer [data-testid="hierarchy"] svg');
    return svg !== null && svg.querySelectorAll('[data-node]').length === n;
  }, count, { timeout: TIMEOUT, polling: 'raf' });
}

/** One visit as a user makes it: launch, open the audit log, filter it twice, let it count, draw a year in the Explorer. */
export async function timeApp(browser: Browser, bridge: Bridge, runs: ExplorerRuns): Promise<Sample> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    // Notes, in the page, the moment the scenario list enters the DOM (ms from navigation start).
    await context.addInitScript((list: string) => {
      const w = globalThis as unknown as { document: MiniElement & { documentElement: unknown }; performance: { now(): number }; __listAt?: number; MutationObserver: new (f: () => void) => { observe(n: unknown, o: object): void; disconnect(): void } };
      const observer = new w.MutationObserver(() => {
        if (w.__listAt !== undefined || !w.document.querySelector(list)) return;
        w.__listAt = w.performance.now();
        observer.disconnect();
      });
      observer.observe(w.document, { childList: true, subtree: true });
    }, LIST);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    // 1. The first interactive page: the Drills tab and the scenario list.
    const t0 = performance.now();
    await page.goto(bridge.url, { waitUntil: NAVIGATED });
    await shown(page, ['[role="tab"]', 'Drills'], LIST);
    const firstInteractive = performance.now() - t0;
    const listInPage = await page.evaluate(() => (globalThis as unknown as { __listAt?: number }).__listAt ?? Number.NaN);

    // 2. The audit page, opened as soon as the app is interactive, to its first rows visible.
    const t1 = performance.now();
    await page.getByRole('tab', { name: 'Audit' }).click();
    await shown(page, '#page-audit .vrow');
    const now = performance.now();
    const auditTabToRows = now - t1;
    const auditGotoToRows = now - t0;

    // 3a. Typing into a filter box, nothing applied: the slowest of nine keystrokes to the next frame.
    // The form re-renders; the charts and the table must not be drawn again (they were: 0.2–0.4 s a key).
    const audit = page.locator('#page-audit');
    await audit.getByRole('textbox', { name: 'Region' }).focus();
    // In the page's own words (this file has no DOM types): set the box's value as typing does, time to the next frame.
    const auditKeystroke = await page.evaluate(`(async () => {
      const box = document.activeElement;
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
      const type = async (value) => {
        const t = performance.now();
        setValue.call(box, value);
        box.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((frame) => requestAnimationFrame(() => setTimeout(frame, 0)));
        return performance.now() - t;
      };
      let slowest = 0;
      for (let i = 1; i <= 9; i++) slowest = Math.max(slowest, await type('us-east-1'.slice(0, i)));
      await type('');
      return slowest;
    })()`) as number;

    // 3. Errors only, Apply, until every row shown is an error.
    await audit.getByLabel('Errors only').check();
    const t2 = performance.now();
    await audit.getByRole('button', { name: 'Apply' }).click();
    await auditRowsWhere(page, 'error');
    const auditFilter = performance.now() - t2;

    // 4. A console lookup on top: EventName = Decrypt (errors only still on).
    await audit.getByLabel('Lookup attribute').selectOption('EventName');
    await audit.getByLabel('Value').fill('Decrypt');
    await audit.getByLabel('Errors only').uncheck();
    const t3 = performance.now();
    await audit.getByRole('button', { name: 'Apply' }).click();
    await auditRowsWhere(page, 'decrypt');
    const auditNameFilter = performance.now() - t3;

    // 5. Until the charts have counted every matching call (the count says "of N events").
    await page.getByTestId('audit-count').filter({ hasText: / of [\d,]+ events shown|^[\d,]+ events?$/ }).waitFor({ timeout: TIMEOUT });
    const auditCounted = performance.now() - t3;

    // 6. Explorer: show a small run first, then time selecting the year-long run until its graph is drawn.
    await page.getByRole('tab', { name: 'Explorer' }).click();
    const picker = page.locator('#page-explorer').getByLabel('Run', { exact: true });
    await picker.selectOption(runs.smallRun);
    await waitNodeCount(page, runs.smallNodes);
    const t4 = performance.now();
    await picker.selectOption(runs.yearRun);
    await waitNodeCount(page, runs.yearNodes);
    await page.locator('#page-explorer [data-testid="hierarchy"] svg').waitFor({ state: 'visible' });
    const explorerSelectToGraph = performance.now() - t4;

    if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
    return { firstInteractive, listInPage, auditGotoToRows, auditTabToRows, auditKeystroke, auditFilter, auditNameFilter, auditCounted, explorerSelectToGraph };
  } finally {
    await context.close();
  }
}

/** Where the fleet run's moments lie in time, and which of them change the whole fleet at once. */
export interface FleetMoments {
  /** When each history entry happened (ms into the drill); a completed run adds its judged end. */
  at: readonly number[];
  /** The scrubber's moments: the entries, and the judged end. */
  count: number;
  /** The drill's duration: the judged end's time. */
  span: number;
  /** Moments at which most of the fleet changes (the outage starting or ending, a zone going down or back). */
  wholeFleet: readonly number[];
}

/**
 * The fleet run's Explorer: opening it until its tree is drawn; then single scrub steps, each from
 * the moment before: `steps` through the failover's single-node moments, and one into each moment
 * at which the whole fleet changes — the costliest steps a user meets.
 */
export async function timeFleetExplorer(browser: Browser, bridge: Bridge, fleetRun: string, otherRun: string, tenants: number, moments: FleetMoments, steps = 10): Promise<{ open: number; steps: number[]; wholeFleetSteps: number[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Explorer' }).click();
    const picker = page.locator('#page-explorer').getByLabel('Run', { exact: true });
    await picker.waitFor({ timeout: TIMEOUT });
    // From another run, so the fleet run's history is not on screen already.
    await picker.selectOption(otherRun);
    await page.getByTestId('fleet-summary').filter({ hasText: /^1 tenant$/ }).waitFor({ timeout: TIMEOUT });
    const t0 = performance.now();
    await picker.selectOption(fleetRun);
    await page.getByTestId('fleet-summary').filter({ hasText: `${tenants.toLocaleString('en')} tenants` }).waitFor({ timeout: TIMEOUT });
    await page.getByTestId('fleet-tree').waitFor({ timeout: TIMEOUT });
    const open = performance.now() - t0;
    const slider = page.getByRole('slider', { name: 'Moment of the run' });
    const shownNow = async () => Number(await page.locator('[data-testid="scrubber"] .moment').getAttribute('data-shown'));
    const shown = (n: number) => page.waitForFunction((i) => (globalThis as unknown as { document: MiniElement }).document
      .querySelector('[data-testid="scrubber"] .moment')?.dataset?.shown === String(i), n, { timeout: TIMEOUT, polling: 'raf' });
    const axis = timeAxis({ timeOf: (i) => moments.at[i] ?? moments.span, indexAtOrBefore: (t) => lastAtOrBefore(moments.at, t) }, moments.count);
    // To a moment: the slider dragged to its time, then the arrow keys the rest of the way (untimed).
    const goTo = async (index: number) => {
      await slider.fill(String(axis.positionOf(index)));
      await page.waitForTimeout(50);
      let at = await shownNow();
      await slider.focus();
      while (at !== index) {
        await page.keyboard.press(at < index ? 'ArrowRight' : 'ArrowLeft');
        at += at < index ? 1 : -1;
      }
      await shown(index);
    };
    const stepFrom = async (index: number) => {
      const t = performance.now();
      await page.keyboard.press('ArrowRight');
      await shown(index + 1);
      return performance.now() - t;
    };
    // The middle of the history: the failover, where every step changes one node.
    const from = Math.floor(moments.count / 2);
    await goTo(from);
    const times: number[] = [];
    for (let i = 0; i < steps && from + i + 1 < moments.count; i++) times.push(await stepFrom(from + i));
    const wholeFleetSteps: number[] = [];
    for (const target of moments.wholeFleet) {
      await goTo(target - 1);
      wholeFleetSteps.push(await stepFrom(target - 1));
    }
    return { open, steps: times, wholeFleetSteps };
  } finally {
    await context.close();
  }
}

function lastAtOrBefore(at: readonly number[], t: number): number {
  let found = 0;
  for (let i = 0; i < at.length && (at[i] as number) <= t; i++) found = i;
  return found;
}
