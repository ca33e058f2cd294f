import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { RunStore } from '../../src-main/runs/run-store';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * The app in Chromium through the web bridge, as a user drives it: run a built-in drill, read the
 * verdicts, follow a verdict's evidence into the audit log, filter the log, look at the hierarchy,
 * export a report, test the backend. A screenshot of each page goes to test-results/.
 */
describe.skipIf(!e2eChromium)('KeyDrill in the browser (Playwright, Chromium, web bridge)', () => {
  let home: string;
  let app: BrowserApp;
  let bridge: BrowserApp['bridge'];
  let browser: BrowserApp['browser'];
  let page: BrowserApp['page'];
  let pageErrors: string[];
  const screenshot = (name: string) => app.screenshot(name);

  /** Starts revocation-and-restore from the Drills page at a watchable pace. */
  async function watchDrill(pace: string): Promise<void> {
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.locator('[data-scenario="revocation-and-restore"]').click();
    await page.getByLabel('Pace').selectOption({ label: pace });
    await page.getByText('✓ Valid — ').waitFor();
    await page.getByRole('button', { name: 'Run drill' }).click();
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-'));
    app = await openBrowserApp({ home });
    ({ bridge, browser, page, pageErrors } = app);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('refuses the page without the token and opens it with the printed URL', async () => {
    const stranger = await browser.newPage();
    expect((await stranger.goto(bridge.origin))?.status()).toBe(401);
    await stranger.close();
    await page.goto(bridge.url);
    expect(new URL(page.url()).search).toBe('');
    await page.getByRole('tab', { name: 'Drills' }).waitFor();
    await page.locator('[data-scenario="revocation-and-restore"]').waitFor();
    await expect.poll(() => page.locator('#page-drills').getByText('No drill has run yet').count()).toBe(1);
    await screenshot('drills-empty');
    // The empty state's link picks a short built-in drill and puts focus on it.
    await page.locator('#page-drills').getByRole('button', { name: 'Run a built-in drill' }).click();
    const offered = page.locator('[data-scenario="revocation-and-restore"]');
    await expect.poll(() => offered.getAttribute('aria-selected')).toBe('true');
    expect(await offered.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
  });

  it('runs a built-in drill from the keyboard and shows its verdicts and charts', async () => {
    await page.locator('[data-scenario="revocation-and-restore"]').focus();
    await page.keyboard.press('Enter');
    await page.getByText('✓ Valid — ').waitFor();
    await page.getByRole('button', { name: 'Run drill' }).click();
    await page.getByTestId('run-view').waitFor({ timeout: 60_000 });
    const verdicts = page.getByTestId('verdict');
    await expect.poll(() => verdicts.count()).toBe(5);
    expect(await page.getByTestId('run-view').textContent()).toContain('all expectations met');
    await page.getByTestId('chart-availability').locator('path.recharts-line-curve').first().waitFor({ state: 'attached' });
    await screenshot('drills');
  });

  it('refuses a seed not written in digits, naming the field, and runs nothing', async () => {
    const before = app.services.runs.list().length;
    const seed = page.locator('#page-drills').getByRole('textbox', { name: 'Seed' });
    const problem = page.locator('#page-drills').getByRole('alert');
    for (const typed of ['1e3', '0x10', '1.5', '9007199254740992']) {
      await seed.fill(typed);
      await page.getByRole('button', { name: 'Run drill' }).click();
      await expect.poll(() => problem.textContent()).toBe(`The drill did not run: Seed: “${typed}” is not a whole number from 0 to 9007199254740991 written in digits; leave it empty for the scenario’s own seed.`);
      expect(await seed.getAttribute('aria-invalid')).toBe('true');
    }
    await seed.fill('');
    expect(await problem.count()).toBe(0);
    expect(await seed.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByTestId('stop-drill').count()).toBe(0);
    expect(app.services.runs.list().length).toBe(before);
  });

  it('shows validation problems in place with their line', async () => {
    const editor = page.getByRole('textbox', { name: 'Scenario YAML' });
    const text = await editor.innerText();
    await editor.fill(text.replace(/^duration: .*$/m, 'duration: soon'));
    const problem = page.locator('.problem').first();
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/line \d+duration/);
    // The problem is marked inline, on its own line.
    await expect.poll(() => page.locator('.cm-lintRange-error').first().textContent()).toBe('duration: soon');
    expect(await page.getByRole('button', { name: 'Run drill' }).isDisabled()).toBe(true);
    await screenshot('drills-validation');
    await editor.fill(text);
    await page.getByText(/^✓ Valid — /).waitFor();
    // Over the 2 MiB a scenario may be: said plainly, no "Valid" left from the text before, no Run (a UI trial saw both).
    await editor.fill(`${text}\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expect.poll(() => page.locator('#scenario-problems .error').textContent()).toMatch(/^Could not validate: the scenario is 2\.0 MiB; a scenario is at most 2 MiB/);
    expect(await page.getByText(/^✓ Valid — /).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Run drill' }).isDisabled()).toBe(true);
    await editor.fill(text);
    await page.getByText(/^✓ Valid — /).waitFor();
    expect(await page.locator('#scenario-problems .error').count()).toBe(0);
  });

  it('makes a drill of the user\'s fleet from a CSV inventory, or lists the inventory\'s problems with their lines', async () => {
    const editor = page.getByRole('textbox', { name: 'Scenario YAML' });
    const before = await editor.innerText();
    const input = page.getByTestId('fleet-inventory-input');
    await input.setInputFiles({ name: 'tenants.csv', mimeType: 'text/csv', buffer: Buffer.from('tenant,region,replicas,plan\r\nacme,us-east-1,us-west-2,gold\r\ninitech,us-east-1,,\r\n') });
    await expect.poll(() => page.getByTestId('fleet-inventory-note').textContent()).toBe("2 tenants from tenants.csv. Read past the column 'plan'. Change the outage or the duration in the editor.");
    await page.getByText('✓ Valid — Fleet of 2 tenants from tenants.csv: us-east-1 outage').waitFor();
    expect(await editor.innerText()).toContain('kms-region-outage');
    expect(await page.getByRole('button', { name: 'Run drill' }).isDisabled()).toBe(false);
    await screenshot('drills-fleet-inventory');
    // A broken inventory: every problem with its line, and the editor keeps what it had. The bridge
    // answers it as it answers any bad request (400), which is all the page reports.
    const errorsBefore = pageErrors.length;
    await input.setInputFiles({ name: 'tenants.csv', mimeType: 'text/csv', buffer: Buffer.from('tenant,region,nodes\nacme,us-east-1,three\nacme,us-east-1,2\n') });
    await expect.poll(() => page.getByTestId('fleet-inventory-error').textContent()).toBe("tenants.csv: 2 problems:\n  line 2, nodes: expected a whole number from 1 to 64, got 'three'\n  line 3, tenant: 'acme' is already on line 2");
    expect(await editor.innerText()).toContain('Fleet of 2 tenants from tenants.csv');
    const refused = pageErrors.splice(errorsBefore);
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) expect(e).toMatch(/400|drills:fleet|Bad Request/);
    await editor.fill(before);
  });

  it('opens the evidence event of a verdict in the audit view', async () => {
    const evidence = page.getByTestId('verdict').first().locator('.evidence button').first();
    const shortId = (await evidence.textContent()) ?? '';
    await evidence.click();
    await page.getByTestId('event-detail').locator('pre').waitFor();
    const detail = (await page.getByTestId('event-detail').textContent()) ?? '';
    expect(detail).toContain(`"eventID": "${shortId}`);
    expect(detail).toContain('"eventSource": "kms.amazonaws.com"');
    expect(await page.getByTestId('audit-count').textContent()).toBe('1 event');
    await screenshot('audit-evidence');
  });

  it('filters the audit log to errors of the run, in a virtualized table', async () => {
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(async () => (await page.getByTestId('audit-count').textContent()) ?? '').toMatch(/^\d[\d,]*\+? events$/);
    const all = parseInt(((await page.getByTestId('audit-count').textContent()) ?? '').replace(/,/g, ''), 10);
    // Only the rows in view are in the DOM, however many events matched.
    expect(await page.locator('.vrow').count()).toBeLessThan(40);
    await page.getByLabel('Errors only').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(async () => parseInt(((await page.getByTestId('audit-count').textContent()) ?? '').replace(/,/g, ''), 10)).toBeLessThan(all);
    const codes = await page.locator('.vrow .error-code').allTextContents();
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c === 'AccessDeniedException')).toBe(true);
    expect(await page.locator('.vrow').count()).toBe(await page.locator('.vrow .error-code').count());
    // Keyboard: the table takes focus and the arrow keys select rows.
    await page.getByRole('grid', { name: 'CloudTrail events' }).focus();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('event-detail').locator('pre').waitFor();
    expect(await page.getByTestId('event-detail').textContent()).toContain('AccessDeniedException');
    await screenshot('audit');
  });

  it('checks a ReadOnly value before asking, and leaves no earlier count beside a refused lookup', async () => {
    const audit = page.locator('#page-audit');
    const count = () => page.getByTestId('audit-count').textContent();
    await audit.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(count).toMatch(/^\d[\d,]* events$/);
    const all = await count();
    const errorsBefore = pageErrors.length;
    await audit.getByLabel('Lookup attribute').selectOption('ReadOnly');
    await audit.getByLabel('Value').fill('maybe');
    await audit.getByRole('button', { name: 'Apply' }).click();
    expect(await page.getByTestId('audit-filter-error').textContent()).toBe('Not applied: Value: ReadOnly is "true" (calls that only read) or "false" (calls that change something), not "maybe".');
    expect(await audit.getByLabel('Value').getAttribute('aria-invalid')).toBe('true');
    // Nothing was sent, so nothing changed behind the message.
    expect(await count()).toBe(all);
    expect(pageErrors.slice(errorsBefore)).toEqual([]);
    // A lookup the event store refuses anyway (here rewritten on its way): its error, and no rows,
    // total or charts of the query before it.
    const lookups = (url: URL) => decodeURIComponent(url.pathname) === '/api/audit:lookup';
    await page.route(lookups, (route) => route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), attribute: { key: 'ReadOnly', value: 'maybe' } }) }));
    // The charts of the refused query would only be refused in turn (the tester saw two 400s).
    const aggregates: string[] = [];
    const counted = (req: { url(): string; postData(): string | null }) => {
      if (decodeURIComponent(req.url()).includes('/api/audit:aggregate') && req.postData()?.includes('"ReadOnly"')) aggregates.push(req.postData()!);
    };
    page.on('request', counted);
    await audit.getByLabel('Value').fill('true');
    await audit.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByTestId('audit-lookup-error').textContent()).toBe("The lookup failed: ReadOnly must be 'true' or 'false', not 'maybe'");
    expect(await count()).toBe('No events shown.');
    expect(await page.locator('.vrow').count()).toBe(0);
    await page.waitForTimeout(600);
    expect(aggregates).toEqual([]);
    expect(await page.getByTestId('audit-charts').count()).toBe(0);
    await screenshot('audit-lookup-refused');
    page.off('request', counted);
    await page.unroute(lookups);
    pageErrors.splice(errorsBefore);
    await audit.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(count).toBe(all);
  });

  it('says where the events are when a time range finds none, and shows them', async () => {
    const audit = page.locator('#page-audit');
    await audit.getByRole('button', { name: 'Reset' }).click();
    const run = app.services.runs.list()[0]!;
    const { events } = app.services.eventStore().lookup({ runId: run.runId, maxResults: 10_000 });
    const times = events.map((e) => e.record.eventTime).sort();
    const utc = (iso: string) => `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
    await audit.getByLabel('From (UTC)', { exact: true }).fill('2025-01-01');
    await audit.getByLabel('To (UTC)', { exact: true }).fill('2025-02-01');
    await audit.getByRole('button', { name: 'Apply' }).click();
    const note = page.getByTestId('audit-outside-range');
    await expect.poll(() => note.textContent()).toContain(`lie outside it, from ${utc(times[0]!)} to ${utc(times.at(-1)!)}.`);
    expect(await note.textContent()).toContain(`The newest is from drill run ${run.runId}: a drill's events carry the drill's clock`);
    await screenshot('audit-outside-range');
    await note.getByRole('button', { name: 'Show them (clear From and To)' }).click();
    await expect.poll(() => page.getByTestId('audit-count').textContent()).toBe(`${events.length} events`);
    expect(await audit.getByLabel('From (UTC)', { exact: true }).inputValue()).toBe('');
  });

  it('draws the key hierarchy and explains a selected key', async () => {
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await page.getByTestId('hierarchy').locator('svg').waitFor();
    expect(await page.locator('[data-node^="master:"]').count()).toBe(4);
    expect(await page.locator('[data-node^="db:"]').count()).toBe(7);
    await page.locator('[data-node^="cmk:"]').first().click();
    const panel = page.getByTestId('key-panel');
    await panel.waitFor();
    expect(await panel.textContent()).toMatch(/4 node master keys, 7 database keys depend on this key/);
    await expect.poll(() => panel.locator('.event-list li').count()).toBeGreaterThan(0);
    // At 1440 px, beside the tenant tree and the key panel, every column is in view: the database
    // keys were cut off at the right edge, behind a sideways scroll.
    const scroller = page.getByTestId('hierarchy');
    expect(await scroller.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    const [view, db] = [(await scroller.boundingBox())!, (await page.locator('[data-node^="db:"]').first().boundingBox())!];
    expect(db.x + db.width).toBeLessThanOrEqual(view.x + view.width);
    await screenshot('explorer');
    // Zoomed in, dragging the background pans the graph.
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Zoom in' }).click();
    const area = page.getByTestId('hierarchy');
    const box = (await area.boundingBox())!;
    await page.mouse.move(box.x + box.width - 30, box.y + box.height - 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 30, box.y + 30, { steps: 5 });
    await page.mouse.up();
    expect(await area.evaluate((el) => el.scrollLeft + el.scrollTop)).toBeGreaterThan(100);
    for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Zoom out' }).click();
    // A master key's KMS keyMaterialId is an id, labelled as one: "Key material" read like the secret.
    await page.locator('[data-node^="master:"]').first().click();
    await expect.poll(() => panel.locator('dt').allTextContents()).toContain('Key material ID');
    expect(await panel.locator('dt', { hasText: 'Key material ID' }).locator('xpath=following-sibling::dd[1]').textContent()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('scrubs back through the run: access revoked takes every master key down, restored brings them back', async () => {
    const slider = page.getByRole('slider', { name: 'Moment of the run' });
    await slider.focus();
    await page.keyboard.press('Home');
    const masters = page.locator('[data-node^="master:"]');
    const mastersIn = (state: string) => page.locator(`[data-node^="master:"].${state}`).count();
    await expect.poll(() => mastersIn('ok')).toBe(4);
    expect(await page.getByTestId('scrubber').textContent()).toContain('+0s');
    // Step forward until every node has lost its key.
    for (let i = 0; i < 30 && (await mastersIn('down')) < 4; i++) await page.keyboard.press('ArrowRight');
    expect(await mastersIn('down')).toBe(4);
    const cmk = page.locator('[data-node^="cmk:"]').first();
    expect(await cmk.getAttribute('class')).toContain('down');
    // What the colour shows is also what a screen reader says, after the box's visible text.
    expect(await page.getByRole('treeitem', { name: /^globex-cmk eu-west-1 · alias\/globex .*service role's access is revoked/ }).count()).toBe(1);
    expect(await page.locator('[data-node^="db:"].down').count()).toBe(7);
    await screenshot('explorer-scrubbed');
    await page.keyboard.press('End');
    await expect.poll(() => mastersIn('ok')).toBe(4);
    expect(await masters.count()).toBe(4);
    expect(await page.getByTestId('scrubber').textContent()).toContain('as judged');
  });

  it('exports a report and the file is there', async () => {
    await page.getByRole('tab', { name: 'Reports' }).click();
    await page.locator('[data-format="json"]').click();
    const path = page.getByTestId('exported-path').first();
    await path.waitFor();
    const file = (await path.textContent()) ?? '';
    expect(file.startsWith(join(home, 'reports'))).toBe(true);
    const record = JSON.parse(readFileSync(file, 'utf8')) as { execution: { runId: string }; passed: boolean };
    expect(record.passed).toBe(true);
    await page.locator('[data-format="html"]').click();
    await expect.poll(() => page.getByTestId('exported-path').count()).toBe(2);
    const html = readFileSync((await page.getByTestId('exported-path').first().textContent()) ?? '', 'utf8');
    expect(html).toContain(record.execution.runId);
    await screenshot('reports');
  });

  it('tests the backend connection and says what it enforces', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    const report = page.getByTestId('connection-report');
    await report.waitFor({ timeout: 30_000 });
    // The backend by its name, not its setting's key ("Connected to embedded in 0.1 s").
    expect(await report.getByRole('heading').textContent()).toMatch(/^Connected to the embedded KMS in \d+\.\d s$/);
    expect(await report.textContent()).toContain('Key policies are enforced');
    expect(await report.locator('.capabilities .pass').count()).toBe(7);
    expect(await report.textContent()).toContain('follow the drill’s virtual clock');
    await screenshot('settings');
  });

  it('refuses a mistyped LocalStack endpoint on the page, the field marked, without a failed request', async () => {
    await page.getByRole('radio', { name: 'LocalStack' }).check();
    // The embedded KMS's test result says nothing of LocalStack: it is not left on screen under it.
    expect(await page.getByTestId('connection-report').count()).toBe(0);
    const endpoint = page.getByRole('textbox', { name: 'Endpoint' });
    await endpoint.fill('not a url');
    for (const button of ['Save', 'Test connection']) {
      await page.getByRole('button', { name: button }).click();
      expect(await page.getByTestId('settings-problem').textContent()).toBe('Not saved or tested: Endpoint: "not a url" is not a URL like http://localhost:4566.');
    }
    expect(await endpoint.getAttribute('aria-invalid')).toBe('true');
    await endpoint.fill('http://localhost:4566');
    expect(await page.getByTestId('settings-problem').count()).toBe(0);
    // A test's result stands beside the endpoint it tested only: a trial read "ENOTFOUND nosuchhost.invalid" beside the endpoint it had just corrected.
    await endpoint.fill('http://127.0.0.1:9');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByTestId('connection-report').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('connection-report').getByRole('heading').textContent()).toBe('Could not connect to LocalStack');
    await endpoint.fill('http://localhost:4566');
    expect(await page.getByTestId('connection-report').count()).toBe(0);
    await page.getByRole('radio', { name: /^Embedded KMS/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();
    expect(app.pageErrors).toEqual([]);
  });

  it('follows a drill live in the Explorer while it plays on the wall clock', async () => {
    await watchDrill('Watch: 1 hour a second');
    await page.getByTestId('live-availability').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Watch the hierarchy' }).click();
    const badge = page.getByText('Following', { exact: false }).first();
    await badge.waitFor();
    // 75 minutes into the drill (about 1.3 s of wall time) the nodes shut down: the graph follows.
    await expect.poll(() => page.locator('[data-node^="master:"].down').count(), { timeout: 20_000 }).toBe(4);
    await screenshot('explorer-live');
    // Scrubbed back to the start while it plays: the view stays there, live or finished.
    const slider = page.getByRole('slider', { name: 'Moment of the run' });
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[data-node^="master:"].ok').count()).toBe(4);
    const scrubber = page.getByTestId('scrubber');
    expect(await scrubber.locator('.moment strong').textContent()).toBe('+0s');
    // Meanwhile the Drills page charts the drill's KMS calls from the event store as it plays.
    await page.getByRole('tab', { name: 'Drills' }).click();
    await expect.poll(() => page.getByTestId('live-calls').locator('.recharts-bar-rectangle').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('live-availability').locator('figcaption').textContent()).toMatch(/^Nodes serving, live · \+\d+h(\d+m)? of 6h/);
    await page.getByRole('tab', { name: 'Explorer' }).click();
    // The drill plays all 6 simulated hours on the wall clock (6 s), then is saved.
    await expect.poll(() => page.locator('.live-badge').count(), { timeout: 30_000 }).toBe(0);
    await page.getByRole('tab', { name: 'Explorer' }).waitFor();
    expect(await scrubber.locator('.moment strong').textContent()).toBe('+0s');
    expect(await page.locator('[data-node^="master:"].ok').count()).toBe(4);
    // End goes to the saved run's judged end: access came back at 3 h.
    await slider.focus();
    await page.keyboard.press('End');
    await expect.poll(() => scrubber.textContent()).toContain('as judged');
    expect(await page.locator('[data-node^="master:"].ok').count()).toBe(4);
  }, 60_000);

  it('stops a watched drill with Stop, and keeps the run as cancelled', async () => {
    await watchDrill('Watch: 1 minute a second');
    await page.getByTestId('stop-drill').waitFor();
    // A UI trial: after a reload (or in a second window) a running drill had no progress and no Stop.
    await page.reload();
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByTestId('stop-drill').waitFor({ timeout: 10_000 });
    expect(await page.getByRole('progressbar', { name: 'Running Revocation and restore of CMK access across a tenant\'s clusters' }).count()).toBe(1);
    await page.getByTestId('stop-drill').click();
    await page.getByTestId('run-view').locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('stop-drill').count()).toBe(0);
    const shown = page.locator('#page-drills').getByLabel('Showing run');
    expect(await shown.locator('option:checked').textContent()).toMatch(/^cancelled Revocation and restore/);
    // It simulated only part of the drill: the header says how far, and availability is not drawn past its end.
    const runView = page.getByTestId('run-view');
    expect(await runView.getByTestId('run-stop-reason').textContent()).toBe('stopped from the UI');
    // The badge says it was cancelled; the reason does not say it again.
    expect((await runView.locator('.run-head').textContent())?.match(/cancelled/g)).toHaveLength(1);
    expect(await runView.locator('.run-head p.muted').textContent()).toMatch(/ · \d[\w ]* of 6h simulated · /);
    const availability = runView.getByTestId('chart-availability');
    expect(await availability.locator('.not-played').count()).toBe(1);
    const box = (target: typeof availability) => target.first().evaluate((el) => {
      const b = (el as unknown as { getBBox(): { x: number; width: number } }).getBBox();
      return { x: b.x, width: b.width };
    });
    const lineEnd = await box(availability.locator('.recharts-line-curve'));
    const notPlayed = await box(availability.locator('.not-played path'));
    expect(lineEnd.width).toBeGreaterThan(0);
    expect(lineEnd.x + lineEnd.width).toBeLessThanOrEqual(notPlayed.x + 1);
    await page.getByLabel('Pace').selectOption({ label: 'As fast as it goes' });
  }, 60_000);

  it('follows one drill while a second plays beside it (another window started it), then takes the second up', async () => {
    await watchDrill('Watch: 1 hour a second');
    const first = page.getByRole('progressbar', { name: 'Running Revocation and restore of CMK access across a tenant\'s clusters' });
    await first.waitFor({ timeout: 10_000 });
    // Another window's Run, as the bridge receives it; its frames reach this window too.
    const started = await page.evaluate(async () => {
      const res = await fetch('/api/drills:run', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenario: { name: 'node-address-change' }, speed: 1800 }) });
      return (await res.json()) as { ok: boolean };
    });
    expect(started.ok).toBe(true);
    const second = page.getByRole('progressbar', { name: 'Running A node\'s address changes under an IP-restricted key' });
    // While both play (the first 6 h at an hour a second, the second 6 h at half that), this window keeps showing the first.
    for (let i = 0; i < 10; i++) {
      expect(await first.count()).toBe(1);
      expect(await second.count()).toBe(0);
      await page.waitForTimeout(200);
    }
    // Played for 2 s and more, it says how long the rest will take.
    await expect.poll(() => page.locator('#page-drills .progress span').first().textContent(), { timeout: 3_000 }).toMatch(/^\d+% · about \d+s left · Revocation and restore/);
    // The first ends and is shown as its run; the second, still playing, is taken up with its Stop.
    await second.waitFor({ timeout: 20_000 });
    expect(await first.count()).toBe(0);
    await page.getByTestId('stop-drill').click();
    await page.getByTestId('run-view').locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('stop-drill').count()).toBe(0);
  }, 60_000);

  it('lists a fleet drill as running from its set-up on, never under the previous run\'s verdicts, and says how far it has played', async () => {
    // The run before it, with its verdicts, is the one shown when Run is clicked.
    const shown = page.locator('#page-drills').getByLabel('Showing run');
    await page.getByRole('tab', { name: 'Drills' }).click();
    const done = await shown.locator('option', { hasText: /^✓ Revocation and restore/ }).first().getAttribute('value');
    await shown.selectOption(done!);
    await expect.poll(() => page.getByTestId('verdict').count(), { timeout: 10_000 }).toBe(5);
    // A fleet's set-up (keys made, clusters started) takes seconds before the drill's first event.
    await page.getByRole('textbox', { name: 'Scenario YAML' }).fill(stringify(fleetScenario({ tenants: 60, days: 2, outageAtHours: 20, outageHours: 3 })));
    await page.getByText('✓ Valid — ').waitFor();
    await page.getByLabel('Pace').selectOption({ label: 'Watch: 1 hour a second' });
    await page.getByRole('button', { name: 'Run drill' }).click();
    const title = 'Fleet of 60 tenants: us-east-1 outage with multi-Region keys';
    await page.getByRole('progressbar', { name: `Setting up ${title}` }).waitFor({ timeout: 10_000 });
    // From the start the previous run's verdicts are gone, and the new run is soon listed and shown, as running.
    expect(await page.getByTestId('verdict').count()).toBe(0);
    await expect.poll(() => shown.locator('option:checked').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^● running ${title}`));
    await screenshot('drills-fleet-setting-up');
    expect(await page.getByTestId('verdict').count()).toBe(0);
    await expect.poll(() => page.getByTestId('run-view').getByTestId('run-outcome').textContent(), { timeout: 10_000 }).toBe('running: not judged yet');
    // Played, the live Explorer says the drill time reached beside the percent.
    await page.getByRole('progressbar', { name: `Running ${title}` }).waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await expect.poll(() => page.locator('.live-badge').textContent(), { timeout: 20_000 }).toMatch(/live at \+\d+h(\d+m)? of 2d \(\d+%\)/);
    await screenshot('explorer-fleet-live');
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByTestId('stop-drill').click();
    await page.getByTestId('run-view').locator('.badge', { hasText: 'cancelled' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Pace').selectOption({ label: 'As fast as it goes' });
  }, 120_000);

  it('shows a run still playing in another process (keydrill drill run) as running, not as failed or cut short', async () => {
    // A run as `keydrill drill run` leaves it in the shared run store while it plays: started, its process alive.
    const done = app.services.runs.list().find((r) => r.status === 'completed')!;
    const head = app.services.runs.get(done.runId);
    const elsewhere = RunStore.open(join(home, 'runs.sqlite'));
    try {
      elsewhere.sink().started({ ...head, verdicts: [], passed: false, execution: { ...head.execution, runId: 'still-playing-e2e', status: 'started', startedAt: new Date().toISOString() } });
      await page.reload();
      await page.getByRole('tab', { name: 'Drills' }).click();
      const shown = page.locator('#page-drills').getByLabel('Showing run');
      await shown.selectOption('still-playing-e2e');
      const runView = page.getByTestId('run-view');
      await expect.poll(() => runView.getByTestId('run-outcome').textContent()).toBe('running: not judged yet');
      expect(await runView.getByTestId('run-outcome').getAttribute('class')).not.toMatch(/\bfail\b/);
      expect(await runView.getByTestId('not-judged').textContent()).toMatch(/^None yet: the run is still playing/);
      expect(await runView.getByTestId('not-summed').textContent()).toMatch(/^not summed up yet \(the run is still playing\)/);
      expect(await runView.textContent()).not.toMatch(/did not finish|did not play to its end|expectations failed/);
    } finally {
      elsewhere.close();
    }
  });

  it('says why a drill that failed to start stopped, and offers no audit log it never wrote to', async () => {
    // As the run store keeps a drill whose backend refused it before its first KMS call (AWS KMS without credentials).
    const done = app.services.runs.list().find((r) => r.status === 'completed')!;
    const head = app.services.runs.get(done.runId);
    const elsewhere = RunStore.open(join(home, 'runs.sqlite'));
    try {
      const sink = elsewhere.sink();
      sink.started({ ...head, verdicts: [], passed: false, execution: { ...head.execution, runId: 'failed-start-e2e', status: 'started', reachedAt: 0, startedAt: new Date().toISOString() } });
      sink.failed('Could not load credentials from any providers');
      await page.reload();
      await page.getByRole('tab', { name: 'Drills' }).click();
      await page.locator('#page-drills').getByLabel('Showing run').selectOption('failed-start-e2e');
      const runView = page.getByTestId('run-view');
      await expect.poll(() => runView.getByTestId('run-stop-reason').textContent()).toBe('the drill failed: Could not load credentials from any providers');
      await expect.poll(() => runView.getByTestId('no-charts').textContent()).toMatch(/made no CloudTrail record/);
      expect(await runView.locator('.run-head p.muted').textContent()).toContain(' · 0s of 6h simulated · ');
      expect(await runView.getByRole('button', { name: 'open them in Audit' }).count()).toBe(0);
      await page.getByRole('tab', { name: 'Reports' }).click();
      await page.locator('#page-reports').getByLabel('Export run').selectOption('failed-start-e2e');
      await expect.poll(() => page.locator('#page-reports .exports > p.muted').textContent()).toContain(' · interrupted: the drill failed: Could not load credentials from any providers · ');
    } finally {
      elsewhere.close();
    }
  });

  it('switches to the dark theme and keeps it', async () => {
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByTestId('run-view').waitFor();
    await screenshot('drills-dark');
    expect(pageErrors).toEqual([]);
  });
});
