import { eventIdOf } from '../../src-main/drill/run-trail';
import { mkdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullRunRecord as RunRecord } from '../../src-shared/run-record';
import { CHROMIUM_ARGS, chromiumPath } from '../../src-main/report/chromium-path';
import { writeReport } from '../../src-main/report/write-report';
import { sampleRunRecord, unmeasuredRunRecord } from '../fixtures/sample-run-record';
import { decodePng, ink, looksDrawn } from './report-png-ink';

const executablePath = chromiumPath();
const OUT = new URL('../../test-results/', import.meta.url);

/** Each chart and the fewest marks (paths with a `d`, rects with a size, circles) it must hold for the sample run. */
const CHARTS: [kind: string, minMarks: number][] = [
  ['hierarchy', 40], ['timeline', 25], ['availability', 6], ['kms-calls-by-region', 2],
  ['kms-calls-by-operation', 3], ['errors-by-code', 5], ['client-side-by-code', 30], ['cache-hit-ratio', 2],
];

async function openReport(browser: Browser, record: RunRecord, name: string): Promise<{ page: Page; requests: string[] }> {
  const file = new URL(`report-${name}.html`, OUT);
  await writeReport(record, file.pathname);
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file.pathname).href);
  return { page, requests };
}

/** What the chart holds: its size on screen, whether it says it is empty, and how many marks it draws. */
function chartFacts(page: Page, kind: string) {
  return page.locator(`#chart-${kind}`).evaluate((svg) => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll('path, rect, circle')].filter((el) => {
      if (el.tagName === 'path') return (el.getAttribute('d') ?? '').trim().length > 2;
      if (el.tagName === 'circle') return Number(el.getAttribute('r')) > 0;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    }).length;
    return { width: box.width, height: box.height, empty: svg.getAttribute('data-empty') === 'true', marks };
  });
}

async function screenshotInk(page: Page, kind: string, name: string) {
  const png = await page.locator(`#chart-${kind}`).screenshot({ path: new URL(`report-${name}-${kind}.png`, OUT).pathname });
  return ink(decodePng(png));
}

describe('the HTML report opened in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    if (executablePath) browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!executablePath)('draws every chart of the sample drill: none is blank', async () => {
    const { page } = await openReport(browser, sampleRunRecord(), 'sample');
    await page.screenshot({ path: new URL('report-sample-page.png', OUT).pathname, fullPage: true });
    for (const [kind, minMarks] of CHARTS) {
      const facts = await chartFacts(page, kind);
      expect(facts.width, `${kind} width`).toBeGreaterThan(600);
      expect(facts.height, `${kind} height`).toBeGreaterThan(60);
      expect(facts.empty, `${kind} says it is empty`).toBe(false);
      expect(facts.marks, `${kind} marks`).toBeGreaterThanOrEqual(minMarks);
      const seen = await screenshotInk(page, kind, 'sample');
      expect(looksDrawn(seen), `${kind} looks drawn (${seen.colours} colours, ${(seen.chromatic * 100).toFixed(2)}% coloured pixels)`).toBe(true);
    }
    await page.close();
  });

  it.skipIf(!executablePath)('the same check catches a chart with nothing drawn in it', async () => {
    const { page } = await openReport(browser, unmeasuredRunRecord(), 'unmeasured');
    for (const kind of ['availability', 'kms-calls-by-region', 'errors-by-code', 'timeline', 'cache-hit-ratio']) {
      const facts = await chartFacts(page, kind);
      expect(facts.empty, kind).toBe(true);
      expect(await page.locator(`#chart-${kind} text`).first().textContent()).toMatch(/^(No |Nothing |The key cache)/);
      expect(looksDrawn(await screenshotInk(page, kind, 'unmeasured')), `${kind} is recognised as blank`).toBe(false);
    }
    await page.close();
  });

  it.skipIf(!executablePath)('opens offline: it runs no script, fetches nothing, and every in-page link has a target', async () => {
    const { page, requests } = await openReport(browser, sampleRunRecord(), 'offline');
    expect(requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(requests).toHaveLength(1);
    // The tests compile without the DOM library, so the page's document is reached through an element.
    const facts = await page.locator('html').evaluate((root) => {
      const doc = root.ownerDocument;
      const anchors = [...doc.querySelectorAll('a[href]')];
      return {
        scripts: doc.scripts.length,
        broken: anchors.map((a) => a.getAttribute('href') ?? '').filter((href) => !href.startsWith('#') || !doc.getElementById(decodeURIComponent(href.slice(1)))),
        links: anchors.length,
      };
    });
    expect(facts.scripts).toBe(0);
    expect(facts.broken).toEqual([]);
    expect(facts.links).toBeGreaterThan(50);
    await page.close();
  });

  it.skipIf(!executablePath)('a hostile scenario description shows as text and runs nothing', async () => {
    const hostile = sampleRunRecord();
    hostile.scenario.description = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">';
    const { page, requests } = await openReport(browser, hostile, 'hostile');
    expect(await page.title()).not.toBe('pwned');
    expect(await page.locator('#summary .description').textContent()).toBe(hostile.scenario.description);
    expect(await page.locator('img').count()).toBe(0);
    expect(requests).toHaveLength(1);
    await page.close();
  });

  it.skipIf(!executablePath)('a cited CloudTrail event id links to its entry in the evidence index', async () => {
    const record = sampleRunRecord();
    const { page } = await openReport(browser, record, 'evidence');
    const id = eventIdOf(record.execution.runId, record.verdicts.find((v) => !v.passed)?.evidence.records[0] as number);
    await page.locator(`#verdicts a[href="#ev-${id}"]`).first().click();
    expect(new URL(page.url()).hash).toBe(`#ev-${id}`);
    await expect.poll(() => page.locator(`#ev-${id}`).evaluate((el) => {
      const r = el.getBoundingClientRect();
      // Scrolled into view (a fraction of a pixel off the top is layout rounding).
      return r.top >= -1 && r.bottom <= (el.ownerDocument.defaultView?.innerHeight ?? 0);
    })).toBe(true);
    expect(readFileSync(new URL('report-evidence.html', OUT), 'utf8')).toContain(`<code id="ev-${id}">`);
    await page.close();
  });
});
