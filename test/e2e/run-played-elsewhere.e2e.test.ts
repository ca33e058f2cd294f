import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsAndRecords } from '../../src-shared/record-counts';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * A drill the CLI plays pushes nothing to an open window. The window showed such a run as "still
 * playing" long after the CLI had saved it, and its Explorer frozen, until a reload. Here the window
 * is open first, the CLI plays a drill into the same data folder, and the window shows the run
 * while it plays — its Explorer's moments growing — and then as it ended, with no reload.
 */
describe.skipIf(!e2eChromium)('a drill played by the CLI, in an open window', () => {
  let home: string;
  let app: BrowserApp;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-elsewhere-'));
    app = await openBrowserApp({ home });
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('is listed while it plays and shown as it ended, without a reload', async () => {
    const { page } = app;
    await page.goto(app.bridge.url);
    await page.getByRole('tab', { name: 'Drills' }).waitFor();
    await expect.poll(() => page.locator('#page-drills').getByText('No drill has run yet').count()).toBe(1);

    // 6 h of drill at 900× the wall clock: about 24 s of playing.
    const cli = spawn(process.execPath, [resolve('bin/keydrill.mjs'), 'drill', 'run', 'revocation-and-restore', '--live', '--speed', '900'], { env: { ...process.env, KEYDRILL_HOME: home }, stdio: 'ignore' });
    const exited = new Promise<number | null>((done) => cli.once('exit', done));
    try {
      const drills = page.locator('#page-drills');
      await drills.getByText('the run is still playing').first().waitFor({ timeout: 30_000 });
      // The Explorer follows it as it plays: its moments grow, read a few at a time, no reload.
      await page.getByRole('tab', { name: 'Explorer' }).click();
      const moment = page.locator('#page-explorer [data-testid="scrubber"] output');
      const count = async () => Number(/of ([\d,]+)\)/.exec((await moment.textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
      await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(1);
      const first = await count();
      await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(first);
      expect(await exited).toBe(0);
      // Once saved: the run as it ended, its judged end the last moment.
      await expect.poll(async () => (await moment.textContent()) ?? '', { timeout: 15_000 }).toContain('the end of the run, as judged');
      await page.getByRole('tab', { name: 'Drills' }).click();
      // Once the CLI has saved it: judged, on the page already open.
      await drills.getByTestId('verdict').first().waitFor({ timeout: 15_000 });
      expect(await drills.getByText('the run is still playing').count()).toBe(0);
      // Its calls and records as the CLI said them when it ended: the Audit page's count of records is accounted for.
      const runId = (await drills.locator('.run-head code').first().textContent()) ?? '';
      const run = app.services.runs.get(runId);
      expect(await drills.getByTestId('run-calls').textContent()).toBe(callsAndRecords(run.totals, run.eventCount));
      await app.screenshot('drills-run-played-by-the-cli');
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  }, 120_000);
});
