import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observationIdOf } from '../../src-main/drill/run-trail';
import { axeViolations, blocking } from '../support/axe';
import { e2eChromium, type BrowserApp } from '../support/browser-app';
import { openFleetDrillApp, type FleetDrillApp } from '../support/fleet-drill-app';

/**
 * A UI trial (300 tenants, a us-east-1 outage): a verdict cited "client-side observations #1, #2,
 * #3" and its link opened Audit on the run's CloudTrail records, where those calls — which never
 * reached KMS — appeared nowhere. Each cited number now opens them in Audit, in a table of their own.
 */
// 3 calls per tenant never reach KMS: 540, more than one page of the table (500).
const TENANTS = 180;

describe.skipIf(!e2eChromium)("a verdict's calls that never reached KMS, opened in Audit (Playwright, Chromium, web bridge)", () => {
  let fleet: FleetDrillApp | undefined;
  let app: BrowserApp;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    fleet = await openFleetDrillApp({ tenants: TENANTS, days: 1, outageAtHours: 10, outageHours: 3 });
    ({ app, page, runId } = fleet);
  }, 300_000);

  afterAll(async () => {
    await fleet?.close();
  });

  const panel = () => page.getByTestId('run-observations');

  it('opens a cited observation from the verdict: selected in a table of the run\'s calls that never reached KMS, apart from its CloudTrail events, and read in full', async () => {
    const run = app.services.runs.get(runId);
    const verdict = page.getByTestId('verdict').filter({ hasText: 'succeeded in us-east-1 during its outage' });
    await verdict.waitFor({ timeout: 30_000 });
    const cited = run.verdicts.find((v) => v.expectation.expect === 'no-success-during-outage')?.evidence.observations ?? [];
    expect(cited.length).toBeGreaterThan(1);
    const n = cited[1]!;
    // Named for what it opens, though it reads "#n" on screen; pressed from the keyboard.
    const link = verdict.getByRole('button', { name: `Open client-side observation #${n} in Audit`, exact: true });
    expect(await link.textContent()).toBe(`#${n}`);
    await link.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => panel().locator('.vrow.selected').count(), { timeout: 30_000 }).toBe(1);
    // The keyboard lands on the observations' grid with the cited row active, not on <body>.
    const grid = page.getByRole('grid', { name: 'Calls that never reached KMS (client-side observations)' });
    await expect.poll(() => grid.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    const active = await grid.getAttribute('aria-activedescendant');
    expect(await page.evaluate((id) => (globalThis as unknown as { document: { getElementById(i: string): { textContent: string | null } | null } }).document.getElementById(id)?.textContent, active ?? '')).toContain(`#${n}`);
    const detail = page.getByTestId('observation-detail');
    const text = (await detail.textContent()) ?? '';
    expect(text).toContain(`Number#${n} of the run`);
    expect(text).toContain(`Observation id${observationIdOf(runId, n)}`);
    expect(text).toContain('Regionus-east-1');
    expect(text).toContain('ErrorNetworkingError');
    expect(text).toContain('Causeinjected outage (connection refused)');
    expect(text).toMatch(/Tenantt\d\d/);
    expect(text).toContain('no CloudTrail record of it');
    expect(await panel().locator('.vrow.selected [role="gridcell"]').first().textContent()).toBe(`#${n}`);
    // Labelled as what they are, in their own table, beside the run's CloudTrail events (which stay filtered to the run).
    expect(await panel().locator('#observations-title').textContent()).toContain('client-side observations · not CloudTrail records');
    expect(await page.getByRole('grid', { name: 'Calls that never reached KMS (client-side observations)' }).count()).toBe(1);
    expect(await page.getByRole('grid', { name: 'CloudTrail events' }).count()).toBe(1);
    expect(await page.getByRole('grid', { name: 'CloudTrail events' }).textContent()).not.toContain('NetworkingError');
    // Brought into view: the reader lands on it, not on the charts above.
    expect(await panel().evaluate((e) => e.getBoundingClientRect().top < (e.ownerDocument.defaultView?.innerHeight ?? 0))).toBe(true);
    expect(blocking(await axeViolations(page))).toEqual([]);
    await app.screenshot('audit-observation-evidence', page);
  });

  it("lists all the run's observations, a page at a time as the table scrolls, every one numbered", async () => {
    const total = app.services.runs.get(runId).observationCount;
    const grid = page.getByRole('grid', { name: 'Calls that never reached KMS (client-side observations)' });
    await grid.focus();
    const count = () => page.getByTestId('observation-count').textContent();
    for (let i = 0; i < 20 && (await count())?.includes('more'); i++) {
      await page.keyboard.press('End');
      await page.waitForTimeout(200);
    }
    await expect.poll(count).toBe(`${total.toLocaleString('en')} calls that never reached KMS`);
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('observation-detail').textContent()).toContain(`Number#${total} of the run`);
    expect(await panel().locator('.vrow [role="gridcell"]:first-child').allTextContents()).not.toContain('—');
  });
});
