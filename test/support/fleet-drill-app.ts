import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { stringify } from 'yaml';
import { fleetScenario, type FleetOptions } from '../../bench/fleet-scenario';
import { openAxePage } from './axe';
import { openBrowserApp, type BrowserApp } from './browser-app';

/** The app after one fleet drill on the embedded KMS, open in a 1440×1000 page where axe-core can run. */
export interface FleetDrillApp {
  app: BrowserApp;
  page: Page;
  runId: string;
  close(): Promise<void>;
}

/** Plays the fleet drill `fleet` in a fresh data folder, then opens the app on the web bridge. */
export async function openFleetDrillApp(fleet: FleetOptions): Promise<FleetDrillApp> {
  const home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-fleet-drill-'));
  const app = await openBrowserApp({ home });
  app.services.drills.run({ text: stringify(fleetScenario(fleet)) }, 'embedded', undefined);
  await app.services.drills.idle();
  const runId = app.services.runs.list()[0]!.runId;
  const { context, page } = await openAxePage(app.browser, app.bridge.url, { width: 1440, height: 1000 });
  return {
    app, page, runId,
    async close() {
      await context.close();
      await app.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
