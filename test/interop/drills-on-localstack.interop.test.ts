import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { eventIdOf } from '../../src-main/drill/run-trail';
import { exportedRecords } from '../support/exported-trail';
import { DescribeKeyCommand, ListAliasesCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src-shared/run-record';
import { DrillRefusedError, runDrill } from '../../src-main/drill/drill-runner';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';
import { LOCALSTACK_ENDPOINT, requireLocalStackInCi } from './interop-peers';
import { runWhole } from '../support/drill-run';

requireLocalStackInCi();

/**
 * Where a built-in scenario's run on LocalStack depends on a capability LocalStack lacks, and what
 * its run record must say about it: steps simulated on the client (`backend.simulated`) and
 * KMS-side events played on the drill's clock (`backend.departures`). docs/backends.md ("Drills on
 * LocalStack") lists the same.
 */
const EXPECTED_NOTES: Record<string, { simulated: string[]; departures: string[] }> = {
  'cmk-replacement-with-reencrypt': { simulated: [], departures: ['key-deleted/virtualClock'] },
  'revocation-and-restore': { simulated: ['key-policy-revoke'], departures: [] },
  'year-of-operation': { simulated: [], departures: ['cmk-rotated/virtualClock', 'key-deleted/virtualClock'] },
  'node-address-change': { simulated: ['node-address-change'], departures: [] },
  'vendor-iam-permission-revoke': { simulated: ['iam-permission-restore', 'iam-permission-revoke'], departures: [] },
  'vpc-endpoint-key-policy': { simulated: ['node-address-change', 'node-address-change'], departures: [] },
};

const notesOf = (record: RunRecord) => ({
  simulated: record.backend.simulated.map((s) => s.do).sort(),
  departures: (record.backend.departures ?? []).map((d) => `${d.name}/${d.capability}`).sort(),
});

describe.skipIf(!LOCALSTACK_ENDPOINT)('every built-in scenario reaches the same verdicts on LocalStack as on the embedded KMS, or its run record says why not', () => {
  const endpoint = LOCALSTACK_ENDPOINT as string;

  for (const scenario of builtInScenarios()) {
    it(scenario.name, async () => {
      const embedded = (await runWhole(scenario)).full;
      const localstack = (await runWhole(scenario, { backend: 'localstack', endpoint })).full;
      expect(localstack.backend.kind).toBe('localstack');
      expect(localstack.verdicts.map((v) => v.expectation)).toEqual(embedded.verdicts.map((v) => v.expectation));

      // With what LocalStack cannot do played by the drill (and noted below), every verdict must agree.
      const differing = embedded.verdicts
        .filter((v, i) => v.passed !== localstack.verdicts[i]?.passed)
        .map((v) => `${JSON.stringify(v.expectation)}\n  embedded:   ${v.summary}\n  localstack: ${localstack.verdicts[embedded.verdicts.indexOf(v)]?.summary}`);
      expect(differing).toEqual([]);

      // The embedded KMS enforces everything on the drill's clock: nothing to note. LocalStack's record names each dependency.
      expect(notesOf(embedded)).toEqual({ simulated: [], departures: [] });
      expect(notesOf(localstack)).toEqual(EXPECTED_NOTES[scenario.name] ?? { simulated: [], departures: [] });
      for (const d of localstack.backend.departures ?? []) {
        expect(localstack.backend.capabilities[d.capability]).toBe(false);
        expect(d.note).toMatch(/localstack/);
        // The timeline shows the played event as simulated, at the same moment.
        if (d.name !== 'rotate-cmk') expect(localstack.timeline.some((e) => e.name === d.name && e.at === d.at && e.outcome === 'simulated')).toBe(true);
      }
      for (const s of localstack.backend.simulated) expect(localstack.timeline.find((e) => e.step === s.step)?.outcome).toBe('simulated');
    }, 180_000);
  }
});

describe.skipIf(!LOCALSTACK_ENDPOINT)('a drill on LocalStack cleans up and can refuse what LocalStack cannot do', () => {
  const endpoint = LOCALSTACK_ENDPOINT as string;
  let admin: KmsClientFactory;
  beforeAll(() => {
    admin = new KmsClientFactory({ backend: 'localstack', endpoint, maxAttempts: 1 });
  });
  afterAll(() => admin?.destroy());

  it('the keys it made are pending deletion and its aliases are gone, so the same scenario runs again with the same alias', async () => {
    const scenario = builtInScenarios().find((s) => s.name === 'revocation-and-restore')!;
    const first = await runDrill(scenario, { backend: 'localstack', endpoint });
    const second = await runDrill(scenario, { backend: 'localstack', endpoint });
    expect(second.passed).toBe(first.passed);
    expect(second.topology.keys.map((k) => k.alias)).toEqual(['alias/globex']);
    const kms = admin.clientFor('eu-west-1');
    for (const record of [first, second]) {
      for (const key of record.topology.keys) {
        expect((await kms.send(new DescribeKeyCommand({ KeyId: key.arn }))).KeyMetadata?.KeyState).toBe('PendingDeletion');
      }
    }
    const aliases = (await kms.send(new ListAliasesCommand({ Limit: 1000 }))).Aliases ?? [];
    expect(aliases.filter((a) => a.AliasName?.startsWith('alias/globex'))).toEqual([]);
  }, 120_000);

  it('an on-demand rotation of a multi-Region key is played on LocalStack as is, and the record says its replicas do not follow', async () => {
    const yaml = readFileSync(new URL('../../resources/scenarios/regional-outage-multi-region-key.yaml', import.meta.url), 'utf8')
      .replace('timeline:\n', 'timeline:\n  - { do: rotate-cmk, id: rotate, at: 1h, key: acme-mrk, mode: on-demand }\n');
    const scenario = parseScenarioText(yaml);
    const embedded = (await runWhole(scenario)).full;
    const localstack = (await runWhole(scenario, { backend: 'localstack', endpoint })).full;
    expect(localstack.verdicts.map((v) => v.passed)).toEqual(embedded.verdicts.map((v) => v.passed));
    expect(embedded.backend.departures).toBeUndefined();
    expect(localstack.backend.departures?.map((d) => [d.name, d.capability, d.step, d.key])).toEqual([['rotate-cmk', 'replicasFollowRotation', 0, 'acme-mrk']]);
    expect(localstack.timeline.find((e) => e.step === 0)?.outcome).toBe('ok');
  }, 120_000);

  it('a LocalStack run after an embedded run of the same drill: both keep and export every record they made', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-interop-evidence-'));
    const store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    try {
      const scenario = builtInScenarios().find((s) => s.name === 'revocation-and-restore')!;
      const runs = [];
      for (const options of [{}, { backend: 'localstack' as const, endpoint }]) {
        const ingest = new BatchedIngest(store);
        runs.push(await runDrill(scenario, { ...options, eventSink: ingest }));
        await ingest.close();
      }
      for (const run of runs) {
        const out = await exportCloudTrailLogs(store, join(dir, run.execution.runId), { runId: run.execution.runId });
        expect(out.records).toBe(run.eventCount);
        const ids = new Set(exportedRecords(join(dir, run.execution.runId)).map((r) => r.eventID));
        expect(ids.size).toBe(run.eventCount);
        for (let n = 1; n <= run.eventCount; n++) expect(ids.has(eventIdOf(run.execution.runId, n))).toBe(true);
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('a scenario that says onUnsupportedStep: refuse is refused for its deletion window and automatic rotation', async () => {
    const year = builtInScenarios().find((s) => s.name === 'year-of-operation')!;
    const run = runDrill({ ...year, onUnsupportedStep: 'refuse' }, { backend: 'localstack', endpoint });
    await expect(run).rejects.toThrow(DrillRefusedError);
    await expect(run).rejects.toThrow(/timeline\[1\] \(key-schedule-deletion\), policy\.cmkRotation: localstack keeps wall-clock time/);
  }, 120_000);
});

describe('docs/backends.md lists every built-in scenario under "Drills on LocalStack"', () => {
  it('one row per scenario, naming what its record notes', () => {
    const doc = readFileSync(new URL('../../docs/backends.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Drills on LocalStack'));
    expect(section.length).toBeLessThan(doc.length);
    for (const scenario of builtInScenarios()) {
      const row = section.split('\n').find((l) => l.startsWith(`| \`${scenario.name}\``));
      expect(row, scenario.name).toBeDefined();
      for (const note of [...(EXPECTED_NOTES[scenario.name]?.simulated ?? []), ...(EXPECTED_NOTES[scenario.name]?.departures ?? [])]) {
        expect(row).toContain(note.split('/')[0]);
      }
    }
  });
});
