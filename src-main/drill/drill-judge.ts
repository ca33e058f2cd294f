import type { Expectation, TimelineStep } from '../../src-shared/scenario';
import type { Verdict } from '../../src-shared/run-record';
import { formatDuration } from '../../src-shared/duration';
import type { DrillWorld } from './drill-world';
import { pickSnapshot } from './drill-steps';

/**
 * Judges each expectation at the end of the drill against what was observed: uptime intervals, the
 * CloudTrail records of the run, and — for data — real decryption attempts. Every verdict names its
 * evidence: the CloudTrail event IDs that prove it.
 */
export async function judge(world: DrillWorld, endState: EndState): Promise<Verdict[]> {
  const verdicts: Verdict[] = [];
  for (const e of world.scenario.expectations) verdicts.push(await judgeOne(world, e, endState));
  return verdicts;
}

export interface EndState {
  /** Canary records unreadable at the end, by cluster. */
  lostCanaries: Map<string, string[]>;
  snapshotRestorable: Map<string, { ok: boolean; reason?: string; evidence: string[] }>;
}

async function judgeOne(world: DrillWorld, e: Expectation, end: EndState): Promise<Verdict> {
  const expectation = { ...e } as Record<string, unknown>;
  const d = world.scenario.duration;
  switch (e.expect) {
    case 'availability': {
      const cluster = world.clusters.get(e.cluster);
      const to = e.to ?? d;
      const pct = cluster ? cluster.uptime.percentUp(e.from, to) : 0;
      const passed = (e.atLeast === undefined || pct + 1e-9 >= e.atLeast) && (e.atMost === undefined || pct - 1e-9 <= e.atMost);
      const bound = [e.atLeast !== undefined ? `at least ${e.atLeast}%` : '', e.atMost !== undefined ? `at most ${e.atMost}%` : ''].filter(Boolean).join(' and ');
      return { expectation, passed, measured: round(pct), evidence: firstErrors(world, e.from, to, 3), summary: `${e.cluster}${e.database ? `/${e.database}` : ''} was available ${round(pct)}% of ${formatDuration(e.from)}–${formatDuration(to)} (expected ${bound})` };
    }
    case 'unreadable-within':
    case 'readable-within': {
      const step = stepById(world, e.after);
      const at = step?.at ?? 0;
      const wantUp = e.expect === 'readable-within';
      const clusters = [...world.clusters.values()].filter((c) => (e.cluster ? c.id === e.cluster : step && 'key' in step ? c.key.id === step.key : true));
      // Readable again: from the first moment it was down at or after the step (if it never went down, at once).
      const times = clusters.map((c) => {
        if (!wantUp) return c.uptime.firstTime(false, at, at + e.within);
        const down = c.uptime.firstTime(false, at, d);
        return down === undefined ? at : c.uptime.firstTime(true, down, at + e.within);
      });
      const reached = times.every((t) => t !== undefined);
      const delay = reached ? Math.max(0, ...times.map((t) => (t as number) - at)) : null;
      const evidence = wantUp ? firstSuccesses(world, at, 3) : firstErrors(world, at, d, 3);
      const what = wantUp ? 'readable again' : 'unreadable';
      return {
        expectation, passed: reached, measured: delay, evidence,
        summary: reached
          ? `${clusters.map((c) => c.id).join(', ')} ${what} ${formatDuration(delay ?? 0)} after ${e.after} (allowed ${formatDuration(e.within)})`
          : `${clusters.map((c) => c.id).join(', ')} not ${what} within ${formatDuration(e.within)} of ${e.after}`,
      };
    }
    case 'no-canary-lost': {
      const lost = [...end.lostCanaries].filter(([c]) => !e.cluster || c === e.cluster).flatMap(([, ids]) => ids);
      return { expectation, passed: lost.length === 0, measured: lost.length, evidence: [], summary: lost.length === 0 ? `every canary record written (${world.canaryWritten}) could still be read at the end` : `${lost.length} canary record(s) could not be read at the end, e.g. ${lost.slice(0, 3).join(', ')}` };
    }
    case 'kms-calls-at-most': {
      const calls = world.trail.entries.filter((x) => (!e.region || x.record.awsRegion === e.region) && (!e.operation || x.record.eventName === e.operation) && reachedKms(x.record));
      return { expectation, passed: calls.length <= e.count, measured: calls.length, evidence: calls.slice(-3).map((x) => x.record.eventID), summary: `${calls.length} KMS call(s)${e.operation ? ` of ${e.operation}` : ''}${e.region ? ` in ${e.region}` : ''} (at most ${e.count})` };
    }
    case 'no-success-during-outage': {
      const windows = outageWindows(world, e.region);
      const bad = world.trail.entries.filter((x) => x.record.awsRegion === e.region && !x.record.errorCode && windows.some(([a, b]) => x.at >= a && x.at < b));
      return { expectation, passed: bad.length === 0, measured: bad.length, evidence: bad.slice(0, 5).map((x) => x.record.eventID), summary: bad.length === 0 ? `no KMS call succeeded in ${e.region} during its outage (${windows.length} window(s))` : `${bad.length} KMS call(s) succeeded in ${e.region} during its outage` };
    }
    case 'snapshot-restorable': {
      const cluster = world.clusters.get(e.cluster);
      const snap = cluster ? pickSnapshot(cluster.snapshots, e.snapshot) : undefined;
      const result = snap ? end.snapshotRestorable.get(snap.id) : undefined;
      return { expectation, passed: result?.ok ?? false, measured: snap?.id ?? null, evidence: result?.evidence ?? [], summary: !snap ? `${e.cluster} has no ${e.snapshot} snapshot` : result?.ok ? `snapshot ${snap.id} of ${e.cluster} restores` : `snapshot ${snap.id} of ${e.cluster} cannot be restored: ${result?.reason ?? 'unknown'}` };
    }
  }
}

/** Calls that KMS answered (a client-side outage never reached it). */
export function reachedKms(record: Record<string, unknown>): boolean {
  return (record.additionalEventData as { reachedKms?: boolean } | undefined)?.reachedKms !== false;
}

export function outageWindows(world: DrillWorld, region: string): [number, number][] {
  const windows: [number, number][] = [];
  world.scenario.timeline.forEach((s, i) => {
    if (s.do !== 'kms-region-outage' || s.region !== region) return;
    const end = s.duration !== undefined ? s.at + s.duration : world.scenario.duration;
    windows.push([s.at, end]);
    void i;
  });
  return windows;
}

function stepById(world: DrillWorld, id: string): TimelineStep | undefined {
  return world.scenario.timeline.find((s) => s.id === id);
}

function firstErrors(world: DrillWorld, from: number, to: number, n: number): string[] {
  return world.trail.entries.filter((x) => x.at >= from && x.at <= to && x.record.errorCode).slice(0, n).map((x) => x.record.eventID);
}

function firstSuccesses(world: DrillWorld, from: number, n: number): string[] {
  return world.trail.entries.filter((x) => x.at >= from && !x.record.errorCode && (x.record.eventName === 'Decrypt' || x.record.eventName === 'GenerateDataKey')).slice(0, n).map((x) => x.record.eventID);
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}


