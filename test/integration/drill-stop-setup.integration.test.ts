import { describe, expect, it } from 'vitest';
import { fleetScenario } from '../../bench/fleet-scenario';
import type { DrillSetup } from '../../src-shared/api-types';
import { Scenario } from '../../src-shared/scenario';
import { renderCsvReport } from '../../src-main/report/csv-report';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { renderJsonReport } from '../../src-main/report/json-report';
import { runWhole } from '../support/drill-run';

/**
 * A Stop while a fleet is still being set up (its keys made, its clusters started — seconds at 1,000
 * tenants) ends the set-up before the next tenant or cluster. The run is kept as cancelled at 0 s with
 * what it had made, and reads as such everywhere: its reports render, its hierarchy replays.
 */
const fleet = Scenario.parse(fleetScenario({ tenants: 50, days: 30 }));

async function stoppedAt(stage: DrillSetup['stage'], after: number) {
  const stop = new AbortController();
  return runWhole(fleet, { signal: stop.signal, onSetup: (s) => (s.stage === stage && s.done === after ? stop.abort('stopped by the test') : undefined) });
}

describe('a Stop during a fleet drill\'s set-up', () => {
  it('while its keys are made: cancelled at 0 s with the keys made so far, no cluster started, every report readable', async () => {
    const { record, full, frames } = await stoppedAt('keys', 12);
    expect(record.execution).toMatchObject({ status: 'cancelled', reachedAt: 0, reason: 'stopped by the test' });
    expect(record.topology.keys.map((k) => k.tenant)).toEqual(Array.from({ length: 12 }, (_, i) => `t${String(i + 1).padStart(2, '0')}`));
    expect(record.hierarchy.nodes).toEqual([]);
    expect(record.verdicts).toEqual([]);
    // Its CloudTrail records are the calls that made those keys (CreateKey and ReplicateKey each).
    expect(record.eventCount).toBe(record.totals.kmsCalls);
    expect(record.totals.kmsCalls).toBe(24);
    expect(renderHtmlReport(full)).toContain('data-status="cancelled"');
    expect(JSON.parse(renderJsonReport(full)).execution.status).toBe('cancelled');
    expect(renderCsvReport(full)).toContain('cancelled');
    expect(frames.every((f) => f.nodes.length === 0)).toBe(true);
  }, 60_000);

  it('while its clusters start: cancelled at 0 s with those clusters, nothing played', async () => {
    const { record, full, frames } = await stoppedAt('clusters', 20);
    expect(record.execution).toMatchObject({ status: 'cancelled', reachedAt: 0 });
    expect(record.topology.keys).toHaveLength(50);
    expect(new Set(record.hierarchy.nodes.map((n) => n.cluster)).size).toBe(20);
    expect(record.history.timeline).toBe(0);
    expect(renderHtmlReport(full)).toContain('data-status="cancelled"');
    expect(frames.at(-1)?.nodes).toHaveLength(60);
  }, 60_000);
});
