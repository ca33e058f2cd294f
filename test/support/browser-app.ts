import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { AppServices, type AppServicesOptions } from '../../src-main/app/app-services';
import { CHROMIUM_ARGS, chromiumPath } from '../../src-main/report/chromium-path';
import { startBridge, type Bridge } from '../../src-main/server/bridge-server';
import { ensureRendererBuilt } from '../../src-main/server/renderer-build';
import { decodePng, ink } from '../integration/report-png-ink';

/** Where the end-to-end tests save a screenshot of each page. */
export const SHOTS = join(process.cwd(), 'test-results', 'e2e');

/** Debian's Chromium (or CHROMIUM_PATH); the browser tests skip without one. */
export const e2eChromium = chromiumPath();

/** The app as a browser user meets it: services on a data folder, the web bridge, Chromium on the built renderer. */
export interface BrowserApp {
  services: AppServices;
  bridge: Bridge;
  browser: Browser;
  page: Page;
  /** Page errors, failed responses and console errors seen so far: a test ends by expecting none. */
  pageErrors: string[];
  /** Saves a screenshot under test-results/e2e and checks it is not blank. */
  screenshot(name: string, target?: Page | Locator): Promise<void>;
  close(): Promise<void>;
}

export async function openBrowserApp(options: AppServicesOptions): Promise<BrowserApp> {
  mkdirSync(SHOTS, { recursive: true });
  const services = new AppServices(options);
  const bridge = await startBridge({ ctx: { services }, rendererDir: ensureRendererBuilt(), port: 0 });
  const browser = await chromium.launch({ executablePath: e2eChromium, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('response', (res) => {
    if (res.status() >= 400) pageErrors.push(`${res.status()} ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  return {
    services, bridge, browser, page, pageErrors,
    async screenshot(name, target = page) {
      const png = 'goto' in target ? await target.screenshot({ fullPage: true }) : await target.screenshot();
      writeFileSync(join(SHOTS, `${name}.png`), png);
      const measured = ink(decodePng(png));
      // A blank or unstyled page has a handful of colours and no hue at all.
      expect(measured.colours, `${name}.png looks blank`).toBeGreaterThan(40);
      expect(measured.chromatic, `${name}.png has no colour`).toBeGreaterThan(0.001);
    },
    async close() {
      await browser.close();
      await bridge.close();
      await services.close();
    },
  };
}
