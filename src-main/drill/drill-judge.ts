import type { Expectation, TimelineStep } from '../../src-shared/scenario';
import type { Evidence, Verdict } from '../../src-shared/run-record';
import { count, counted } from '../../src-shared/count';
import { formatDuration } from '../../src-shared/duration';
import type { DrillWorld } from './drill-world';
import { pickSnapshot } from './drill-steps';
import { citedEvidence, evidenceOf, type TrailEntry } from './run-trail';
import { judgeMore } from './judge-more';
import { judgeFleetAvailability } from './judge-fleet-availability';

/**
 * Judges each expectation at the end of the drill against what was observed: uptime intervals, the
 * CloudTrail records of the run, and — for data — real decryption attempts. Every verdict says what
 * was measured against what was expected, and names its evidence: the numbers of the run's CloudTrail
 * records (and client-side observations) that prove it.
 */
export async function judge(world: DrillWorld, endState: EndState): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const e of world.scenario.expectations) verdicts.push(await judgeOne(world, e, endState));
  return verdicts;
}

export interface EndState {
  /** Canary records unreadable at the end, by cluster. */
  lostCanaries: Map<string, string[]>;
  /** For each cluster with lost canaries, the calls that show why (finish-run.ts). */
  canaryEvidence: Map<string, Evidence>;
  /** Whether each snapshot restored at the end; when not, why, and whether it is lost for good (its CMK gone). */
  snapshotRestorable: Map<string, { ok: boolean; lost?: boolean; reason?: string; evidence: Evidence }>;
  /** What is unreadable at the end (the record's dataAtRisk). */
  dataAtRisk: { what: string; cluster: string; reason: string }[];
}

const NONE: Evidence = { records: [] };

