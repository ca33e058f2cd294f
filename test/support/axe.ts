import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** One axe-core rule broken on a page: its id, impact and where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * Runs axe-core (WCAG 2.x A and AA rules, and its best practices) on what the page shows now.
 * The page must come from a context opened with `bypassCSP: true`: the app's Content-Security-Policy
 * rightly refuses the injected script otherwise.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<Result> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}

/** The violations a user of assistive technology would be stopped or seriously hindered by. */
export const blocking = (violations: readonly AxeViolation[]) => violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');

/**
 * The app opened in a context of its own where axe-core can be injected (`bypassCSP`: the app's
 * Content-Security-Policy rightly refuses scripts it did not serve). Close the context when done.
 */
export async function openAxePage(browser: Browser, url: string, viewport = { width: 1440, height: 1000 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ bypassCSP: true, viewport });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}
