import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FullRunRecord, type RunRecord } from '../../src-shared/run-record';
import { troubledFleetScenario } from '../../bench/report-fleet';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { exportObservations } from '../../src-main/audit/observation-export';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { runDrill } from '../../src-main/drill/drill-runner';
import { eventIdOf, observationIdOf } from '../../src-main/drill/run-trail';
import { MemoryRunSink, teeSinks } from '../../src-main/drill/run-sink';
import { writeAuditBundle } from '../../src-main/report/audit-bundle';
import { recheckEventSet } from '../../src-main/report/bundle-event-set';
import { renderJsonReport } from '../../src-main/report/json-report';
import { SUMS_FILE, verifyBundle } from '../../src-main/report/manifest';
import type { RunSource } from '../../src-main/report/run-source';
import { writeReport } from '../../src-main/report/write-report';
import { RunStore } from '../../src-main/runs/run-store';
import { exportedRecords } from '../support/exported-trail';

/**
 * What an auditor receives for a fleet drill: a generated fleet of 200 tenants where a dozen lose
 * their key, played on the embedded KMS into a real run store and a real event store, then
 * reported from the store the way the app and the CLI do — the timeline and the hierarchy history
 * read a page at a time, never as one record in memory.
 */
const TENANTS = 200;

let dir: string;
let runs: RunStore;
let events: SqliteEventStore;
let memory: MemoryRunSink;
let head: RunRecord;
let source: RunSource;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keydrill-report-fleet-'));
  runs = RunStore.open(join(dir, 'runs.sqlite'));
  events = SqliteEventStore.open(join(dir, 'events.sqlite'));
  const ingest = new BatchedIngest(events);
  memory = new MemoryRunSink();
  try {
    head = await runDrill(troubledFleetScenario({ tenants: TENANTS, days: 1 }), { runSink: teeSinks(runs.sink(), memory), eventSink: ingest });
    await ingest.flush();
  } finally {
    await ingest.close();
  }
  const runId = head.execution.runId;
  source = { head: runs.head(runId) as RunRecord, timeline: () => runs.allTimeline(runId), frames: () => runs.allFrames(runId) };
}, 600_000);