async function judgeOne(world: DrillWorld, e: Expectation, end: EndState): Promise<Verdict> {
  const expectation = { ...e } as Record<string, unknown>;
  const d = world.scenario.duration;
  switch (e.expect) {
    case 'availability': {
      if (e.cluster === undefined) return judgeFleetAvailability(world, e, expectation);
      // Evidence: the cluster's failed calls in the window [from, to), as its down stretches are
      // counted — not the snapshot restores tried at the drill's last instant, which judge no uptime —
      // and, when it was down at all, its calls that never reached KMS (an outage refused them).
      const cluster = world.clusters.get(e.cluster);
      const to = e.to ?? d;
      const pct = cluster ? cluster.uptime.percentUp(e.from, to) : 0;
      const own = new Set([e.cluster]);
      const { meets, expected } = percentBounds(e);
      const passed = meets(pct);
      return { expectation, passed, measured: round(pct), measuredText: `${round(pct)}%`, expected, evidence: evidenceOf(firstErrors(world, e.from, to - 1, 3, own), pct < 100 ? firstObservations(world, e.from, to - 1, 3, own) : []), summary: `${e.cluster}${e.database ? `/${e.database}` : ''} was available ${round(pct)}% of ${formatDuration(e.from)}–${formatDuration(to)} (expected ${expected})` };
    }
    case 'unreadable-within':
    case 'readable-within': {
      const step = stepById(world, e.after);
      const at = step?.at ?? 0;
      const wantUp = e.expect === 'readable-within';
      const clusters = [...world.clusters.values()].filter((c) => (e.cluster ? c.id === e.cluster : step && 'key' in step ? c.key.id === step.key : true));
      // Readable again: from the first moment it was down at or after the step (if it never went down, at once).
      const firstAt = (until: number) => clusters.map((c) => {
        if (!wantUp) return c.uptime.firstTime(false, at, until);
        const down = c.uptime.firstTime(false, at, d);
        return down === undefined ? at : c.uptime.firstTime(true, down, until);
      });
      const times = firstAt(at + e.within);
      const reached = times.every((t) => t !== undefined);
      // What happened, even when it came too late (or never): the auditor sees the measured delay beside the limit.
      const eventually = reached ? times : firstAt(d);
      const delay = eventually.every((t) => t !== undefined) ? Math.max(0, ...eventually.map((t) => (t as number) - at)) : null;
      // The clusters judged, not the run's first calls of any tenant.
      const judged = new Set(clusters.map((c) => c.id));
      const evidence = evidenceOf(wantUp ? firstSuccesses(world, at, 3, judged) : firstErrors(world, at, d, 3, judged), wantUp ? [] : firstObservations(world, at, d, 3, judged));
      const what = wantUp ? 'readable again' : 'unreadable';
      const names = clusters.map((c) => c.id).join(', ');
      const expected = `within ${formatDuration(e.within)} of ${e.after}`;
      const measuredText = delay === null ? `not ${what} by the end of the drill` : formatDuration(delay);
      return {
        expectation, passed: reached, measured: delay, measuredText, expected, evidence,
        summary: reached
          ? `${names} ${what} ${formatDuration(delay ?? 0)} after ${e.after} (allowed ${formatDuration(e.within)})`
          : delay === null
            ? `${names} not ${what} within ${formatDuration(e.within)} of ${e.after}, nor by the end of the drill`
            : `${names} not ${what} within ${formatDuration(e.within)} of ${e.after}: it took ${formatDuration(delay)}`,
      };
    }
    case 'no-canary-lost': {
      const concerned = [...end.lostCanaries].filter(([c, ids]) => ids.length > 0 && (!e.cluster || c === e.cluster));
      const lost = concerned.flatMap(([, ids]) => ids);
      // Evidence of a loss: why the first few clusters concerned could not read their canaries back.
      const why = concerned.slice(0, 3).map(([c]) => end.canaryEvidence.get(c) ?? NONE);
      const evidence: Evidence = { records: why.flatMap((x) => x.records).slice(0, 5), ...(why.some((x) => x.observations?.length) ? { observations: why.flatMap((x) => x.observations ?? []).slice(0, 3) } : {}) };
      return { expectation, passed: lost.length === 0, measured: lost.length, measuredText: `${count(lost.length)} lost`, expected: 'none lost', evidence, summary: lost.length === 0 ? `every canary record written (${count(world.canaryWritten)}) could still be read at the end` : `${counted(lost.length, 'canary record')} could not be read at the end, e.g. ${lost.slice(0, 3).join(', ')}` };
    }
    case 'kms-calls-at-most': {
      const calls = world.trail.calls.filter((x) => (!e.region || x.region === e.region) && (!e.operation || x.name === e.operation));
      return { expectation, passed: calls.length <= e.count, measured: calls.length, measuredText: `${count(calls.length)} calls`, expected: `at most ${count(e.count)}`, evidence: evidenceOf(calls.slice(-3)), summary: `${counted(calls.length, 'KMS call')}${e.operation ? ` of ${e.operation}` : ''}${e.region ? ` in ${e.region}` : ''} (at most ${count(e.count)})` };
    }
    case 'no-success-during-outage': {
      const windows = outageWindows(world, e.region);
      // The outage is between the service and KMS: the service's nodes' calls (they name their cluster in
      // the encryption context) are judged; the customer's key administrator still reaches KMS.
      const inWindow = (x: TrailEntry) => x.cluster !== undefined && x.region === e.region && windows.some(([a, b]) => x.at >= a && x.at < b);
      const bad = world.trail.calls.filter((x) => inWindow(x) && !x.error);
      const refused = world.trail.observations.filter(inWindow);
      return {
        expectation, passed: bad.length === 0, measured: bad.length, measuredText: `${count(bad.length)} succeeded`, expected: 'none succeed', evidence: citedEvidence(bad, 5, bad.length ? [] : refused),
        summary: bad.length === 0 ? `no KMS call of the service's nodes succeeded in ${e.region} during its outage (${counted(windows.length, 'window')}; ${counted(refused.length, 'call')} never reached KMS)` : `${counted(bad.length, 'KMS call')} of the service's nodes succeeded in ${e.region} during its outage`,
      };
    }
    case 'snapshot-restorable': {
      const cluster = world.clusters.get(e.cluster);
      const snap = cluster ? pickSnapshot(cluster.snapshots, e.snapshot) : undefined;
      const result = snap ? end.snapshotRestorable.get(snap.id) : undefined;
      return { expectation, passed: result?.ok ?? false, measured: snap?.id ?? null, measuredText: !snap ? 'no such snapshot' : result?.ok ? 'restorable' : 'not restorable', expected: 'restorable', evidence: result?.evidence ?? NONE, summary: !snap ? `${e.cluster} has no ${e.snapshot} snapshot` : result?.ok ? `snapshot ${snap.id} of ${e.cluster} restores` : `snapshot ${snap.id} of ${e.cluster} cannot be restored: ${result?.reason ?? 'unknown'}` };
    }
    default:
      return judgeMore(world, e, end, expectation);
  }
}

