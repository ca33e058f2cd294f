import type { RunRecord } from '../../src-shared/run-record';

/**
 * What `keydrill drill run --json` prints and the JUnit report is made from: per verdict the
 * expectation's kind, whether it held, the measured value and what was expected; the backend with
 * its endpoint and the steps it could not enforce, which were simulated on the client.
 */
export interface DrillSummary {
  runId: string;
  /** passed: every expectation met; failed: one or more not; cancelled: stopped before its end. */
  status: 'passed' | 'failed' | 'cancelled';
  passed: boolean;
  scenario: { name: string; title: string; seed: number; duration: number };
  backend: {
    kind: string;
    endpoint: string | undefined;
    capabilities: Record<string, boolean>;
    /** Steps the backend could not enforce, played on the client instead (the report says so too). */
    simulatedOnClient: { step: number; do: string; note: string }[];
    /** KMS-side events a wall-clock backend did not perform on the drill's clock, played by the simulator. */
    departures: { at: number; name: string; capability: string; note: string }[];
  };
  verdicts: VerdictSummary[];
  totals: { kmsCalls: number; cloudTrailRecords: number; errorsByCode: Record<string, number> };
  eventSetSha256: string;
}

export interface VerdictSummary {
  /** The expectation's kind as the scenario writes it (`expect:`): availability, unreadable-within… */
  kind: string;
  passed: boolean;
  summary: string;
  /** The measured value (a number, or text), null when nothing could be measured. */
  measured: number | string | null;
  /** The measured value as a reader writes it, when the run record has it. */
  measuredText: string | undefined;
  /** What the expectation asked for, as a reader writes it, when the run record has it. */
  expected: string | undefined;
  /** The expectation as written in the scenario. */
  expectation: Record<string, unknown>;
}

/** Reads fields that newer run records carry and older ones do not, without trusting their type. */
function optionalText(from: object, field: string): string | undefined {
  const value = (from as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

export function summariseRun(record: RunRecord): DrillSummary {
  const cancelled = optionalText(record as object, 'status') === 'cancelled'
    || optionalText(((record as unknown as Record<string, unknown>).execution ?? {}) as object, 'status') === 'cancelled';
  return {
    runId: record.runId,
    status: cancelled ? 'cancelled' : record.passed ? 'passed' : 'failed',
    passed: record.passed && !cancelled,
    scenario: { name: record.scenario.name, title: record.scenario.title, seed: record.scenario.seed, duration: record.scenario.duration },
    backend: {
      kind: record.backend.kind,
      endpoint: optionalText(record.backend, 'endpoint'),
      capabilities: record.backend.capabilities,
      simulatedOnClient: record.backend.simulated.map((s) => ({ step: s.step, do: s.do, note: s.note })),
      departures: (record.backend.departures ?? []).map((d) => ({ at: d.at, name: d.name, capability: d.capability, note: d.note })),
    },
    verdicts: record.verdicts.map((v) => ({
      kind: typeof v.expectation.expect === 'string' ? v.expectation.expect : 'expectation',
      passed: v.passed,
      summary: v.summary,
      measured: v.measured,
      measuredText: optionalText(v, 'measuredText'),
      expected: optionalText(v, 'expected'),
      expectation: v.expectation,
    })),
    totals: { kmsCalls: record.totals.kmsCalls, cloudTrailRecords: record.eventCount, errorsByCode: record.totals.errorsByCode },
    eventSetSha256: record.eventSetSha256,
  };
}