afterAll(() => {
  runs?.close();
  events?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe(`the report of a ${TENANTS}-tenant drill`, () => {
  it('the drill gives the report something to show: tenants down, data at risk, a failed verdict', () => {
    expect(head.clusters).toHaveLength(TENANTS);
    expect(head.clusters.filter((c) => c.minutesUnavailable > 0).length).toBeGreaterThanOrEqual(10);
    expect(head.dataAtRisk.length).toBeGreaterThan(0);
    expect(head.passed).toBe(false);
  });

  it('HTML: small, verdicts first, the headline states failed and data at risk, every tenant in one table, the worst 20 in detail', async () => {
    const file = join(dir, 'fleet.html');
    const written = await writeReport(source, file);
    const html = readFileSync(file, 'utf8');
    expect(written.bytes).toBe(statSync(file).size);
    expect(written.bytes).toBeLessThan(1_500_000);
    // Verdicts come before everything else the reader scrolls through.
    expect(html.indexOf('id="verdicts"')).toBeLessThan(html.indexOf('id="tenants"'));
    expect(html.indexOf('id="tenants"')).toBeLessThan(html.indexOf('id="timeline"'));
    const banner = html.match(/<div class="banner [^"]+" id="overall-verdict"[^>]*>.*?<\/div>/s)?.[0] ?? '';
    expect(banner).toContain('data-passed="false"');
    expect(banner).toMatch(new RegExp(`Failed</strong><span>\\d+ of \\d+ expectations not met · ${head.dataAtRisk.length} items of data at risk in \\d+ tenants`));
    // Every failed verdict says what was measured beside what was expected.
    for (const v of head.verdicts.filter((x) => !x.passed)) {
      expect(html).toContain(`<dd class="measured-value">${v.measuredText}</dd><dt>Expected</dt><dd class="expected-value">${v.expected}</dd>`);
    }
    // One row per tenant, worst first.
    const table = html.slice(html.indexOf('<table class="tenant-table'), html.indexOf('</table>', html.indexOf('<table class="tenant-table')));
    expect(table).toContain(`data-rows="${TENANTS}"`);
    expect(table.match(/<tr[ >]/g)!.length - 1).toBe(TENANTS);
    const worst = [...head.clusters].sort((a, b) => b.minutesUnavailable - a.minutesUnavailable || b.dataAtRisk - a.dataAtRisk)[0]!;
    expect(table.match(/<tbody><tr[^>]*><td>([^<]+)<\/td>/)?.[1]).toBe(worst.cluster);
    // The tenants' calls and the calls of no tenant add up to the run's.
    const byTenants = head.clusters.reduce((n, c) => n + c.kmsCalls, 0);
    expect(byTenants).toBeLessThan(head.totals.kmsCalls);
    expect(html).toContain(`The other ${(head.totals.kmsCalls - byTenants).toLocaleString('en-US')} of the run&#39;s ${head.totals.kmsCalls.toLocaleString('en-US')} KMS calls name no tenant&#39;s cluster`);
    // The worst tenants in detail: each with its key's ARNs, its down intervals and who acted.
    const details = [...html.matchAll(/<article class="tenant" id="tenant-([^"]+)" data-cluster="([^"]+)">/g)].map((m) => m[2]);
    const affected = head.clusters.filter((c) => c.minutesUnavailable > 0 || c.dataAtRisk > 0 || c.nodesDownAtEnd > 0).length;
    expect(details).toHaveLength(Math.min(20, affected));
    expect(details[0]).toBe(worst.cluster);
    const key = head.topology.keys.find((k) => k.id === head.topology.clusters.find((c) => c.id === worst.cluster)!.key)!;
    const article = html.slice(html.indexOf(`data-cluster="${worst.cluster}">`), html.indexOf('</article>', html.indexOf(`data-cluster="${worst.cluster}">`)));
    expect(article).toContain(key.arn);
    for (const r of key.replicas) expect(article).toContain(r.arn);
    expect(article).toContain('key-policy-revoke');
    expect(article).toContain('key administrator');
    // Per region, and the principals' full ARNs once.
    for (const r of head.regions) expect(html).toContain(`<tr data-region="${r.region}">`);
    expect(html).toContain(head.execution.principals.administrator);
    expect(html).toContain(head.execution.principals.service);
    // No chart per tenant for a fleet: the fleet's availability instead.
    expect(html).toContain('id="chart-fleet-availability"');
    expect(html).not.toContain('id="chart-availability"');
  });

  it('JSON: streamed from the run store, it is valid JSON equal to the record held in memory, byte for byte', async () => {
    const file = join(dir, 'fleet.json');
    const written = await writeReport(source, file);
    const text = readFileSync(file, 'utf8');
    expect(written.sha256).toBe(sha256(file));
    const whole = memory.full();
    expect(text === renderJsonReport(whole)).toBe(true);
    const parsed = FullRunRecord.parse(JSON.parse(text));
    expect(parsed.timeline).toHaveLength(head.history.timeline);
    expect(parsed.frames).toHaveLength(head.history.frames);
    expect(parsed).toEqual(FullRunRecord.parse(whole));
  });

  it('CSV: every timeline entry, with who acted, and the hierarchy history as changes', async () => {
    const file = join(dir, 'fleet.csv');
    await writeReport(source, file);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    expect(lines.filter((l) => l.startsWith('timeline,'))).toHaveLength(head.history.timeline);
    expect(lines.filter((l) => l.startsWith('cluster-summary,'))).toHaveLength(TENANTS);
    expect(lines.some((l) => l.startsWith('history,') && l.includes('node'))).toBe(true);
    expect(lines.filter((l) => l.startsWith('timeline,') && l.includes('key-policy-revoke')).every((l) => l.split(',').at(-2) === head.execution.principals.administrator)).toBe(true);
  });

  it('a sealed audit bundle: each file\'s SHA-256 in the manifest matches the file, sha256sum -c agrees, and a changed file is caught', async () => {
    const bundle = join(dir, 'audit');
    const runId = head.execution.runId;
    const out = await writeAuditBundle(source, bundle, { exportCloudTrail: (to) => exportCloudTrailLogs(events, to, { runId }), exportObservations: (file) => exportObservations(events, file, runId) });
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as { runId: string; runRecord: { path: string; sha256: string }; eventSet: { records: number; exported: number; sha256: string }; files: { path: string; kind: string; sha256: string; bytes: number }[] };
    expect(manifest.runId).toBe(runId);
    expect(manifest.eventSet).toMatchObject({ records: head.eventCount, sha256: head.execution.eventSetSha256 });
    // The bundle's CloudTrail files hold every record the run made, and the manifest counts what they hold.
    const trail = exportedRecords(join(bundle, 'cloudtrail'));
    expect(manifest.eventSet.exported).toBe(trail.length);
    const real = trail.filter((r) => (r.additionalEventData as { keydrillClientSide?: boolean } | undefined)?.keydrillClientSide !== true);
    expect(new Set(real.map((r) => r.eventID))).toEqual(new Set(Array.from({ length: head.eventCount }, (_, i) => eventIdOf(runId, i + 1))));
    // The run's digest, worked out on a thread of its own at this size (trail-digest.ts), is the digest of its records as exported.
    expect((await recheckEventSet(bundle, 'cloudtrail', runId, head.eventCount)).sha256).toBe(head.execution.eventSetSha256);
    // Anything else in the export is named in the notes rather than passed off as the run's records.
    if (trail.length !== head.eventCount) expect(out.notes.join(' ')).toContain(`holds ${trail.length} CloudTrail records of this run, and the run made ${head.eventCount}`);
    expect(manifest.runRecord).toEqual({ path: 'run-record.json', sha256: sha256(join(bundle, 'run-record.json')) });
    expect(readFileSync(join(bundle, 'run-record.json'), 'utf8') === renderJsonReport(memory.full())).toBe(true);
    // The calls that never reached KMS are in no CloudTrail log: the bundle carries every one, oldest first, and every one a verdict cites.
    expect(head.observationCount).toBeGreaterThan(0);
    const observed = readFileSync(join(bundle, 'client-observations.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { observationId: string });
    expect(observed.map((o) => o.observationId)).toEqual(Array.from({ length: head.observationCount }, (_, i) => observationIdOf(runId, i + 1)));
    expect((manifest as unknown as { observations: unknown }).observations).toEqual({ path: 'client-observations.jsonl', made: head.observationCount, exported: head.observationCount });
    for (const kind of ['run-record', 'html', 'csv', 'cloudtrail', 'observations']) expect(manifest.files.some((f) => f.kind === kind)).toBe(true);
    for (const f of manifest.files) {
      expect(sha256(join(bundle, f.path)), f.path).toBe(f.sha256);
      expect(statSync(join(bundle, f.path)).size).toBe(f.bytes);
    }
    const sums = readFileSync(join(bundle, SUMS_FILE), 'utf8');
    expect(sha256(join(bundle, SUMS_FILE))).toBe(out.sealSha256);
    expect(sums.trim().split('\n')).toHaveLength(manifest.files.length + 1);
    expect(await verifyBundle(bundle)).toMatchObject({ ok: true, problems: [] });
    const checker = spawnSync('sha256sum', ['--check', '--strict', SUMS_FILE], { cwd: bundle, encoding: 'utf8' });
    if (!checker.error) expect(checker.status, checker.stdout + checker.stderr).toBe(0);

    appendFileSync(join(bundle, 'report.html'), '<!-- edited -->');
    expect((await verifyBundle(bundle)).problems).toEqual(['changed: report.html']);
    if (!checker.error) expect(spawnSync('sha256sum', ['--check', '--quiet', SUMS_FILE], { cwd: bundle, encoding: 'utf8' }).stdout).toContain('report.html: FAILED');
  });
});
