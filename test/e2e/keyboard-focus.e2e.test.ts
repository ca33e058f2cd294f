import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * The app driven from the keyboard alone (a UI trial's three findings): a list or a tree is one Tab
 * stop walked with the arrow keys, and the focus is never dropped on the page body — not when Run
 * starts a drill, not when it ends, not when a link opens another page.
 */
describe.skipIf(!e2eChromium)('keyboard focus (Playwright, Chromium, web bridge)', () => {
  let home: string;
  let app: BrowserApp;
  let page: Page;

  /** What has the focus: its tag, role and the attribute that names it here. */
  const focused = () => page.evaluate(() => {
    type Node = { tagName: string; textContent: string | null; getAttribute(name: string): string | null };
    const doc = (globalThis as unknown as { document: { activeElement: Node | null; body: unknown } }).document;
    const el = doc.activeElement;
    if (!el || el === doc.body) return 'body';
    const name = el.getAttribute('data-scenario') ?? el.getAttribute('data-node') ?? el.getAttribute('data-testid') ?? el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 80);
    return `${el.tagName.toLowerCase()}${el.getAttribute('role') ? `[${el.getAttribute('role')}]` : ''} ${name ?? ''}`.trim();
  });
  const tab = async () => {
    await page.keyboard.press('Tab');
    return focused();
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-keys-'));
    app = await openBrowserApp({ home });
    app.services.drills.run({ name: 'revocation-and-restore' }, 'embedded', undefined);
    await app.services.drills.idle();
    page = app.page;
    await page.goto(app.bridge.url);
    await page.getByTestId('run-view').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('makes the built-in scenarios one Tab stop, walked with the arrow keys, picked with Enter', async () => {
    const options = page.getByRole('listbox', { name: 'Built-in scenarios' }).getByRole('option');
    const count = await options.count();
    expect(count).toBeGreaterThan(5);
    const names = await options.evaluateAll((els) => els.map((el) => el.getAttribute('data-scenario')));
    await page.getByLabel('Theme').focus();
    expect(await tab()).toBe(`li[option] ${names[0]}`);
    // One Tab on, and the list is behind: the next control, not the second scenario.
    expect(await tab()).toBe('button Clear the editor');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(`li[option] ${names[2]}`);
    // Moving does not pick: the editor keeps what it holds.
    expect(await page.locator('[data-scenario][aria-selected="true"]').count()).toBe(0);
    await page.keyboard.press('End');
    expect(await focused()).toBe(`li[option] ${names[count - 1]}`);
    await page.keyboard.press('Home');
    expect(await focused()).toBe(`li[option] ${names[0]}`);
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe(`li[option] ${names[0]}`);
    const target = names.indexOf('revocation-and-restore');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByText('✓ Valid — Revocation and restore').waitFor();
    expect(await page.locator('[data-scenario="revocation-and-restore"]').getAttribute('aria-selected')).toBe('true');
    // Away and back: the Tab stop is the scenario picked.
    expect(await tab()).toBe('button Clear the editor');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('li[option] revocation-and-restore');
    expect(await options.evaluateAll((els) => els.filter((el) => el.getAttribute('tabindex') === '0').length)).toBe(1);
  });

  it('gives Stop the focus when Run starts a drill, and the run\'s result when the drill ends', async () => {
    await page.getByLabel('Pace').selectOption({ label: 'Watch: 1 minute a second' });
    await page.getByRole('button', { name: 'Run drill' }).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('stop-drill').waitFor();
    await expect.poll(focused).toBe('button stop-drill');
    await app.screenshot('keyboard-focus-after-run');
    // Stop keeps the focus while the drill stops: a disabled button would drop it.
    await page.keyboard.press('Enter');
    await page.getByTestId('run-view').locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    await expect.poll(focused).toBe('h2 Revocation and restore of CMK access across a tenant\'s clusters');
    // From the result's heading, the keyboard carries on into the result.
    await page.keyboard.press('Tab');
    expect(await page.getByTestId('run-view').locator(':focus').count()).toBe(1);
  }, 60_000);

  it('makes the key hierarchy one Tab stop: Up/Down walk it, Right/Left go to a wrapped key and back, Enter selects', async () => {
    await page.getByRole('tab', { name: 'Explorer' }).click();
    const graph = page.getByRole('tree', { name: 'Key hierarchy' });
    await graph.getByRole('treeitem').first().waitFor();
    const ids = await graph.locator('[data-node]').evaluateAll((els) => els.map((el) => el.getAttribute('data-node')));
    expect(ids.length).toBeGreaterThan(5);
    expect(await graph.locator('[data-node][tabindex="0"]').count()).toBe(1);
    await page.getByRole('tree', { name: 'Tenants' }).focus();
    expect(await tab()).toBe(`g[treeitem] ${ids[0]}`);
    // Past the graph in one Tab: nothing after it on the page takes focus.
    expect(await tab()).toBe('body');
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe(`g[treeitem] ${ids[0]}`);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe(`g[treeitem] ${ids[1]}`);
    await page.keyboard.press('End');
    expect(await focused()).toBe(`g[treeitem] ${ids.at(-1)}`);
    await page.keyboard.press('Home');
    const cmk = ids[0]!;
    expect(cmk).toMatch(/^cmk:/);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatch(/^g\[treeitem\] master:/);
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatch(/^g\[treeitem\] db:/);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe(`g[treeitem] ${cmk}`);
    await page.keyboard.press('Enter');
    await page.getByTestId('key-panel').waitFor();
    expect(await graph.locator(`[data-node="${cmk}"]`).getAttribute('aria-selected')).toBe('true');
  });

  it('gives the Explorer\'s tenant the focus after "show in Explorer", and the audit log\'s rows after a verdict\'s evidence', async () => {
    await page.getByRole('tab', { name: 'Drills' }).click();
    // The run that played to its end (the one stopped above has no tenants table).
    const shown = page.locator('#page-drills').getByLabel('Showing run');
    const done = await shown.locator('option', { hasText: /^✓ Revocation and restore/ }).first().getAttribute('value');
    await shown.selectOption(done!);
    const show = page.getByRole('button', { name: 'show in Explorer: globex' }).first();
    await show.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('div[tree] fleet-tree');
    const tree = page.getByRole('tree', { name: 'Tenants' });
    expect(await tree.getAttribute('aria-activedescendant')).toBe(await tree.locator('[data-row="t:globex"]').getAttribute('id'));

    await page.getByRole('tab', { name: 'Drills' }).click();
    const evidence = page.getByTestId('verdict').locator('.evidence button:not([disabled])').first();
    await evidence.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('div[grid] CloudTrail events');
    const grid = page.getByRole('grid', { name: 'CloudTrail events' });
    expect(await grid.locator(`[id="${await grid.getAttribute('aria-activedescendant')}"]`).getAttribute('aria-rowindex')).toBe('2');
  });

  it('keeps the focus on an export button while it exports, and after', async () => {
    await page.getByRole('tab', { name: 'Reports' }).click();
    const html = page.locator('button[data-format="html"]');
    await html.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('exported-path').first().waitFor({ timeout: 30_000 });
    // While it read "Exporting…" it was disabled, which dropped the focus on <body>.
    expect(await focused()).toBe('button Export HTML');
  }, 60_000);

  it('gives the Explorer tab the focus after "Watch the hierarchy" (the link\'s page is hidden)', async () => {
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByRole('button', { name: 'Run drill' }).click();
    const watch = page.getByRole('button', { name: 'Watch the hierarchy' });
    await watch.focus();
    await page.keyboard.press('Enter');
    await expect.poll(focused).toBe('button[tab] Explorer');
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByTestId('stop-drill').click();
    await page.getByTestId('run-view').locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    expect(app.pageErrors).toEqual([]);
  }, 60_000);
});
