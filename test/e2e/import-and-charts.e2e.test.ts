import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { syntheticKmsEvents } from '../../src-main/audit/synthetic-events';
import { decodePng, ink, looksDrawn } from '../integration/report-png-ink';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * Importing CloudTrail logs and reading them as charts, in Chromium through the web bridge: a real
 * .json.gz log file goes in through the Reports page's file input, its progress ends with every
 * event stored, a malformed file is refused in place, and the Audit page draws calls per minute
 * by operation, region and error code (recharts) in both themes. Then a drill's own charts.
 * Uses the built renderer (`npx electron-vite build` first, as app.e2e.test.ts does).
 */
const START = Date.UTC(2026, 2, 9, 14, 0);
const EVENTS = 360;

describe.skipIf(!e2eChromium)('importing CloudTrail logs and charting them (Playwright, Chromium, web bridge)', () => {
  let home: string;
  let logFile: string;
  let badFile: string;
  let app: BrowserApp;
  let services: BrowserApp['services'];
  let bridge: BrowserApp['bridge'];
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-import-'));
    // A real CloudTrail log file, as the exporter writes it for S3: 90 minutes of one region's KMS calls.
    const source = SqliteEventStore.open(':memory:');
    source.append([...syntheticKmsEvents({ count: EVENTS, start: START, durationMs: 90 * 60_000, regions: ['eu-west-1'], errorRate: 0.05, seed: 5 })].map((record) => ({ record })));
    const out = join(home, 'logs');
    const { files } = await exportCloudTrailLogs(source, out);
    source.close();
    expect(files).toHaveLength(1);
    logFile = join(out, files[0]!);
    badFile = join(home, 'broken_CloudTrail.json');
    writeFileSync(badFile, JSON.stringify({ Records: [{ eventVersion: '1.11', eventID: 'e2e-bad', eventTime: 'yesterday' }] }));

    app = await openBrowserApp({ home, tempDir: mkdtempSync(join(home, 'uploads-')) });
    ({ services, bridge, page, pageErrors } = app);
    // A step that cannot happen fails with its own message, well inside the test's time limit.
    page.setDefaultTimeout(15_000);
    await page.goto(bridge.url);
    await page.getByRole('tab', { name: 'Reports' }).waitFor();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const screenshot = (name: string, target?: Page | Locator) => app.screenshot(name, target);

  /** The drawn lines of a recharts chart: one path per series, each with a point per bucket. */
  async function curves(chart: Locator): Promise<string[]> {
    // 'attached', not 'visible': a steady rate is a flat line, whose box has no height.
    await chart.locator('path.recharts-line-curve').first().waitFor({ state: 'attached' });
    return chart.locator('path.recharts-line-curve').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
  }

  it('shows the Audit page\'s empty charts with what to do while no event is stored', async () => {
    await page.getByRole('tab', { name: 'Audit' }).click();
    const empty = page.getByTestId('audit-charts-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/Run a drill on the Drills page or import CloudTrail logs on the Reports page/);
  });

  it('uploads a real .json.gz log file through the file input and ends with every event stored', async () => {
    await page.getByRole('tab', { name: 'Reports' }).click();
    const section = page.getByTestId('cloudtrail-import');
    await section.getByTestId('import-file-input').setInputFiles(logFile);
    const status = section.locator('[data-testid="import-status"][data-state="done"]');
    await status.waitFor({ timeout: 30_000 });
    expect(await status.getByTestId('import-stored').textContent()).toBe(`${EVENTS} stored`);
    expect(await status.textContent()).toContain('0 already stored');
    expect(services.eventStore().count()).toBe(EVENTS);
    await screenshot('reports-import');
  });

  it('refuses a malformed file whole and says which record, where the file was given', async () => {
    const section = page.getByTestId('cloudtrail-import');
    await section.getByTestId('import-file-input').setInputFiles([badFile, logFile]);
    const failed = section.getByTestId('import-failed');
    await failed.waitFor({ timeout: 30_000 });
    const text = (await failed.textContent()) ?? '';
    expect(text).toContain(basename(badFile));
    expect(text).toMatch(/Records\[0\] \(eventID e2e-bad\)/);
    expect(await section.getByTestId('import-stored').textContent()).toBe('0 stored');
    expect(await section.getByTestId('import-status').textContent()).toContain(`${EVENTS} already stored`);
    expect(services.eventStore().count()).toBe(EVENTS);
  });

  it('opens the imported events in the Audit page and draws calls per minute by operation, region and error code', async () => {
    await page.getByTestId('import-open-audit').click();
    expect(await page.getByRole('tab', { name: 'Audit' }).getAttribute('aria-selected')).toBe('true');
    await expect.poll(async () => (await page.getByTestId('audit-count').textContent()) ?? '').toBe(`${EVENTS} events`);
    const byOperation = page.getByTestId('chart-calls-eventName');
    const operations = await curves(byOperation);
    expect(operations.length).toBe(Number(await byOperation.getAttribute('data-keys')));
    expect(operations.length).toBeGreaterThan(2);
    // 90 minutes in one-minute buckets: each line has a point per minute, so it is far from flat or empty.
    for (const d of operations) expect(d.split(/[LM]/).length).toBeGreaterThan(80);
    const regions = await curves(page.getByTestId('chart-calls-region'));
    expect(regions).toHaveLength(1);
    expect(await page.getByTestId('chart-calls-region').locator('.legend').textContent()).toContain('eu-west-1');
    expect((await curves(page.getByTestId('chart-calls-errorCode'))).length).toBeGreaterThan(0);
    // The time axis reads in UTC, like the table.
    expect(await page.getByTestId('chart-calls-region').locator('.recharts-xAxis-tick-labels').textContent()).toMatch(/^14:\d\d/);

    for (const id of ['chart-calls-eventName', 'chart-calls-region', 'chart-calls-errorCode']) {
      const shot = ink(decodePng(await page.getByTestId(id).locator('svg.recharts-surface').screenshot()));
      expect(looksDrawn(shot), `${id} looks blank: ${JSON.stringify(shot)}`).toBe(true);
    }
    await screenshot('audit-charts');
  });

  it('narrows the charts to the page\'s time range and says so when nothing is in it', async () => {
    await page.getByLabel('From (UTC)').fill('2026-03-09T14:30');
    await page.getByLabel('To (UTC)').fill('2026-03-09T14:59');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => (await curves(page.getByTestId('chart-calls-region')))[0]?.split(/[LM]/).length ?? 0).toBeLessThan(40);
    await page.getByLabel('From (UTC)').fill('2027-01-01T00:00');
    await page.getByLabel('To (UTC)').fill('2027-01-01T01:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('audit-charts-empty').waitFor();
    expect(await page.getByTestId('audit-charts-empty').textContent()).toMatch(/widen the time range/i);
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.getByTestId('chart-calls-region').locator('path.recharts-line-curve').waitFor({ state: 'attached' });
  });

  it('keeps the chart lines readable in the dark theme', async () => {
    // Runs in the page; the tests' own TypeScript has no DOM types.
    type Styles = { getComputedStyle(element: unknown): { stroke: string } };
    const stroke = () => page.getByTestId('chart-calls-region').locator('path.recharts-line-curve').first().evaluate((p) => (globalThis as unknown as Styles).getComputedStyle(p).stroke);
    const light = await stroke();
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(stroke).not.toBe(light);
    const [r, g, b] = ((await stroke()).match(/\d+/g) ?? []).map(Number) as [number, number, number];
    // A light line on the dark panel: its brightest channel well above the background's.
    expect(Math.max(r, g, b)).toBeGreaterThan(200);
    await screenshot('audit-charts-dark');
    await page.getByLabel('Theme').selectOption('light');
  });

  it('draws a drill\'s availability and KMS-call charts with recharts, and offers the export as a download', async () => {
    const { jobId } = services.drills.run({ name: 'revocation-and-restore' }, undefined, undefined);
    expect(jobId).toBeTruthy();
    await services.drills.idle();
    // The run finished outside this page: reload to list it, as a user would after running one from the CLI.
    await page.reload();
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByTestId('run-view').waitFor({ timeout: 30_000 });
    const availability = await curves(page.getByTestId('chart-availability'));
    expect(availability.length).toBeGreaterThan(0);
    expect(availability.every((d) => d.split(/[LM]/).length > 3)).toBe(true);
    expect((await curves(page.getByTestId('chart-kms-calls'))).length).toBeGreaterThan(0);
    const shot = ink(decodePng(await page.getByTestId('chart-availability').locator('svg.recharts-surface').screenshot()));
    expect(looksDrawn(shot), `availability chart looks blank: ${JSON.stringify(shot)}`).toBe(true);
    await screenshot('drills-recharts');

    await page.getByRole('tab', { name: 'Reports' }).click();
    await page.locator('[data-format="json"]').click();
    const link = page.getByTestId('exported-download').first();
    await link.waitFor();
    const written = (await page.getByTestId('exported-path').first().textContent()) ?? '';
    expect(await link.getAttribute('href')).toBe(`/downloads/reports/${encodeURIComponent(basename(written))}`);
    const download = await page.request.get(new URL((await link.getAttribute('href'))!, bridge.origin).href);
    expect(download.status()).toBe(200);
    expect(Buffer.from(await download.body()).equals(readFileSync(written))).toBe(true);
    expect(readdirSync(join(home, 'reports')).length).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
