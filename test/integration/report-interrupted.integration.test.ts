import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunService } from '../../src-main/app/run-service';
import { AppServices } from '../../src-main/app/app-services';
import { callApi } from '../../src-main/app/api-handlers';
import { FullRunRecord, type RunOverview } from '../../src-shared/run-record';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { tamperedCopy } from '../support/tampered-bundle';

/**
 * A drill killed half-way is reported as what it is: the CLI's report of it says "Interrupted" in a
 * banner that is never green, judges nothing, and still shows what it did before it died.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-report-interrupted-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const cli = (args: string[]) => spawnSync(process.execPath, ['bin/keydrill.mjs', ...args], { env: { ...process.env, KEYDRILL_HOME: home }, encoding: 'utf8' });

describe('the report of an interrupted run', () => {
  it('kill -9 mid-drill: the HTML says interrupted (no green, nothing judged) and the JSON and CSV carry the status and what the event store holds of it', async () => {
    const child = spawn(process.execPath, ['bin/keydrill.mjs', 'drill', 'run', 'test/fixtures/scenarios/live-short.yaml', '--live'], { env: { ...process.env, KEYDRILL_HOME: home }, stdio: 'ignore' });
    const runs = new RunService(join(home, 'runs.sqlite'));
    let runId: string | undefined;
    try {
      for (let i = 0; i < 300 && !runId; i++) {
        await sleep(100);
        try {
          runId = runs.list().find((r) => r.status === 'started' && runs.timeline(r.runId, {}).total > 0)?.runId;
        } catch {
          // the store is being created
        }
      }
      expect(runId).toBeDefined();
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    } finally {
      child.kill('SIGKILL');
      runs.close();
    }

    const html = join(home, 'interrupted.html');
    const json = join(home, 'interrupted.json');
    const csv = join(home, 'interrupted.csv');
    const out = cli(['report', runId as string, '--out', html, '--out', json, '--out', csv]);
    expect(out.status, out.stderr).toBe(0);

    const page = readFileSync(html, 'utf8');
    const banner = page.match(/<div class="banner [^"]+" id="overall-verdict"[^>]*>.*?<\/div>/s)?.[0] ?? '';
    expect(banner).toContain('class="banner stopped"');
    expect(banner).toContain('data-status="interrupted"');
    expect(banner).toContain('data-passed="false"');
    expect(banner).toContain('<strong>Interrupted</strong>');
    expect(banner).toMatch(/ended before the drill did\. It reached \S+ of \S+; nothing was judged/);
    expect(page).not.toMatch(/class="banner pass"/);
    expect(page).toContain('id="not-judged"');
    expect(page).not.toMatch(/class="verdict (passed|failed)"/);
    // What it did before it died is still there: its timeline entries, with who acted.
    expect(page).toMatch(/<tr id="timeline-1" data-kind=/);
    // Its head has no end state: the hierarchy is the one its last recorded frame left.
    expect(page).toMatch(/<h3>Nodes as last recorded, at \S+ \(the run did not finish\)<\/h3>\s*<table class="nodes">/);

    // Its head never summed it up: the figures it shows are the event store's count of its records, never the head's zeros.
    const events = SqliteEventStore.open(join(home, 'events.sqlite'));
    const held = events.runRecords(runId as string);
    events.close();
    expect(held?.records).toBeGreaterThan(0);
    const figure = (id: string) => page.match(new RegExp(`<div class="card" id="figure-${id}"><div class="value">([^<]*)</div><div class="label">([^<]*)</div>`))?.slice(1) ?? [];
    expect(figure('kms-calls')).toEqual([(held?.records as number).toLocaleString('en-US'), 'CloudTrail records of this run in the event store (the run did not finish, so it never summed up its calls)']);
    expect(figure('data-at-risk-count')[0]).toBe('—');
    // Nothing at risk was found because nothing was looked at: no green "none".
    expect(page).toMatch(/<section id="data-at-risk"><h2>Data at risk<\/h2>\s*<p><span class="pill unknown">not checked<\/span> None recorded: the run did not finish/);
    expect(page).toMatch(/<section id="measurements"><h2>Measurements<\/h2>\s*<p class="not-summed">This run did not finish, so its measurements were never summed up; none are shown rather than zeros\. The event store holds [\d,]+ CloudTrail records? of it/);
    expect(page).not.toContain('No KMS call failed during the drill');
    expect(page).not.toContain('id="chart-kms-calls-by-region"');
    // The Drills page asks for the run's overview: it carries the same count, for the page to show instead of the head's zeros.
    const services = new AppServices({ home });
    try {
      const answer = (await callApi({ services }, 'runs:overview', { runId })) as { ok: boolean; result: RunOverview };
      expect(answer.ok).toBe(true);
      const overview = answer.result;
      expect(overview.stored).toEqual({ records: held?.records, observations: 0, lastRecordAt: expect.any(Number) });
      expect(overview.totals.kmsCalls).toBe(0);
    } finally {
      await services.close();
    }
    const shown = cli(['runs', 'show', runId as string]);
    expect(shown.stdout).toContain(`its calls were never summed up (the run did not finish); the event store holds ${held?.records} CloudTrail records of it`);
    expect(shown.stdout).not.toMatch(/ 0 KMS calls/);

    const record = FullRunRecord.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(record.execution.status).toBe('interrupted');
    expect(record.execution.reason).toMatch(/ended before the drill did/);
    expect(record.passed).toBe(false);
    expect(record.timeline.length).toBeGreaterThan(0);
    // Its head's zeros stay as they were; the event store's count is beside them, as in the CSV.
    expect(record.totals.kmsCalls).toBe(0);
    expect(record.stored).toEqual({ records: held?.records, observations: 0, lastRecordAt: expect.any(Number) });
    const table = readFileSync(csv, 'utf8');
    expect(table).toContain('\r\nrun,,status,,,interrupted,,');
    // No zero totals; the event store's count in their place.
    expect(table).not.toMatch(/\r\ntotals,/);
    expect(table).toContain(`\r\nstored,,records,,,${held?.records},,"counted in the event store`);

    // Its audit bundle holds every record the store has of it, and does not say "the run made 0".
    const bundle = join(home, 'interrupted-bundle');
    const sealed = cli(['report', runId as string, '--bundle', bundle]);
    expect(sealed.status, sealed.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { eventSet: { records: number | null; exported: number; exportedSha256?: string }; notes: string[] };
    expect(manifest.eventSet).toMatchObject({ records: null, exported: held?.records, exportedSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(manifest.notes).toContain(`This run is interrupted: it ended before it summed itself up, so it never counted its CloudTrail records; the ${(held?.records as number).toLocaleString('en')} the event store holds of it are in this bundle.`);
    expect(manifest.notes.join(' ')).not.toContain('the run made 0');

    // It never sealed its event set, so the bundle seals the records it holds: keydrill verify
    // holds them to that digest, and a record left out or changed under a rewritten SHA256SUMS shows.
    const verified = cli(['verify', bundle]);
    expect(verified.status, verified.stdout).toBe(0);
    expect(verified.stdout).toContain(`  event set: ${(held?.records as number).toLocaleString('en')} CloudTrail records give ${manifest.eventSet.exportedSha256}, the digest the bundle sealed (the run did not finish`);
    const dropped = cli(['verify', tamperedCopy(bundle, join(home, 'interrupted-dropped'), (records) => records.slice(1))]);
    expect(dropped.status).toBe(1);
    expect(dropped.stdout).toMatch(/ {2}event set: the CloudTrail records give [0-9a-f]{64}, not the bundle's sealed [0-9a-f]{64}: 1 of the run's records missing \(record \d+\)/);
    expect(dropped.stdout.trimEnd().endsWith('NOT verified')).toBe(true);
    const changed = cli(['verify', tamperedCopy(bundle, join(home, 'interrupted-changed'), (records) => records.map((rec, i) => (i === 0 ? { ...rec, errorCode: 'AccessDeniedException' } : rec)))]);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain(': a record was changed (the run did not finish');
  }, 90_000);
});
