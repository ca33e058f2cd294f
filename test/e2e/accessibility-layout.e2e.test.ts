import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { axeViolations, blocking, openAxePage } from '../support/axe';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * Every page as a keyboard or screen-reader user and a user on a small laptop meet it: axe-core
 * finds no critical or serious violation (light and dark themes), and from 1024 px wide no page is
 * wider than the window. The pages hold real content: a saved drill run (a year of operation, with
 * snapshots), imported events, a selected key, a selected event, an export, a connection test.
 */
const PAGES = ['Drills', 'Explorer', 'Audit', 'Reports', 'Settings'] as const;

describe.skipIf(!e2eChromium)('accessibility and layout of every page (axe-core, Chromium)', () => {
  let home: string;
  let app: BrowserApp;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-a11y-'));
    app = await openBrowserApp({ home });
    app.services.eventStore().append([...syntheticKmsEvents({ count: 600, start: Date.UTC(2026, 10, 1), durationMs: 3_600_000, errorRate: 0.1, seed: 3 })].map((record) => ({ record })));
    app.services.drills.run({ name: 'year-of-operation' }, 'embedded', undefined);
    await app.services.drills.idle();
    ({ context, page } = await openAxePage(app.browser, app.bridge.url, { width: 1440, height: 900 }));
    await page.getByTestId('run-view').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** Each page with what a user would have opened on it. */
  async function show(name: (typeof PAGES)[number]): Promise<void> {
    await page.getByRole('tab', { name }).click();
    const panel = page.locator(`#page-${name.toLowerCase()}`);
    if (name === 'Drills') await panel.locator('[data-scenario="revocation-and-restore"]').click();
    if (name === 'Explorer') {
      await panel.locator('[data-node^="cmk:"]').first().click();
      await page.getByTestId('key-panel').waitFor();
    }
    if (name === 'Audit') {
      await panel.locator('.vrow').first().click();
      await page.getByTestId('event-detail').locator('pre').waitFor();
      await page.getByTestId('audit-charts').waitFor();
    }
    if (name === 'Reports' && (await page.getByTestId('exported-path').count()) === 0) {
      await panel.locator('[data-format="json"]').click();
      await page.getByTestId('exported-path').first().waitFor();
    }
    if (name === 'Settings' && (await page.getByTestId('connection-report').count()) === 0) {
      await panel.getByRole('button', { name: 'Test connection' }).click();
      await page.getByTestId('connection-report').waitFor({ timeout: 30_000 });
    }
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`has no critical or serious axe-core violation on any page (${theme} theme)`, async () => {
      await page.getByLabel('Theme').selectOption(theme);
      const found: Record<string, unknown> = {};
      for (const name of PAGES) {
        await show(name);
        const bad = blocking(await axeViolations(page));
        if (bad.length) found[name] = bad;
      }
      expect(found).toEqual({});
    }, 120_000);
  }

  it('puts every page in the one main landmark, under one h1, as axe-core\'s landmark and heading rules ask', async () => {
    for (const name of PAGES) {
      await show(name);
      const main = page.getByRole('main');
      expect(await main.count(), name).toBe(1);
      expect(await main.locator(`#page-${name.toLowerCase()}`).isVisible(), `${name} is inside main`).toBe(true);
      expect(await page.getByRole('heading', { level: 1 }).allTextContents(), name).toEqual(['KeyDrill']);
      const rules = (await axeViolations(page)).map((v) => v.id);
      for (const rule of ['landmark-one-main', 'page-has-heading-one', 'region', 'aria-allowed-role']) expect(rules, `${name}: ${rule}`).not.toContain(rule);
    }
  }, 120_000);

  it('holds its layout from 1024 px up: no page is wider than the window', async () => {
    await page.getByLabel('Theme').selectOption('light');
    for (const width of [1024, 1280]) {
      await page.setViewportSize({ width, height: 768 });
      for (const name of PAGES) {
        await show(name);
        const overflow = await page.evaluate(() => {
          const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
          return d.scrollWidth - d.clientWidth;
        });
        if (width === 1024) await app.screenshot(`narrow-${name.toLowerCase()}`, page);
        expect(overflow, `${name} at ${width} px is ${overflow} px wider than the window`).toBeLessThanOrEqual(0);
      }
    }
  }, 120_000);

  it('fits the Audit table in its box beside the record at 1440 × 1000: neither the table nor the page scrolls sideways', async () => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    await show('Audit');
    const table = page.getByRole('grid', { name: 'CloudTrail events' });
    const widths = await table.evaluate((el) => {
      const root = el.ownerDocument.documentElement;
      return { table: el.scrollWidth - el.clientWidth, page: root.scrollWidth - root.clientWidth };
    });
    expect(widths.table, `the table's columns are ${widths.table} px wider than its box`).toBeLessThanOrEqual(0);
    expect(widths.page, `the page is ${widths.page} px wider than the window`).toBeLessThanOrEqual(0);
    const [box, last] = await Promise.all([table.boundingBox(), table.getByRole('columnheader', { name: 'Encryption context' }).boundingBox()]);
    expect(last!.x + last!.width).toBeLessThanOrEqual(box!.x + box!.width);
  });

  it('shows the Audit table\'s error codes without scrolling sideways at 1440 px, beside the record', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await show('Audit');
    const table = page.getByRole('grid', { name: 'CloudTrail events' });
    await table.locator('.error-code').first().waitFor();
    const [box, head, code] = await Promise.all([table.boundingBox(), table.getByRole('columnheader', { name: 'Error code' }).boundingBox(), table.locator('.error-code').first().boundingBox()]);
    expect(box && head && code).toBeTruthy();
    expect(head!.x + head!.width, 'the Error code column ends past the table\'s right edge').toBeLessThanOrEqual(box!.x + box!.width);
    expect(code!.x + code!.width).toBeLessThanOrEqual(box!.x + box!.width);
    // A code too long for its column is cut with an ellipsis: its tooltip gives it whole.
    const first = table.locator('.error-code').first();
    expect(await first.getAttribute('title')).toBe(await first.textContent());
  });
});
