import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import { apiEvents, type ApiEventPayload } from '../../src-shared/api';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { importCloudTrailFile } from '../../src-main/audit/cloudtrail-file-import';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';

/** Runs a drill through the contract and waits for its drill:finished event. */
async function runToEnd(ctx: AppContext, args: unknown): Promise<{ finished: ApiEventPayload<'drill:finished'>; progress: number[] }> {
  const progress: number[] = [];
  let resolveFinished!: (p: ApiEventPayload<'drill:finished'>) => void;
  const done = new Promise<ApiEventPayload<'drill:finished'>>((r) => { resolveFinished = r; });
  const offProgress = ctx.services.events.on('drill:progress', (p) => progress.push(p.fraction));
  const offFinished = ctx.services.events.on('drill:finished', (p) => resolveFinished(p));
  const started = await callApi(ctx, 'drills:run', args);
  if (!started.ok) throw new Error(started.error.message);
  const finished = await done;
  offProgress();
  offFinished();
  expect(finished.jobId).toBe((started.result as { jobId: string }).jobId);
  return { finished, progress };
}

describe('the services behind the contract, as the UI uses them', () => {
  let home: string;
  let ctx: AppContext;
  let runId: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'keydrill-services-'));
    ctx = { services: new AppServices({ home }) };
    const { finished, progress } = await runToEnd(ctx, { scenario: { name: 'revocation-and-restore' } });
    if (!finished.ok) throw new Error(finished.error);
    runId = finished.runId;
    expect(progress.at(-1)).toBe(1);
    expect(progress.length).toBeGreaterThan(3);
  }, 120_000);
  afterAll(async () => {
    await ctx.services.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('announces a drill\'s run as it starts, before its set-up and first progress, under the id it is kept as', async () => {
    const seen: string[] = [];
    let started: ApiEventPayload<'drill:started'> | undefined;
    const offs = [
      ctx.services.events.on('drill:started', (p) => {
        started = p;
        seen.push('started');
      }),
      ctx.services.events.on('drill:progress', (p) => seen.push(p.setup ? 'setup' : 'progress')),
    ];
    try {
      const { finished } = await runToEnd(ctx, { scenario: { name: 'revocation-and-restore' } });
      if (!finished.ok) throw new Error(finished.error);
      expect(seen[0]).toBe('started');
      expect(seen.filter((s) => s === 'started')).toHaveLength(1);
      expect(started).toMatchObject({ jobId: finished.jobId, runId: finished.runId, title: 'Revocation and restore of CMK access across a tenant\'s clusters' });
      expect(started?.startTime).toBe(ctx.services.runs.get(finished.runId).startTime);
    } finally {
      offs.forEach((off) => off());
    }
  }, 120_000);

  it('lists the built-in scenarios with their YAML for the editor', async () => {
    const out = await callApi(ctx, 'drills:list', {});
    const scenarios = (out as { result: { scenarios: { name: string; text: string }[] } }).result.scenarios;
    expect(scenarios.map((s) => s.name)).toContain('revocation-and-restore');
    expect(scenarios.find((s) => s.name === 'revocation-and-restore')?.text).toMatch(/^name: revocation-and-restore/m);
  });

  it('validation names the path and the line of each problem', async () => {
    const text = readFileSync('test/fixtures/scenarios/invalid.yaml', 'utf8');
    const out = await callApi(ctx, 'drills:validate', { text });
    expect(out).toMatchObject({ ok: true, result: { valid: false } });
    const problems = (out as { result: { problems: { path: string; line: number; message: string }[] } }).result.problems;
    expect(problems).toContainEqual({ path: 'timeline[1].at', line: 21, message: 'expected a duration like "90m", "1h30m" or "7d"' });
  });

  it('validation on the embedded KMS (the default backend) names a region it does not answer for, with its line', async () => {
    const text = stringify(fleetScenario({ tenants: 1, days: 1 })).replaceAll('us-west-2', 'us-west-9');
    const out = await callApi(ctx, 'drills:validate', { text });
    const result = (out as { result: { valid: boolean; problems: { path: string; line: number; message: string }[] } }).result;
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ path: 'topology.regions[1]', line: expect.any(Number), message: expect.stringMatching(/^region us-west-9 is not one of the \d+ AWS regions the embedded KMS answers for/) })]);
  });

  it('makes a fleet scenario from a CSV inventory for the editor, or names every problem of the inventory with its line', async () => {
    const inventory = 'tenant,region,replicas\nacme,us-east-1,us-west-2\ninitech,us-east-1,\n';
    const made = await callApi(ctx, 'drills:fleet', { inventory, name: 'tenants.csv' });
    expect(made).toMatchObject({ ok: true, result: { tenants: 2, ignored: [] } });
    const text = (made as { result: { text: string } }).result.text;
    const checked = await callApi(ctx, 'drills:validate', { text });
    expect(checked).toMatchObject({ ok: true, result: { valid: true, title: 'Fleet of 2 tenants from tenants.csv: us-east-1 outage' } });
    const refused = await callApi(ctx, 'drills:fleet', { inventory: 'tenant,region\nacme,us-east-1\nacme,nowhere\n', name: 'tenants.csv' });
    expect(refused).toEqual({ ok: false, error: { code: 'bad-request', message: 'tenants.csv: 2 problems:\n  line 3, tenant: \'acme\' is already on line 2\n  line 3, region: expected an AWS region like "us-east-1", got \'nowhere\'' } });
    // The contract refuses what no inventory is: nothing, or more than the bridge carries.
    expect(await callApi(ctx, 'drills:fleet', { inventory: '', name: 'tenants.csv' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('the inventory is empty') } });
    expect(await callApi(ctx, 'drills:fleet', { inventory: 'x'.repeat(2 * 1024 * 1024 + 1), name: 'big.csv' })).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringContaining('at most 2 MiB') } });
  });

  it('the editor\'s validation reads YAML merge keys as the CLI does, and names a bad merge with its line', async () => {
    const text = readFileSync('resources/scenarios/regional-outage-multi-region-key.yaml', 'utf8')
      .replace('- { id: n1,', '- &node { id: n1,').replace('- { id: n2, region: us-east-1, zone: us-east-1b }', '- { <<: *node, id: n2, zone: us-east-1b }');
    expect(await callApi(ctx, 'drills:validate', { text })).toMatchObject({ ok: true, result: { valid: true } });
    const out = await callApi(ctx, 'drills:validate', { text: text.replace('{ <<: *node, id: n2', '{ <<: [*node, 3], id: n2') });
    const line = text.split('\n').findIndex((l) => l.includes('id: n2')) + 1;
    expect(out).toMatchObject({ ok: true, result: { valid: false, problems: [{ path: 'topology.clusters[0].nodes[1]', line, message: expect.stringMatching(/^a merge key \(<<\) merges mappings into this one, and this is the number 3/) }] } });
  });

  it('a YAML syntax error comes with its line and column, for the editor to put the cursor there', async () => {
    const out = await callApi(ctx, 'drills:validate', { text: 'name: x\ntitle: y\n}\nduration: 1h\n' });
    expect(out).toMatchObject({ ok: true, result: { valid: false, problems: [{ path: '', line: 3, column: 1 }] } });
  });

  it('a drill with invalid text is refused before any job starts', async () => {
    const out = await callApi(ctx, 'drills:run', { scenario: { text: 'name: x\n' } });
    expect(out).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('a finished drill is saved, listed, and its verdict evidence is in the audit log', async () => {
    const runs = (await callApi(ctx, 'runs:list', {})) as { ok: true; result: { runs: { runId: string; passed: boolean }[] } };
    expect(runs.result.runs).toContainEqual(expect.objectContaining({ runId, passed: true }));
    const record = (await callApi(ctx, 'runs:get', { runId })) as { ok: true; result: { verdicts: { evidence: { records: number[] } }[] } };
    const cited = record.result.verdicts.flatMap((v) => v.evidence.records)[0];
    expect(cited).toBeDefined();
    // Evidence cites records by number; the run's event ids come from its run id.
    const ids = (await callApi(ctx, 'runs:event-ids', { runId, records: [cited] })) as { ok: true; result: { eventIds: string[] } };
    const evidence = ids.result.eventIds[0];
    const event = await callApi(ctx, 'audit:event', { eventId: evidence });
    expect(event).toMatchObject({ ok: true, result: { runId, record: { eventID: evidence } } });
  });

  it('the record shown for an Audit row is that row\'s, even where an import stored another record under the same eventID a second later', async () => {
    const ids = (await callApi(ctx, 'runs:event-ids', { runId, records: [1] })) as { ok: true; result: { eventIds: string[] } };
    const eventId = ids.result.eventIds[0] as string;
    const genuine = (await callApi(ctx, 'audit:event', { eventId })) as { ok: true; result: { record: Record<string, unknown> } };
    const later = new Date(Date.parse(genuine.result.record.eventTime as string) + 1000).toISOString().replace('.000Z', 'Z');
    const file = join(home, 'doctored.json');
    writeFileSync(file, JSON.stringify({ Records: [{ ...genuine.result.record, eventTime: later, userAgent: 'doctored' }] }));
    const store = SqliteEventStore.open(join(home, 'events.sqlite'));
    try {
      await importCloudTrailFile(store, file);
    } finally {
      store.close();
    }
    const rows = (await callApi(ctx, 'audit:lookup', { attribute: { key: 'EventId', value: eventId } })) as { ok: true; result: { events: { eventTime: string }[] } };
    expect(rows.result.events.map((r) => r.eventTime)).toEqual([later, genuine.result.record.eventTime]);
    for (const row of rows.result.events) {
      const shown = (await callApi(ctx, 'audit:event', { eventId, eventTime: row.eventTime })) as { ok: true; result: { record: Record<string, unknown> } };
      expect(shown.result.record.eventTime).toBe(row.eventTime);
    }
    expect(await callApi(ctx, 'audit:event', { eventId, eventTime: 'yesterday' })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('audit lookups page with a token and filter errors', async () => {
    const first = (await callApi(ctx, 'audit:lookup', { runId, maxResults: 5 })) as { ok: true; result: { events: unknown[]; nextToken?: string } };
    expect(first.result.events).toHaveLength(5);
    expect(first.result.nextToken).toBeDefined();
    const second = (await callApi(ctx, 'audit:lookup', { runId, maxResults: 5, nextToken: first.result.nextToken })) as { ok: true; result: { events: { eventId: string }[] } };
    expect(second.result.events[0]?.eventId).not.toBe((first.result.events[0] as { eventId: string }).eventId);
    const errors = (await callApi(ctx, 'audit:lookup', { runId, errorsOnly: true, maxResults: 50 })) as { ok: true; result: { events: { errorCode: string | null }[] } };
    expect(errors.result.events.length).toBeGreaterThan(0);
    expect(errors.result.events.every((e) => e.errorCode)).toBe(true);
    const altered = await callApi(ctx, 'audit:lookup', { runId, nextToken: 'not-a-token' });
    expect(altered).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('aggregates calls per bucket by operation', async () => {
    const out = (await callApi(ctx, 'audit:aggregate', { by: 'eventName', startTime: '2026-01-01T00:00:00Z', endTime: '2026-01-02T00:00:00Z', bucketMinutes: 60, runId })) as { ok: true; result: { rows: { key: string; calls: number }[] } };
    expect(out.result.rows.some((r) => r.key === 'Decrypt' && r.calls > 0)).toBe(true);
  });

  it('exports a run as JSON and as CloudTrail log files', async () => {
    const json = (await callApi(ctx, 'reports:export', { runId, format: 'json' })) as { ok: true; result: { path: string; bytes: number } };
    expect(JSON.parse(readFileSync(json.result.path, 'utf8'))).toMatchObject({ execution: { runId } });
    const trail = (await callApi(ctx, 'reports:export', { runId, format: 'cloudtrail' })) as { ok: true; result: { path: string; files: number } };
    expect(existsSync(join(trail.result.path, 'AWSLogs'))).toBe(true);
    expect(trail.result.files).toBeGreaterThan(0);
    expect(await callApi(ctx, 'reports:export', { runId: 'no-such-run', format: 'json' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('settings round-trip through the data folder and a bad endpoint is refused with where it is wrong', async () => {
    expect(await callApi(ctx, 'settings:get', {})).toEqual({ ok: true, result: { backend: { kind: 'embedded' } } });
    const set = await callApi(ctx, 'settings:set', { backend: { kind: 'aws', profile: 'audit', regions: ['eu-west-1', 'eu-central-1'] } });
    expect(set.ok).toBe(true);
    expect(JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8'))).toEqual({ backend: { kind: 'aws', profile: 'audit', regions: ['eu-west-1', 'eu-central-1'] } });
    const bad = await callApi(ctx, 'settings:set', { backend: { kind: 'localstack', endpoint: 'not a url' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect((bad as { error: { message: string } }).error.message).toContain('backend.endpoint');
    await callApi(ctx, 'settings:set', { backend: { kind: 'embedded' } });
  });

  it('the connection test says what the embedded KMS enforces', async () => {
    const out = (await callApi(ctx, 'settings:test-connection', {})) as { ok: true; result: { ok: boolean; capabilities: Record<string, boolean> } };
    expect(out.result.ok).toBe(true);
    expect(out.result.capabilities).toMatchObject({ disabledKeyRefusesDecrypt: true, keyPolicyEnforced: true, replicasFollowRotation: true, virtualClock: true });
  });

  it('a connection test against nothing fails with the reason, not an exception', async () => {
    const out = (await callApi(ctx, 'settings:test-connection', { backend: { kind: 'localstack', endpoint: 'http://127.0.0.1:9' } })) as { ok: true; result: { ok: boolean; error?: string } };
    expect(out.result.ok).toBe(false);
    expect(out.result.error).toBeTruthy();
  });

  it('every pushed event payload is checked against the contract', () => {
    expect(() => ctx.services.events.emit('drill:progress', { jobId: 'j', fraction: 2 })).toThrow();
    expect(apiEvents['drill:progress'].safeParse({ jobId: 'j', fraction: 0.5 }).success).toBe(true);
  });
});
