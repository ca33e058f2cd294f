import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * The scenario editor in Chromium: completion and hover help from the scenario's JSON Schema, and
 * validation problems inline on their lines — as someone writing a drill meets them.
 */
describe.skipIf(!e2eChromium)('the scenario editor', () => {
  let home: string;
  let app: BrowserApp;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-editor-'));
    app = await openBrowserApp({ home });
    await app.page.goto(app.bridge.url);
    await app.page.locator('[data-scenario="revocation-and-restore"]').click();
    await app.page.getByText('✓ Valid — ').waitFor();
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const editor = () => app.page.getByRole('textbox', { name: 'Scenario YAML' });
  // What the tests write comes from the file, not read back from the editor: CodeMirror renders only
  // the lines near its viewport, so the editor's text on screen may be a part of the document.
  const BUILT_IN = readFileSync(join(process.cwd(), 'resources', 'scenarios', 'revocation-and-restore.yaml'), 'utf8');

  it('loads on the first click into the empty editor, and takes what is typed there', async () => {
    // A page of its own: at launch nothing is picked yet, and CodeMirror has not been loaded.
    const page = await app.browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await page.goto(app.bridge.url);
      await page.locator('[data-scenario="revocation-and-restore"]').waitFor();
      await page.getByRole('textbox', { name: 'Scenario (YAML)' }).click();
      const editing = page.getByRole('textbox', { name: 'Scenario YAML' });
      await editing.waitFor();
      expect(await editing.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.type('title: typed at launch');
      expect(await editing.innerText()).toContain('title: typed at launch');
      await page.locator('.problem').first().waitFor(); // validated: a title alone is not a scenario
    } finally {
      await page.close();
    }
  });

  it('leaves the focus where the user moved it while the editor loaded', async () => {
    const page = await app.browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      // CodeMirror's chunk as slow as on a loaded machine (~1.5 s in a trial), so the user moves on first.
      await page.route('**/assets/code-editor-*.js', async (route) => {
        await new Promise((done) => setTimeout(done, 1_000));
        await route.continue();
      });
      await page.goto(app.bridge.url);
      await page.locator('[data-scenario="revocation-and-restore"]').waitFor();
      await page.getByRole('textbox', { name: 'Scenario (YAML)' }).focus();
      await page.keyboard.press('Shift+Tab');
      const moved = () => page.evaluate(() => {
        const doc = (globalThis as unknown as { document: { activeElement: { outerHTML: string } | null } }).document;
        return doc.activeElement?.outerHTML.slice(0, 120);
      });
      const away = await moved();
      expect(away).not.toMatch(/^<body/);
      await page.getByRole('textbox', { name: 'Scenario YAML' }).waitFor();
      await page.waitForTimeout(200);
      expect(await moved()).toBe(away);
    } finally {
      await page.close();
    }
  });

  it('offers the step kinds after "- do: ", each with what it does', async () => {
    const { page } = app;
    await editor().fill(`${BUILT_IN.replace(/\n+$/, '')}\ntimeline:\n  - do: `);
    await editor().press('End');
    await page.keyboard.press('Control+Space');
    const list = page.locator('.cm-tooltip-autocomplete');
    await list.waitFor();
    const labels = await list.locator('.cm-completionLabel').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['kms-region-outage', 'key-policy-revoke', 'node-address-change']));
    await page.keyboard.press('Escape');
    await app.screenshot('editor-completion');
  });

  it('offers the clusters the scenario declares where a step names one, and the timeline\'s step ids where an expectation does', async () => {
    const { page } = app;
    const list = page.locator('.cm-tooltip-autocomplete');
    const offered = async (text: string) => {
      await editor().fill(text);
      await editor().press('Control+End');
      await page.keyboard.press('Control+Space');
      await list.waitFor();
      const labels = await list.locator('.cm-completionLabel').allTextContents();
      await page.keyboard.press('Escape');
      return labels;
    };
    // CodeMirror lists the options in alphabetical order.
    const body = BUILT_IN.replace(/\n+$/, '');
    const withStep = body.replace(/^timeline:\n/m, 'timeline:\n  - { do: rotate-master-keys, at: 2h, cluster: }\n');
    expect(await offered(withStep.replace(/cluster: }\n[\s\S]*$/, 'cluster: '))).toEqual(['globex-analytics', 'globex-prod']);
    expect(await offered(`${body}\n  - { expect: error-code-after, after: `)).toEqual(['restore', 'revoke']);
  });

  it('explains a key on hover, from the schema', async () => {
    const { page } = app;
    await editor().fill(BUILT_IN);
    const key = page.locator('.cm-line', { hasText: /^ {2}healthCheck:/ }).first();
    const help = page.locator('.cm-hover-help');
    // On a busy machine the editor may still be laying out the new text when the pointer arrives:
    // move away and hover the key again until its help shows (it shows after CodeMirror's hover delay).
    await expect.poll(async () => {
      await page.mouse.move(0, 0);
      await key.hover({ position: { x: 40, y: 6 } });
      return help.waitFor({ timeout: 2_000 }).then(() => true, () => false);
    }, { timeout: 20_000 }).toBe(true);
    expect(await help.textContent()).toMatch(/^healthCheck: How often a node proves it can still reach its key/);
  });

  it('marks a problem on its own line, and the list below jumps there', async () => {
    const { page } = app;
    await editor().fill(BUILT_IN.replace(/^ {2}healthCheck: .*$/m, '  healthCheck: 0s'));
    await expect.poll(() => page.locator('.cm-lintRange-error').first().textContent(), { timeout: 10_000 }).toBe('  healthCheck: 0s');
    const problem = page.locator('.problem').first();
    expect(await problem.textContent()).toMatch(/line \d+policy\.healthCheck the health-check interval must be at least 1s/);
    expect(await page.getByRole('button', { name: 'Run drill' }).isDisabled()).toBe(true);
    await problem.click();
    expect(await page.locator('.cm-content').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    expect(app.pageErrors).toEqual([]);
  });

  it('marks a built-in scenario as picked only while the editor holds it as it is', async () => {
    const { page } = app;
    const item = page.locator('[data-scenario="revocation-and-restore"]');
    await item.click();
    await page.getByText('✓ Valid — ').waitFor();
    expect(await item.getAttribute('aria-selected')).toBe('true');
    // Another scenario pasted or typed over it: the drill that runs is no longer the built-in one.
    await editor().fill(BUILT_IN.replace(/^title: .*$/m, 'title: A drill of my own'));
    await page.getByText('✓ Valid — A drill of my own').waitFor();
    expect(await item.getAttribute('aria-selected')).toBe('false');
    expect(await page.locator('[data-scenario][aria-selected="true"]').count()).toBe(0);
  });
});
