import { count } from '../../src-shared/count';
import { formatDuration } from '../../src-shared/duration';
import type { RunRecord, TimelineEntry } from '../../src-shared/run-record';
import { isFleet, summariseTenants, type TenantsSummary } from '../../src-shared/tenant-ranking';
import type { StoredEvidence } from '../report/run-source';

/**
 * What `keydrill drill run --json` prints and the JUnit report is made from: per verdict the
 * expectation's kind, whether it held, the measured value and what was expected; the backend with
 * its endpoint and the steps it could not enforce, which were simulated on the client; the steps
 * that failed when played.
 */
export interface DrillSummary {
  runId: string;
  /** The same for every execution of the same drill (scenario, seed, backend, scenario hash). */
  label: string;
  /** passed: every expectation met; failed: one or more not; cancelled: stopped before its end; interrupted: its process died first; running: still playing (in another process), nothing judged yet. */
  status: 'passed' | 'failed' | 'cancelled' | 'interrupted' | 'running';
  /** Why a cancelled or interrupted run stopped, as its record says (who stopped it, what failed, that its process died). */
  reason?: string | undefined;
  passed: boolean;
  /** Wall-clock start and end of the execution, the KeyDrill version, and the drill time it reached. */
  startedAt: string;
  endedAt: string | undefined;
  keydrillVersion: string;
  reachedAt: number;
  scenario: { name: string; title: string; seed: number; duration: number; hash: string };
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
  /**
   * Scenario steps that failed when the drill played them (a restore with no snapshot, a cancel of
   * a deletion not scheduled), in timeline order. They do not change the verdicts or the exit code:
   * a failing step may be what the drill tests. `at` is drill time in ms; `detail` says why.
   */
  failedSteps: { step: number; stepId: string | undefined; do: string; at: number; detail: string }[];
  /** keyOwnerCopies: records delivered to a key owner's account for calls made from another account (CloudTrail records, not calls). */
  totals: { kmsCalls: number; cloudTrailRecords: number; keyOwnerCopies: number; errorsByCode: Record<string, number>; clientSideCalls: number; clientSideByCode: Record<string, number> };
  dataAtRisk: { what: string; cluster: string; reason: string }[];
  /**
   * The run's tenants (clusters), once it summed them up (none for a run that did not finish): how
   * many were not serving at some moment and for how long in all, and every tenant the run hurt,
   * worst first, as the report ranks them.
   */
  tenants?: TenantsSummary;
  eventSetSha256: string | undefined;
  /**
   * Only for a run that never summed itself up (interrupted): what the event store holds of it — its
   * CloudTrail records, calls that never reached KMS, and the drill time (ms) of its last record. Its
   * `totals` are then the zeros it started with, not counts.
   */
  stored?: StoredEvidence;
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

/**
 * A run's outcome, as `--json` and the run lists name it, from its execution status (did it play to
 * its end) and whether it passed. A run still playing (a drill in the app or another `drill run`)
 * has judged nothing: "running", not "failed".
 */
export function runOutcome(status: RunRecord['execution']['status'], passed: boolean): DrillSummary['status'] {
  if (status === 'cancelled' || status === 'interrupted') return status;
  if (status === 'started') return 'running';
  return passed ? 'passed' : 'failed';
}

/**
 * `timeline`: the run's timeline entries (RunService.failedSteps gives just those that matter here,
 * without reading a fleet's millions); the failed scenario steps among them go in `failedSteps`.
 */
export function summariseRun(record: RunRecord, timeline: Iterable<TimelineEntry>, stored?: StoredEvidence): DrillSummary {
  const { execution } = record;
  const status = runOutcome(execution.status, record.passed);
  return {
    runId: execution.runId,
    label: execution.label,
    status,
    ...(execution.reason && (status === 'cancelled' || status === 'interrupted') ? { reason: execution.reason } : {}),
    passed: status === 'passed',
    startedAt: execution.startedAt,
    endedAt: execution.endedAt,
    keydrillVersion: execution.keydrillVersion,
    reachedAt: Math.max(execution.reachedAt, stored?.lastRecordAt ?? 0),
    scenario: { name: record.scenario.name, title: record.scenario.title, seed: record.scenario.seed, duration: record.scenario.duration, hash: record.scenario.hash },
    backend: {
      kind: record.backend.kind,
      endpoint: execution.endpoint,
      capabilities: record.backend.capabilities,
      simulatedOnClient: record.backend.simulated.map((s) => ({ step: s.step, do: s.do, note: s.note })),
      departures: (record.backend.departures ?? []).map((d) => ({ at: d.at, name: d.name, capability: d.capability, note: d.note })),
    },
    verdicts: record.verdicts.map((v) => ({
      kind: typeof v.expectation.expect === 'string' ? v.expectation.expect : 'expectation',
      passed: v.passed,
      summary: v.summary,
      measured: v.measured,
      measuredText: v.measuredText,
      expected: v.expected,
      expectation: v.expectation,
    })),
    failedSteps: failedStepsOf(timeline),
    totals: { kmsCalls: record.totals.kmsCalls, cloudTrailRecords: record.eventCount, keyOwnerCopies: record.totals.keyOwnerCopies, errorsByCode: record.totals.errorsByCode, clientSideCalls: record.totals.clientSideCalls, clientSideByCode: record.totals.clientSideByCode },
    dataAtRisk: record.dataAtRisk,
    ...(record.clusters.length ? { tenants: summariseTenants(record.clusters, Infinity, execution.status === 'completed') } : {}),
    eventSetSha256: execution.eventSetSha256,
    ...(stored ? { stored } : {}),
  };
}

/** How many tenants on a console line the summary names before it counts the rest. */
const TENANTS_NAMED = 5;

/**
 * The fleet in one console line, for a run of more than one tenant: "tenants (clusters): 9 of 120 not serving
 * at some moment, 1,305 minutes in all; … · worst: acme-001-prod 155 min, …". Undefined for one
 * tenant (its verdicts say it) or a run that never summed its tenants up.
 */
export function describeTenants(s: Pick<DrillSummary, 'tenants' | 'status' | 'reachedAt'>): string | undefined {
  const t = s.tenants;
  if (!t || !isFleet(t)) return undefined;
  // A run stopped before its end never checked its data at risk, and its "end" is where it stopped.
  if (s.status === 'cancelled' || t.withDataAtRisk === null) {
    const until = `up to ${formatDuration(Math.floor(s.reachedAt / 1000) * 1000)}, where the run was stopped`;
    if (t.affectedCount === 0) return `tenants (clusters): all ${count(t.total)} served ${until}; data at risk is checked only at a drill's end`;
    return tenantsHurt(t, `${count(t.down)} of ${count(t.total)} not serving at some moment ${until}, ${count(Math.round(t.minutesUnavailable))} minutes in all; ${count(t.withNodesDownAtEnd)} with nodes down when it stopped`, 'when it stopped');
  }
  if (t.affectedCount === 0) return `tenants (clusters): all ${count(t.total)} served throughout; none with data at risk or nodes down at the end`;
  return tenantsHurt(t, `${count(t.down)} of ${count(t.total)} not serving at some moment, ${count(Math.round(t.minutesUnavailable))} minutes in all; ${count(t.withDataAtRisk)} with data at risk, ${count(t.withNodesDownAtEnd)} with nodes down at the end`, 'at the end');
}

/** The tenants line of a run that hurt some: `counts`, then the worst named (`end`: when its nodes down were counted). */
function tenantsHurt(t: TenantsSummary, counts: string, end: string): string {
  const named = t.affected.slice(0, TENANTS_NAMED).map((c) => {
    const what = [
      ...(c.minutesUnavailable > 0 ? [`${count(Math.round(c.minutesUnavailable))} min down`] : []),
      ...(c.dataAtRisk > 0 ? [`${count(c.dataAtRisk)} at risk`] : []),
      ...(c.nodesDownAtEnd > 0 ? [`${c.nodesDownAtEnd}/${c.nodes} nodes down ${end}`] : []),
    ];
    return `${c.cluster} ${what.join(', ')}`;
  });
  const more = t.affectedCount - named.length;
  return `tenants (clusters): ${counts} · ${t.affectedCount === 1 ? 'hurt' : 'worst'}: ${named.join('; ')}${more > 0 ? `; and ${count(more)} more` : ''}`;
}

function failedStepsOf(timeline: Iterable<TimelineEntry>): DrillSummary['failedSteps'] {
  const failed: DrillSummary['failedSteps'] = [];
  for (const e of timeline) {
    if (e.kind === 'event' || e.outcome !== 'failed' || e.step === undefined) continue;
    // The simulator writes "<do> failed: <why>"; the summary says which step failed on its own.
    const prefix = `${e.name} failed: `;
    failed.push({ step: e.step, stepId: e.stepId, do: e.name, at: e.at, detail: e.detail.startsWith(prefix) ? e.detail.slice(prefix.length) : e.detail });
  }
  return failed;
}

/** A failed step as the console and the JUnit report write it: "timeline[2] restore-snapshot at 4h failed: <why>". */
export function describeFailedStep(f: DrillSummary['failedSteps'][number]): string {
  return `timeline[${f.step}]${f.stepId ? ` (${f.stepId})` : ''} ${f.do} at ${formatDuration(f.at)} failed: ${f.detail}`;
}
