import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEventPayload } from '../../src-shared/api';
import { callApi } from '../../src-main/app/api-handlers';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';
import { tamperedCopy } from '../support/tampered-bundle';

/**
 * An auditor handed an audit bundle verifies it in the browser served by `keydrill ui`, with the
 * keyboard: the path typed into the Reports page, the verdict read off the page. A bundle exported
 * from that same page verifies; a copy with a changed CloudTrail record (SHA256SUMS rewritten to
 * match, as a careful tamperer would) does not, and the page says which check caught it.
 * Uses the built renderer (`npx electron-vite build` first, as app.e2e.test.ts does).
 */
describe.skipIf(!e2eChromium)('verifying an audit bundle in the browser (Playwright, Chromium, web bridge)', () => {
  let home: string;
  let app: BrowserApp;
  let page: Page;
  let bundle: string;

  /** Types the folder's path and presses Enter, as a keyboard user does, and waits for the verdict or the refusal. */
  async function verify(path: string): Promise<void> {
    const field = page.getByLabel(/Bundle folder/);
    await field.fill(path);
    await field.press('Enter');
    await page.getByTestId('bundle-verify').locator('[data-testid="bundle-verdict-word"], [role="alert"]').first().waitFor();
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-verify-'));
    app = await openBrowserApp({ home });
    ({ page } = app);
    page.setDefaultTimeout(30_000);
    // A finished drill to export, before the page lists the runs.
    const finished = new Promise<ApiEventPayload<'drill:finished'>>((resolve) => app.services.events.on('drill:finished', resolve));
    const started = await callApi({ services: app.services }, 'drills:run', { scenario: { name: 'revocation-and-restore' } });
    if (!started.ok) throw new Error(started.error.message);
    expect((await finished).ok).toBe(true);
    await page.goto(app.bridge.url);
    await page.getByRole('tab', { name: 'Reports' }).click();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('exports an audit bundle, types its path, and reads "Verified" with the run, the seal and the event set', async () => {
    await page.locator('[data-format="bundle"]').click();
    const exported = page.getByTestId('exported-path').first();
    await exported.waitFor({ timeout: 120_000 });
    bundle = (await exported.textContent()) ?? '';
    const seal = (await page.getByTestId('exported-seal').first().textContent()) ?? '';

    await verify(bundle);
    const verdict = page.getByTestId('bundle-verdict');
    expect(await page.getByTestId('bundle-verdict-word').textContent()).toBe('Verified');
    expect(await page.getByTestId('bundle-verdict-seal').textContent()).toBe(seal);
    expect(await page.getByTestId('bundle-verdict-run').textContent()).toContain('Revocation and restore');
    expect(await page.getByTestId('bundle-verdict-files').textContent()).toMatch(/^All \d+ match SHA256SUMS, and no other file is in the folder\.$/);
    expect(await page.getByTestId('bundle-verdict-events').textContent()).toContain('34 CloudTrail records give the run’s digest.');
    // The verdict takes focus, so a keyboard user is where the answer is, with the focus ring showing.
    const title = page.locator('#bundle-verdict-title');
    expect(await title.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    type Styles = { getComputedStyle(element: unknown): { outlineStyle: string } };
    expect(await title.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).outlineStyle)).toBe('solid');
    await app.screenshot('reports-bundle-verified', verdict);
    expect(app.pageErrors).toEqual([]);
  });

  it('does not verify a copy with a changed CloudTrail record, and names the event set as what failed', async () => {
    const changed = tamperedCopy(bundle, join(home, 'changed-bundle'), (records) => records.map((r, i) => (i === 0 ? { ...r, sourceIPAddress: '198.51.100.7' } : r)));
    await verify(changed);
    expect(await page.getByTestId('bundle-verdict-word').textContent()).toBe('NOT verified');
    // Its rewritten SHA256SUMS matches every file: only the event set (and the seal, against the sign-off) shows the change.
    expect(await page.getByTestId('bundle-verdict-files').textContent()).toMatch(/^All \d+ match SHA256SUMS/);
    const events = (await page.getByTestId('bundle-verdict-events').textContent()) ?? '';
    expect(events).toContain('The CloudTrail records give another digest: a record was changed.');
    expect(events).toMatch(/Recomputed from the CloudTrail files[0-9a-f]{64}/);
    await app.screenshot('reports-bundle-not-verified', page.getByTestId('bundle-verdict'));
  });

  it('refuses a relative path with what to type instead', async () => {
    const errorsBefore = app.pageErrors.length;
    await verify('bundles/run-audit');
    expect(await page.getByTestId('bundle-verify').getByRole('alert').textContent()).toContain('bundles/run-audit is not a full path');
    expect(await page.getByTestId('verify-path').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('bundle-verdict').count()).toBe(0);
    // The bridge answers the refusal as any bad request (400), which is all the browser reports.
    for (const e of app.pageErrors.splice(errorsBefore)) expect(e).toMatch(/400|reports%3Averify|Bad Request/);
  });

  it('refuses a path pasted far too long in words, and its error stays inside the section (it ran off it, in the schema\'s words)', async () => {
    const errorsBefore = app.pageErrors.length;
    await verify(`/${'a'.repeat(4999)}`);
    const alert = page.getByTestId('bundle-verify').getByRole('alert');
    expect(await alert.textContent()).toBe('a path is at most 4,096 characters, and this one has 5,000.');
    await verify(`/${'b'.repeat(3000)}`);
    expect(await alert.textContent()).toMatch(/^\/b{3000}: no such folder\.$/);
    // Its text wraps within the paragraph instead of running out past the section's edge.
    expect(await alert.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    for (const e of app.pageErrors.splice(errorsBefore)) expect(e).toMatch(/40\d|reports%3Averify|Bad Request|Not Found/);
  });
});
