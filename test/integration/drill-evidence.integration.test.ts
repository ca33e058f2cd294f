import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { ScenarioInput } from '../../src-shared/scenario';
import { BatchedIngest } from '../../src-main/audit/batched-ingest';
import { exportCloudTrailLogs } from '../../src-main/audit/cloudtrail-export';
import { SqliteEventStore } from '../../src-main/audit/sqlite-event-store';
import { runDrill } from '../../src-main/drill/drill-runner';
import { canonicalJson } from '../../src-main/drill/canonical-json';
import { eventIdOf } from '../../src-main/drill/run-trail';
import { BUILT_IN_DIR } from '../../src-main/drill/scenario-catalog';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { RunStore } from '../../src-main/runs/run-store';
import { exportedRecords } from '../support/exported-trail';

/**
 * Every run keeps its own CloudTrail records: an edited re-run of the same scenario and seed (whose
 * calls are the same) stores and exports all of its records, its verdicts cite its own events, and
 * the digest in its record is the digest of what it exported.
 */
const home = mkdtempSync(join(tmpdir(), 'keydrill-evidence-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function drill(store: SqliteEventStore, runs: RunStore, text: string) {
  const ingest = new BatchedIngest(store);
  try {
    const record = await runDrill(parseScenarioText(text), { eventSink: ingest, runSink: runs.sink() });
    await ingest.flush();
    return record;
  } finally {
    await ingest.close();
  }
}

describe('each execution keeps its own evidence', () => {
  it('an edited re-run stores and exports every record it made, and its verdicts cite its own events', async () => {
    const store = SqliteEventStore.open(join(home, 'events.sqlite'));
    const runs = RunStore.open(join(home, 'runs.sqlite'));
    try {
      const text = readFileSync(join(BUILT_IN_DIR, 'revocation-and-restore.yaml'), 'utf8');
      const first = await drill(store, runs, text);
      const source = parse(text) as ScenarioInput;
      const edited = stringify({ ...source, expectations: (source.expectations ?? []).map((e) => (e.expect === 'unreadable-within' ? { ...e, within: '19m' } : e)) });
      const second = await drill(store, runs, edited);
      expect(second.execution.runId).not.toBe(first.execution.runId);
      expect(second.eventCount).toBe(first.eventCount);
      for (const run of [first, second]) {
        const dir = join(home, `trail-${run.execution.runId}`);
        const out = await exportCloudTrailLogs(store, dir, { runId: run.execution.runId });
        expect(out.records).toBe(run.eventCount);
        const records = exportedRecords(dir);
        const ids = new Set(records.map((r) => r.eventID));
        expect(ids.size).toBe(run.eventCount);
        // Every record the run numbered is there under the id its number gives.
        for (let n = 1; n <= run.eventCount; n++) expect(ids.has(eventIdOf(run.execution.runId, n))).toBe(true);
        // The digest in the run record is the digest of the export, in the run's order.
        const ordered = [...records].sort((a, b) => recordNumber(run.execution.runId, a.eventID as string, run.eventCount) - recordNumber(run.execution.runId, b.eventID as string, run.eventCount));
        const digest = createHash('sha256').update(ordered.map((r) => `${canonicalJson(r)}\n`).join('')).digest('hex');
        expect(digest).toBe(run.execution.eventSetSha256);
        // Verdicts cite this run's own events.
        const cited = run.verdicts.flatMap((v) => v.evidence.records).map((n) => eventIdOf(run.execution.runId, n));
        expect(cited.length).toBeGreaterThan(0);
        for (const id of cited) expect(store.lookup({ attribute: { key: 'EventId', value: id }, maxResults: 1 }).events[0]?.runId).toBe(run.execution.runId);
      }
    } finally {
      runs.close();
      store.close();
    }
  }, 60_000);
});

function recordNumber(runId: string, eventId: string, count: number): number {
  for (let n = 1; n <= count; n++) if (eventIdOf(runId, n) === eventId) return n;
  return Number.POSITIVE_INFINITY;
}