export function outageWindows(world: DrillWorld, region: string): [number, number][] {
  const windows: [number, number][] = [];
  for (const s of world.scenario.timeline) {
    if (s.do !== 'kms-region-outage' || s.region !== region) continue;
    windows.push([s.at, s.duration !== undefined ? s.at + s.duration : world.scenario.duration]);
  }
  return windows;
}

export function stepById(world: DrillWorld, id: string): TimelineStep | undefined {
  return world.scenario.timeline.find((s) => s.id === id);
}

/** Whether a call was made by a node of one of `clusters` (any call, when no clusters are given). */
const madeBy = (clusters: ReadonlySet<string> | undefined, x: TrailEntry): boolean => !clusters || (x.cluster !== undefined && clusters.has(x.cluster));

export function firstErrors(world: DrillWorld, from: number, to: number, n: number, clusters?: ReadonlySet<string>): TrailEntry[] {
  return takeAcross(world.trail.calls, n, (x) => x.at >= from && x.at <= to && x.error !== undefined && madeBy(clusters, x), clusters);
}

export function firstObservations(world: DrillWorld, from: number, to: number, n: number, clusters?: ReadonlySet<string>): TrailEntry[] {
  return takeAcross(world.trail.observations, n, (x) => x.at >= from && x.at <= to && madeBy(clusters, x), clusters);
}

function firstSuccesses(world: DrillWorld, from: number, n: number, clusters?: ReadonlySet<string>): TrailEntry[] {
  return takeAcross(world.trail.calls, n, (x) => x.at >= from && !x.error && (x.name === 'Decrypt' || x.name === 'GenerateDataKey') && madeBy(clusters, x), clusters);
}

/**
 * The first `n` entries that match, shared among the clusters a verdict judges: none has more than
 * its share while another has none. "globex-prod, globex-analytics unreadable" cited three calls of
 * globex-prod, the first to be refused, and nothing of globex-analytics.
 */
export function takeAcross(entries: readonly TrailEntry[], n: number, match: (e: TrailEntry) => boolean, clusters: ReadonlySet<string> | undefined): TrailEntry[] {
  if (!clusters || clusters.size <= 1) return take(entries, n, match);
  const share = Math.ceil(n / Math.min(n, clusters.size));
  const cited = new Map<string | undefined, number>();
  return take(entries, n, (e) => {
    if (!match(e)) return false;
    const already = cited.get(e.cluster) ?? 0;
    if (already >= share) return false;
    cited.set(e.cluster, already + 1);
    return true;
  });
}

/** The first `n` entries that match, without filtering the whole trail. */
export function take(entries: readonly TrailEntry[], n: number, match: (e: TrailEntry) => boolean): TrailEntry[] {
  const out: TrailEntry[] = [];
  for (const e of entries) {
    if (out.length >= n) break;
    if (match(e)) out.push(e);
  }
  return out;
}

/**
 * An availability bound (atLeast and/or atMost, percent): whether a measured percentage meets it —
 * with a hair of tolerance, as 99.9 summed from intervals may come out 99.89999… — and how it reads.
 */
export function percentBounds(e: { atLeast?: number | undefined; atMost?: number | undefined }): { meets: (pct: number) => boolean; expected: string } {
  return {
    meets: (pct) => (e.atLeast === undefined || pct + 1e-9 >= e.atLeast) && (e.atMost === undefined || pct - 1e-9 <= e.atMost),
    expected: [e.atLeast !== undefined ? `at least ${e.atLeast}%` : '', e.atMost !== undefined ? `at most ${e.atMost}%` : ''].filter(Boolean).join(' and '),
  };
}

export function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
