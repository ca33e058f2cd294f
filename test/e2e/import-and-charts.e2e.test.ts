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
 * event stored, a malformed file is refused in place, and the Audit page draws the calls of each
 * bucket by operation, region and error code (recharts) in both themes, following every filter of
 * the table. Then a drill's own charts.
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

  /** The drawn lines of a recharts line chart: one path per series. */
  async function curves(chart: Locator): Promise<string[]> {
    // 'attached', not 'visible': a steady rate is a flat line, whose box has no height.
    await chart.locator('path.recharts-line-curve').first().waitFor({ state: 'attached' });
    return chart.locator('path.recharts-line-curve').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
  }

  /** How many bars a bucket chart draws (a stacked bucket draws one per series with calls in it). */
  async function bars(chart: Locator): Promise<number> {
    await chart.locator('.recharts-bar-rectangle path').first().waitFor({ state: 'attached' });
    return chart.locator('.recharts-bar-rectangle path').count();
  }

  /** The colour a chart draws `key` in, as the page computes it: its legend swatch and its bars (recharts draws one bar group per key, in legend order). */
  async function drawnColour(id: string, key: string): Promise<{ swatch: string; bars: string[] }> {
    const chart = page.getByTestId(id);
    await chart.locator('.recharts-bar-rectangle path').first().waitFor({ state: 'attached' });
    // Runs in the page; the tests' own TypeScript has no DOM types.
    type El = { textContent: string | null; querySelector(s: string): El | null; querySelectorAll(s: string): El[] };
    type Styles = { getComputedStyle(element: El): { backgroundColor: string; fill: string } };
    return chart.evaluate((figure: unknown, name: string) => {
      const fig = figure as El;
      const view = globalThis as unknown as Styles;
      const items = [...fig.querySelectorAll('.legend li:not(.unit)')];
      const at = items.findIndex((li) => li.textContent === name);
      const swatch = items[at]?.querySelector('.swatch');
      const group = fig.querySelectorAll('.recharts-bar')[at];
      return {
        swatch: swatch ? view.getComputedStyle(swatch).backgroundColor : 'no legend entry',
        bars: [...new Set([...(group?.querySelectorAll('.recharts-bar-rectangle path') ?? [])].map((p) => view.getComputedStyle(p).fill))],
      };
    }, key);
  }

  /** What the chart says it counted (its caption, and data-total for the test). */
  const charted = async (id: string) => Number(await page.getByTestId(id).getAttribute('data-total'));
  const audit = () => page.locator('#page-audit');
  const count = async () => (await page.getByTestId('audit-count').textContent()) ?? '';
  /** What the count says when `n` events match: all of them, or the first page (100 rows) of the true total. */
  const countOf = (n: number) => (n <= 100 ? `${n} events` : `100 of ${n.toLocaleString('en')} events shown, newest first`);
  const errorsStored = () => services.eventStore().lookup({ errorsOnly: true, maxResults: 10_000 }).events.length;

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

  it('does not offer a LookupEvents import from the embedded KMS, whose events are already here', async () => {
    const note = page.getByTestId('lookup-backend-note');
    await expect.poll(() => note.textContent()).toMatch(/already on the Audit page/);
    expect(await page.getByRole('button', { name: 'Import from LookupEvents' }).isDisabled()).toBe(true);
  });

  it('opens the imported events in the Audit page and draws the calls of each bucket by operation, region and error code', async () => {
    // It opens at the minutes of the imported events (the store may hold a drill's too), and says so.
    const records = services.eventStore().lookup({ maxResults: 10_000, order: 'oldest' }).events.map((e) => e.record.eventTime);
    const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
    const [from, to] = [minute(records[0]!), minute(records.at(-1)!)];
    const button = page.getByTestId('import-open-audit');
    expect(await button.textContent()).toBe(`Open the Audit page at their times, ${from} to ${to} UTC`);
    await button.click();
    expect(await page.getByRole('tab', { name: 'Audit' }).getAttribute('aria-selected')).toBe('true');
    expect(await audit().getByLabel('From (UTC)').inputValue()).toBe(from);
    expect(await audit().getByLabel('To (UTC)').inputValue()).toBe(to);
    await expect.poll(count).toBe(countOf(EVENTS));
    const byOperation = page.getByTestId('chart-calls-eventName');
    expect(await bars(byOperation)).toBeGreaterThan(40);
    // Sums per bucket: the bars add up to every stored call, and the failed ones to every error.
    expect(await charted('chart-calls-eventName')).toBe(EVENTS);
    expect(await charted('chart-calls-region')).toBe(EVENTS);
    expect(await charted('chart-calls-errorCode')).toBe(errorsStored());
    expect(await bars(page.getByTestId('chart-calls-errorCode'))).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-calls-region').locator('.legend').textContent()).toContain('eu-west-1');
    // 90 minutes: round buckets and round ticks, in UTC like the table.
    expect(await byOperation.locator('figcaption').textContent()).toMatch(/^CloudTrail records by operation, per (minute|2 minutes) · 360 records$/);
    const ticks = await page.getByTestId('chart-calls-region').locator('.recharts-xAxis-tick-labels tspan').allTextContents();
    expect(ticks.length).toBeGreaterThan(2);
    for (const t of ticks) expect(t).toMatch(/^1[45]:(00|15|30|45)$/);

    for (const id of ['chart-calls-eventName', 'chart-calls-region', 'chart-calls-errorCode']) {
      const shot = ink(decodePng(await page.getByTestId(id).locator('svg.recharts-surface').screenshot()));
      expect(looksDrawn(shot), `${id} looks blank: ${JSON.stringify(shot)}`).toBe(true);
    }
    await screenshot('audit-charts');
    await screenshot('audit-operations', byOperation);
  });

  it('charts follow every filter the table follows, and the count is the true total', async () => {
    // Decrypt's colour before any filter: the EventName filter below must not repaint it.
    const decryptBefore = await drawnColour('chart-calls-eventName', 'Decrypt');
    expect(decryptBefore.bars, 'the legend shows the colour the bars are drawn in').toEqual([decryptBefore.swatch]);
    const errors = errorsStored();
    await audit().getByLabel('Errors only').check();
    await audit().getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => charted('chart-calls-eventName')).toBe(errors);
    await expect.poll(count).toBe(countOf(errors));
    await audit().getByLabel('Errors only').uncheck();
    await audit().getByLabel('Lookup attribute').selectOption('EventName');
    await audit().getByLabel('Value').fill('Decrypt');
    await audit().getByRole('button', { name: 'Apply' }).click();
    const decrypts = services.eventStore().lookup({ attribute: { key: 'EventName', value: 'Decrypt' }, maxResults: 10_000 }).events.length;
    await expect.poll(() => charted('chart-calls-region')).toBe(decrypts);
    expect(await page.getByTestId('chart-calls-eventName').locator('.legend li:not(.unit)').allTextContents()).toEqual(['Decrypt']);
    expect(await drawnColour('chart-calls-eventName', 'Decrypt')).toEqual(decryptBefore);
    await screenshot('audit-operations-filtered', page.getByTestId('chart-calls-eventName'));
    await audit().getByLabel('Region').fill('us-east-1');
    await audit().getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('audit-charts-empty').waitFor();
    await audit().getByRole('button', { name: 'Reset' }).click();
    await expect.poll(count).toBe(countOf(EVENTS));
  });

  it('takes times as UTC ISO text, narrows the charts to them, and refuses a reversed range', async () => {
    await audit().getByLabel('From (UTC)', { exact: true }).fill('2026-03-09 14:30');
    await audit().getByLabel('To (UTC)', { exact: true }).fill('2026-03-09 14:59');
    await audit().getByRole('button', { name: 'Apply' }).click();
    const inRange = [...syntheticKmsEvents({ count: EVENTS, start: START, durationMs: 90 * 60_000, regions: ['eu-west-1'], errorRate: 0.05, seed: 5 })]
      .filter((r) => r.eventTime >= '2026-03-09T14:30:00Z' && r.eventTime <= '2026-03-09T14:59:59Z').length;
    await expect.poll(() => charted('chart-calls-region')).toBe(inRange);
    await expect.poll(count).toBe(countOf(inRange));
    await audit().getByLabel('From (UTC)', { exact: true }).fill('2026-03-09 15:00');
    await audit().getByRole('button', { name: 'Apply' }).click();
    expect(await page.getByTestId('audit-filter-error').textContent()).toMatch(/From \(2026-03-09 15:00\) is after To/);
    expect(await audit().getByLabel('From (UTC)', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // Nothing changed behind the message.
    expect(await charted('chart-calls-region')).toBe(inRange);
    await audit().getByLabel('From (UTC)', { exact: true }).fill('2027-01-01');
    await audit().getByLabel('To (UTC)', { exact: true }).fill('2027-01-01 01:00');
    await audit().getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('audit-charts-empty').waitFor();
    expect(await page.getByTestId('audit-charts-empty').textContent()).toMatch(/Loosen the filters/);
    await audit().getByRole('button', { name: 'Reset' }).click();
    await page.getByTestId('chart-calls-region').locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
  });

  it('charts events months apart on separate axes, counts them all, and jumps to the oldest', async () => {
    // A second stretch, eight months earlier (as a drill's own clock would put it): 1,000 more events.
    const early = [...syntheticKmsEvents({ count: 1_000, start: Date.UTC(2025, 6, 1), durationMs: 3_600_000, regions: ['us-east-1'], seed: 8 })];
    services.eventStore().append(early.map((record) => ({ record })));
    await audit().getByRole('button', { name: 'Apply' }).click();
    await expect.poll(count).toBe(countOf(EVENTS + 1_000));
    await expect.poll(() => page.getByTestId('audit-stretch').count()).toBe(2);
    const banner = await page.getByTestId('audit-stretches').textContent();
    expect(banner).toMatch(/2 stretches of time months apart/);
    // A LocalStack or AWS drill's records carry its simulated time from its wall-clock start (hours ahead on a long drill), not the wall clock.
    expect(banner).toContain('on LocalStack or AWS from the moment it started, so up to the drill\'s length ahead of the wall clock');
    expect(banner).toContain('imported CloudTrail logs and keydrill kms serve the wall clock');
    expect(banner).not.toMatch(/live events/);
    const totals = await page.locator('[data-testid="audit-stretch"] [data-testid="chart-calls-region"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-total'))));
    expect(totals).toEqual([1_000, EVENTS]);
    await page.getByTestId('audit-order').click();
    await expect.poll(count).toMatch(/, oldest first$/);
    const oldest = [...early].sort((a, b) => a.eventTime.localeCompare(b.eventTime))[0]!;
    expect(await page.locator('.vrow').first().locator('[role="gridcell"]').first().textContent()).toBe(oldest.eventTime.replace('T', ' ').replace(/(\.\d+)?Z$/, ''));
    await screenshot('audit-stretches');
    await page.getByTestId('audit-order').click();
    await expect.poll(count).toMatch(/, newest first$/);
  });

  it('keeps the chart bars readable in the dark theme', async () => {
    // Runs in the page; the tests' own TypeScript has no DOM types.
    type Styles = { getComputedStyle(element: unknown): { fill: string } };
    const fill = () => page.getByTestId('chart-calls-region').locator('.recharts-bar-rectangle path').first().evaluate((p) => (globalThis as unknown as Styles).getComputedStyle(p).fill);
    const light = await fill();
    await page.getByLabel('Theme').selectOption('dark');
    await expect.poll(fill).not.toBe(light);
    const [r, g, b] = ((await fill()).match(/\d+/g) ?? []).map(Number) as [number, number, number];
    // A light bar on the dark panel: its brightest channel well above the background's.
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
    expect(await bars(page.getByTestId('chart-kms-calls'))).toBeGreaterThan(0);
    // The axis spans the whole drill: its last tick is the end, 6 hours in.
    expect((await page.getByTestId('chart-kms-calls').locator('.recharts-xAxis-tick-labels tspan').allTextContents()).at(-1)).toBe('+6h');
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
