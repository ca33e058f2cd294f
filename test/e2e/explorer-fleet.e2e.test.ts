import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { replayAll } from '../../src-shared/hierarchy-replay';
import { axeViolations, blocking, openAxePage } from '../support/axe';
import { e2eChromium, openBrowserApp, type BrowserApp } from '../support/browser-app';

/**
 * The Explorer as a platform team meets it after a fleet drill (40 tenants, a us-east-1 KMS outage,
 * automatic failover), in Chromium through the web bridge: tenants folded with their nodes counted
 * by state, a search that jumps to a tenant, the keyboard unfolding the tree, the scrubber stepping
 * into the outage, and the blast radius of a region — and no critical or serious axe-core violation.
 */
const TENANTS = 40;

describe.skipIf(!e2eChromium)('the Explorer at fleet size (Playwright, Chromium, web bridge)', () => {
  let home: string;
  let app: BrowserApp;
  let context: BrowserContext;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-e2e-fleet-'));
    app = await openBrowserApp({ home });
    app.services.drills.run({ text: stringify(fleetScenario({ tenants: TENANTS, days: 2, outageAtHours: 20, outageHours: 3 })) }, 'embedded', undefined);
    await app.services.drills.idle();
    runId = app.services.runs.list()[0]!.runId;
    ({ context, page } = await openAxePage(app.browser, app.bridge.url, { width: 1440, height: 1000 }));
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await page.getByTestId('fleet-tree').waitFor({ timeout: 60_000 });
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const tree = () => page.getByRole('tree', { name: 'Tenants' });
  const moment = () => page.getByTestId('scrubber').locator('.moment');

  it('groups the fleet by tenant, folded, each with its nodes counted by state', async () => {
    expect(await page.getByTestId('fleet-summary').textContent()).toBe(`${TENANTS} tenants`);
    const rows = tree().locator('[data-row^="t:"]');
    // Only the rows in view are drawn.
    expect(await rows.count()).toBeLessThan(TENANTS);
    expect(await rows.first().getAttribute('aria-expanded')).toBe('false');
    // At the judged end every node serves again.
    expect(await page.getByRole('treeitem', { name: /^t01\b.*3 nodes: 3 serving/ }).count()).toBe(1);
    // The whole fleet by state, above the tree.
    expect(await page.getByTestId('fleet-nodes').textContent()).toBe(`${TENANTS * 3} (${TENANTS * 3} serving)`);
    expect(await page.getByRole('heading', { name: 'Tenant t01' }).count()).toBe(1);
  });

  it('unfolds and folds a tenant from the keyboard: its regions (keys) and cluster', async () => {
    await tree().focus();
    await page.keyboard.press('ArrowRight');
    const first = tree().locator('[data-row="t:t01"]');
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    expect(await tree().locator('[data-row^="r:t01|"]').allTextContents()).toEqual([expect.stringContaining('us-east-1 · t01-cmk'), expect.stringContaining('us-west-2 · t01-cmk replica')]);
    expect(await tree().locator('[data-row="c:t01|us-east-1|t01-prod"]').count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    expect(await first.getAttribute('aria-expanded')).toBe('false');
  });

  it('jumps to a tenant found by name and draws its keys', async () => {
    await page.getByLabel('Find', { exact: true }).fill('t33');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('heading', { name: 'Tenant t33' }).waitFor();
    const row = tree().locator('[data-row="t:t33"]');
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    expect(await row.isVisible()).toBe(true);
    expect(await page.locator('[data-node^="master:t33-prod/"]').count()).toBe(3);
    expect(await page.locator('[data-node^="cmk:"]').count()).toBe(2);
    await page.getByLabel('Find', { exact: true }).fill('t99');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByText('No tenant, cluster, node, key or region matches “t99”.').waitFor();
  });

  it('jumps to the tenant of a node or a key named in Find, as its placeholder offers', async () => {
    for (const [term, tenant] of [['t21-prod/n2', 't21'], ['t22-cmk', 't22']] as const) {
      await page.getByLabel('Find', { exact: true }).fill(term);
      await page.getByRole('button', { name: 'Go' }).click();
      await page.getByRole('heading', { name: `Tenant ${tenant}` }).waitFor();
      expect(await tree().locator(`[data-row="t:${tenant}"]`).getAttribute('aria-selected')).toBe('true');
    }
    // Words that name a node of every tenant: the first, saying how many; Go again for the next.
    await page.getByLabel('Find', { exact: true }).fill('prod/n2');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('heading', { name: 'Tenant t01' }).waitFor();
    expect(await page.getByText(`Tenant t01: 1 of ${TENANTS} tenants “prod/n2” names. Go again for the next.`).count()).toBe(1);
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('heading', { name: 'Tenant t02' }).waitFor();
    expect(await tree().locator('[data-row="t:t02"]').getAttribute('aria-selected')).toBe('true');
    // A region is in every ARN there: Find shows what depends on it, not the first tenant whose ARN contains it.
    await page.getByLabel('Find', { exact: true }).fill('us-west-2');
    await page.getByRole('button', { name: 'Go' }).click();
    const blast = page.getByTestId('blast-radius');
    await blast.waitFor();
    expect(await blast.getByRole('heading').textContent()).toMatch(/^Blast radius of KMS in the us-west-2 region/);
    expect(await blast.getByTestId('blast-keys').textContent()).toMatch(new RegExp(`^${TENANTS} \\(`));
    await blast.getByRole('button', { name: 'Back to the tenant' }).click();
  });

  it('steps into the outage and shows the blast radius of us-east-1 at that moment, coloured by state', async () => {
    const entries = [...app.services.runs.runStore().allFrames(runId)];
    const frames = replayAll(entries);
    const seq = frames.findIndex((f, i) => i > 0 && f.keys.some((k) => k.region === 'us-east-1' && !k.reachable));
    expect(seq).toBeGreaterThan(0);
    const slider = page.getByRole('slider', { name: 'Moment of the run' });
    // The slider is a time axis (1,000 positions over the 2 days): dragged to just before the
    // outage, it shows the last moment at or before that time, however many moments came before.
    const span = app.services.runs.get(runId).scenario.duration;
    const outageAt = frames[seq]!.at;
    let position = Math.floor((outageAt / span) * 1000);
    if ((position / 1000) * span >= outageAt) position--;
    const before = frames.findLastIndex((f) => f.at <= (position / 1000) * span);
    expect(before).toBeLessThan(seq);
    const toOutage = async () => {
      await slider.fill(String(position));
      await expect.poll(() => moment().getAttribute('data-shown')).toBe(String(before));
      // The keyboard steps one moment at a time, up to the outage's first.
      await slider.focus();
      for (let i = before; i < seq; i++) await page.keyboard.press('ArrowRight');
      await expect.poll(() => moment().getAttribute('data-shown')).toBe(String(seq));
    };
    // A pointer dragging the thumb along the axis only ever moves forward through the run (a UI trial
    // saw it flicker between the moments either side of each quiet stretch), and lets go where it is.
    await slider.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => moment().getAttribute('data-shown')).toBe('0');
    const track = (await slider.boundingBox())!;
    await page.mouse.move(track.x + 2, track.y + track.height / 2);
    await page.mouse.down();
    const seen: number[] = [];
    for (let i = 1; i <= 20; i++) {
      await page.mouse.move(track.x + 2 + ((track.width - 4) * i) / 20, track.y + track.height / 2);
      await page.waitForTimeout(30);
      seen.push(Number(await moment().getAttribute('data-index')));
    }
    await page.mouse.up();
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(frames.length);
    await toOutage();
    expect(await moment().textContent()).toMatch(/unreachable/);
    await page.getByLabel('Blast radius of a region').selectOption('us-east-1');
    const blast = page.getByTestId('blast-radius');
    await blast.waitFor();
    const calling = frames[seq]!.nodes.filter((n) => n.kmsRegion === 'us-east-1');
    expect(await blast.getByTestId('blast-keys').textContent()).toBe(`${TENANTS} (${TENANTS} unusable)`);
    // Fleet-wide, every tenant's us-east-1 key is unusable; its us-west-2 replica is not.
    expect(await page.getByTestId('fleet-keys').textContent()).toMatch(new RegExp(`^${TENANTS * 2} \\(${TENANTS} unusable, `));
    expect(await blast.getByTestId('blast-nodes').textContent()).toMatch(new RegExp(`^${calling.length} \\(`));
    expect(await blast.getByTestId('blast-databases').textContent()).toMatch(new RegExp(`^${calling.length * 2} \\(`));
    expect(await blast.locator('.vrow').first().locator('.badge').count()).toBe(1);
    // Each state's word fits its column; the whole account is there to read.
    const firstState = blast.locator('.vrow').first().locator('.state-cell');
    expect(await firstState.locator('.badge').evaluate((b) => b.scrollWidth <= b.clientWidth + 1)).toBe(true);
    const account = await firstState.getAttribute('title');
    expect(account).toMatch(/^running: /);
    expect(await firstState.textContent()).toBe(`serving ${account}`);
    await app.screenshot('explorer-fleet-blast', page);
    // The outage's first moment: every tenant's nodes still call KMS in us-east-1, serving on cached keys
    // they could not unwrap again there — every tenant is at risk (none down: every node serves).
    expect(frames[seq]!.nodes.every((n) => n.kmsRegion === 'us-east-1' && n.status === 'running')).toBe(true);
    await page.getByLabel('Only tenants with something down or at risk').check();
    expect(await page.getByTestId('fleet-summary').textContent()).toBe(`${TENANTS} tenants · ${TENANTS} with something down or at risk`);
    expect(await page.getByTestId('fleet-tenants').textContent()).toBe(`${TENANTS} (${TENANTS} at risk)`);
    // A 300-tenant trial: late in the outage, every tenant that had failed over to its us-west-2 replica
    // (all three nodes serving) was still red and counted "down or at risk", because its us-east-1 key
    // was out of reach. Failed over, a tenant is degraded, counted apart, and not in the filter.
    const lastOut = frames.findLastIndex((f) => f.keys.some((k) => k.region === 'us-east-1' && !k.reachable));
    const outageEnd = frames[lastOut + 1]!.at;
    let late = Math.floor((outageEnd / span) * 1000);
    if ((late / 1000) * span >= outageEnd) late--;
    const shownLate = frames.findLastIndex((f) => f.at <= (late / 1000) * span);
    expect(frames[shownLate]!.keys.some((k) => k.region === 'us-east-1' && !k.reachable)).toBe(true);
    expect(frames[shownLate]!.nodes.every((n) => n.kmsRegion === 'us-west-2' && n.status === 'running')).toBe(true);
    await slider.fill(String(late));
    await expect.poll(() => moment().getAttribute('data-shown')).toBe(String(shownLate));
    await expect.poll(() => page.getByTestId('fleet-summary').textContent()).toBe(`${TENANTS} tenants · 0 with something down or at risk`);
    expect(await page.getByTestId('fleet-tenants').textContent()).toBe(`${TENANTS} (${TENANTS} degraded)`);
    // Its row: marked degraded, its three nodes serving (Find shows every tenant again).
    await page.getByLabel('Find', { exact: true }).fill('t01');
    await page.getByRole('button', { name: 'Go' }).click();
    const t01 = tree().locator('[data-row="t:t01"]');
    await t01.waitFor();
    expect(await t01.locator('.swatch').getAttribute('class')).toBe('swatch degraded');
    expect(await page.getByRole('treeitem', { name: /^t01 , 3 nodes: 3 serving$/ }).count()).toBe(1);
    await app.screenshot('explorer-fleet-failed-over', page);
    await page.getByLabel('Only tenants with something down or at risk').check();
    // At the judged end every node serves again: the filter says so rather than showing an empty tree.
    await slider.focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('fleet-summary').textContent()).toBe(`${TENANTS} tenants · 0 with something down or at risk`);
    expect(await page.getByTestId('fleet-none').textContent()).toBe('No tenant has anything down or at risk at this moment.');
    expect(await page.getByTestId('fleet-tree').count()).toBe(0);
    await page.getByLabel('Only tenants with something down or at risk').uncheck();
    await toOutage();
  });

  it('charts the calls that never reached KMS during the outage apart from the CloudTrail records, as many as the run counted', async () => {
    const totals = app.services.runs.get(runId).totals;
    expect(totals.clientSideCalls).toBeGreaterThan(0);
    await page.getByRole('tab', { name: 'Audit' }).click();
    const observed = page.getByTestId('chart-observations');
    await observed.waitFor({ timeout: 30_000 });
    expect(Number(await observed.getAttribute('data-total'))).toBe(totals.clientSideCalls);
    expect(Number(await page.getByTestId('chart-calls-eventName').getAttribute('data-total'))).toBe(totals.kmsCalls);
    expect(await observed.locator('figcaption').textContent()).toMatch(/never reached KMS by cause, per .* client-side observations, not CloudTrail records/);
    // The cause in words (the drill's injected outage), not the record's code for it.
    expect(await observed.locator('li').first().textContent()).toBe('injected outage (connection refused)');
    await page.getByRole('tab', { name: 'Explorer' }).click();
  });

  it('a verdict whose evidence is calls that never reached KMS says how many, not "no KMS call", and opens the run in Audit where they are charted', async () => {
    await page.getByRole('tab', { name: 'Drills' }).click();
    const verdict = page.getByTestId('verdict').filter({ hasText: "no KMS call of the service's nodes succeeded in us-east-1 during its outage" });
    await verdict.waitFor({ timeout: 30_000 });
    const cited = app.services.runs.get(runId).verdicts.find((v) => v.expectation.expect === 'no-success-during-outage')?.evidence;
    expect(cited?.records).toEqual([]);
    const observations = cited?.observations ?? [];
    expect(observations.length).toBeGreaterThan(0);
    // The first few cited of the many that support it, said as such (the reports' "cited: the first 3 of the 900").
    const supporting = cited?.supporting?.observations ?? observations.length;
    expect(supporting).toBeGreaterThan(observations.length);
    expect(await verdict.getByTestId('verdict-observations').textContent()).toBe(`evidence: the first ${observations.length} of the ${supporting.toLocaleString('en')} calls that never reached KMS (client-side observations #${observations.join(', #')}) see the run in Audit`);
    expect(await verdict.textContent()).not.toContain('no KMS call is evidence');
    await verdict.getByRole('button', { name: 'see the run in Audit' }).click();
    await page.getByTestId('chart-observations').waitFor({ timeout: 30_000 });
    await page.getByRole('tab', { name: 'Explorer' }).click();
  });

  // A UI trial: a node that failed over to us-west-2 listed only its us-east-1 calls, the last one before the outage.
  it("lists a failed-over node's latest KMS calls from every region's copy of its key", async () => {
    const slider = page.getByRole('slider', { name: 'Moment of the run' });
    await slider.focus();
    await page.keyboard.press('End');
    await expect.poll(() => moment().textContent()).toContain('as judged');
    await page.getByLabel('Find', { exact: true }).fill('t05');
    await page.getByRole('button', { name: 'Go' }).click();
    await page.getByRole('heading', { name: 'Tenant t05' }).waitFor();
    const node = page.locator('[data-node="master:t05-prod/n1"]');
    expect(await node.textContent()).toContain('KMS us-west-2');
    await node.click();
    const panel = page.getByTestId('key-panel');
    const latest = panel.locator('.event-list li').first();
    await latest.waitFor();
    const record = app.services.runs.get(runId);
    const outageEnd = Date.parse(record.startTime) + 23 * 3_600_000;
    // "2026-01-01 23:05:00 UTC Decrypt": after the outage, its calls go to us-west-2.
    const when = Date.parse(`${(await latest.textContent())!.slice(0, 19).replace(' ', 'T')}Z`);
    expect(when).toBeGreaterThan(outageEnd);
  });

  it('has no critical or serious axe-core violation, tree unfolded and blast radius shown', async () => {
    await tree().locator('[data-row^="t:"][aria-expanded="false"]').first().click();
    await page.getByLabel('Blast radius of a region').selectOption('us-west-2');
    await page.getByTestId('blast-radius').waitFor();
    expect(await tree().locator('[data-row^="r:"]').count()).toBeGreaterThan(0);
    expect(blocking(await axeViolations(page))).toEqual([]);
    await page.getByRole('button', { name: 'Back to the tenant' }).click();
    await page.locator('[data-node^="cmk:"]').first().click();
    await page.getByTestId('key-panel').waitFor();
    expect(blocking(await axeViolations(page))).toEqual([]);
    expect(app.pageErrors).toEqual([]);
  });

  it('the Drills page says the fleet failed over without a tenant down', async () => {
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByLabel('Showing run').selectOption(runId);
    const tenants = page.getByTestId('run-tenants');
    await tenants.waitFor({ timeout: 30_000 });
    // Every tenant's key has a replica in us-west-2: the outage takes none of them down.
    expect(await tenants.getByTestId('tenants-sentence').textContent()).toBe(`All ${TENANTS} tenants (clusters) served throughout; none has data at risk or nodes down at the end.`);
    expect(await tenants.getByTestId('tenants-table').count()).toBe(0);
  });

  it("lists the tenants a run hurt, worst first, and opens the Explorer on one at the moment it went down", async () => {
    // A second fleet whose first tenant's key is revoked after day 1: that tenant goes down and stays down.
    app.services.drills.run({ text: stringify(fleetScenario({ tenants: 6, days: 3, outageHours: 0, revokeFirstTenant: true })) }, 'embedded', undefined);
    await app.services.drills.idle();
    const revoked = app.services.runs.list()[0]!.runId;
    expect(revoked).not.toBe(runId);
    const clusters = app.services.runs.get(revoked).clusters;
    const t1 = clusters.find((c) => c.tenant === 't1');
    expect(t1?.minutesUnavailable).toBeGreaterThan(0);
    expect(clusters.filter((c) => c.minutesUnavailable > 0 || c.nodesDownAtEnd > 0 || c.dataAtRisk > 0).map((c) => c.tenant)).toEqual(['t1']);
    await page.getByRole('tab', { name: 'Drills' }).click();
    await page.getByLabel('Showing run').selectOption(revoked);
    const tenants = page.getByTestId('run-tenants');
    await expect.poll(() => tenants.getByTestId('tenants-sentence').textContent(), { timeout: 30_000 })
      .toBe(`1 of 6 tenants (clusters) were not serving at some moment, ${Math.round(t1!.minutesUnavailable).toLocaleString('en')} minutes in all; ${t1!.dataAtRisk > 0 ? 1 : 0} with data at risk, ${t1!.nodesDownAtEnd > 0 ? 1 : 0} with nodes down at the end.`);
    const rows = tenants.getByTestId('tenants-table').locator('tbody tr');
    expect(await rows.count()).toBe(1);
    const downFrom = t1!.downIntervals[0]![0];
    const [, , available, minutes, first, nodesDown] = await rows.first().locator('td').allTextContents();
    expect([available, minutes, nodesDown]).toEqual([`${t1!.availabilityPercent.toFixed(2)}%`, Math.round(t1!.minutesUnavailable).toLocaleString('en'), `${t1!.nodesDownAtEnd}/3`]);
    expect(first).toMatch(/^\+\d/);
    // Read by a screen reader as a table (a caption, headers), each row's button naming its tenant.
    expect(blocking(await axeViolations(page))).toEqual([]);
    await rows.first().getByRole('button', { name: 'show in Explorer: t1' }).click();
    // The Explorer opens on t1, scrubbed to the last moment at or before it stopped serving: its nodes are down there.
    await page.getByRole('heading', { name: 'Tenant t1' }).waitFor({ timeout: 30_000 });
    const entries = replayAll([...app.services.runs.runStore().allFrames(revoked)]);
    const shown = entries.findLastIndex((f) => f.at <= downFrom);
    await expect.poll(() => moment().getAttribute('data-shown')).toBe(String(shown));
    expect(entries[shown]!.nodes.filter((n) => n.cluster === 't1-prod').every((n) => n.status !== 'running' || n.cache !== 'cached')).toBe(true);
    const row = tree().locator('[data-row="t:t1"]');
    expect(await row.getAttribute('aria-expanded')).toBe('true');
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await page.getByRole('treeitem', { name: /^t1 , 3 nodes: 3 down$/ }).count()).toBe(1);
    expect(app.pageErrors).toEqual([]);
  });
});
