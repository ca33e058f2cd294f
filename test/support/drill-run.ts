import type { FullRunRecord, HierarchyFrame, RunRecord } from '../../src-shared/run-record';
import type { Scenario } from '../../src-shared/scenario';
import { replayAll } from '../../src-shared/hierarchy-replay';
import { runDrill, type RunDrillOptions } from '../../src-main/drill/drill-runner';
import { MemoryRunSink } from '../../src-main/drill/run-sink';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';

/** A drill run whole, as the tests read it: the head, the full record (timeline and frames), and every frame rebuilt. */
export interface WholeRun {
  record: RunRecord;
  full: FullRunRecord;
  frames: HierarchyFrame[];
}

export async function runWhole(scenario: Scenario, options: RunDrillOptions = {}): Promise<WholeRun> {
  const sink = new MemoryRunSink();
  const record = await runDrill(scenario, { ...options, runSink: sink });
  const full = sink.full();
  return { record, full, frames: replayAll(full.frames) };
}

export function builtIn(name: string): Scenario {
  const found = builtInScenarios().find((s) => s.name === name);
  if (!found) throw new Error(`no built-in scenario ${name}`);
  return found;
}

/** The record with its execution part (run id, wall-clock times, endpoint, event-set digest) fixed, so two executions compare byte for byte. */
export function withoutExecution(record: FullRunRecord): FullRunRecord {
  return {
    ...record,
    execution: {
      runId: 'x', label: 'x', status: record.execution.status, startedAt: '', reachedAt: record.execution.reachedAt, keydrillVersion: '', nodeVersion: '', platform: '',
      endpoint: '', principals: record.execution.principals,
    },
  };
}
