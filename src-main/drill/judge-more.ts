import type { Expectation } from '../../src-shared/scenario';
import type { Verdict } from '../../src-shared/run-record';
import { formatDuration } from '../../src-shared/duration';
import { count, counted } from '../../src-shared/count';
import { percentBounds, round, stepById, take, type EndState } from './drill-judge';
import { pickSnapshot } from './drill-steps';
import type { DrillWorld } from './drill-world';
import { citedEvidence, evidenceOf, type TrailEntry } from './run-trail';

/**
 * The expectations about data lost, single nodes, KMS calls in a window and rotations: what a story
 * like "deleting the old key loses these snapshots" or "after the reconfiguration every call goes to
 * us-west-2 and succeeds" needs to be written down and judged.
 */
type MoreKinds = Exclude<Expectation, { expect: 'availability' | 'unreadable-within' | 'readable-within' | 'no-canary-lost' | 'kms-calls-at-most' | 'no-success-during-outage' | 'snapshot-restorable' }>;

const NONE = { records: [] };

export function judgeMore(world: DrillWorld, e: MoreKinds, end: EndState, expectation: Record<string, unknown>): Verdict {
  switch (e.expect) {
    case 'snapshot-not-restorable': {
      const cluster = world.clusters.get(e.cluster);
      const snap = cluster ? pickSnapshot(cluster.snapshots, e.snapshot) : undefined;
      const result = snap ? end.snapshotRestorable.get(snap.id) : undefined;
      const passed = snap !== undefined && result !== undefined && !result.ok;
      return {
        expectation, passed, measured: snap?.id ?? null, measuredText: !snap ? 'no such snapshot' : result?.ok ? 'restorable' : `not restorable${result?.lost ? ' (lost for good)' : ''}`, expected: 'not restorable', evidence: result?.evidence ?? NONE,
        summary: !snap ? `${e.cluster} has no ${e.snapshot} snapshot` : passed ? `snapshot ${snap.id} of ${e.cluster} cannot be restored, as expected: ${result?.reason ?? ''}` : `snapshot ${snap.id} of ${e.cluster} still restores`,
      };
    }
    case 'snapshots-lost': {
      const cluster = world.clusters.get(e.cluster);
      const before = e.takenBefore ? stepById(world, e.takenBefore)?.at : undefined;
      const after = e.takenAfter ? stepById(world, e.takenAfter)?.at : undefined;
      const chosen = (cluster?.snapshots ?? []).filter((s) => (before === undefined || s.takenAt < before) && (after === undefined || s.takenAt >= after));
      const lost = chosen.filter((s) => end.snapshotRestorable.get(s.id)?.lost === true);
      const restorable = chosen.filter((s) => end.snapshotRestorable.get(s.id)?.ok === true);
      const which = [e.takenBefore ? `taken before ${e.takenBefore}` : '', e.takenAfter ? `taken from ${e.takenAfter} on` : ''].filter(Boolean).join(' and ') || 'kept';
      const passed = chosen.length > 0 && (e.lost === 'all' ? lost.length === chosen.length : restorable.length === chosen.length);
      const evidence = evidenceOf([]);
      for (const s of chosen.slice(0, 3)) evidence.records.push(...(end.snapshotRestorable.get(s.id)?.evidence.records ?? []).slice(0, 2));
      return {
        expectation, passed, measured: lost.length, measuredText: `${count(lost.length)} of ${count(chosen.length)} lost for good, ${count(restorable.length)} restorable`, expected: e.lost === 'all' ? 'every one lost for good' : 'every one restorable', evidence,
        summary: chosen.length === 0
          ? `${e.cluster} has no snapshot ${which}`
          : `${count(lost.length)} of the ${counted(chosen.length, 'snapshot')} of ${e.cluster} ${which} are lost for good, ${count(restorable.length)} restore (expected ${e.lost === 'all' ? 'all lost' : 'none lost'})`,
      };
    }
    case 'data-lost': {
      const items = end.dataAtRisk.filter((d) => !e.cluster || d.cluster === e.cluster);
      const passed = items.length >= e.atLeast && (e.atMost === undefined || items.length <= e.atMost);
      const expected = [`at least ${count(e.atLeast)}`, e.atMost !== undefined ? `at most ${count(e.atMost)}` : ''].filter(Boolean).join(' and ');
      return {
        expectation, passed, measured: items.length, measuredText: counted(items.length, 'item'), expected: `${expected} ${(e.atMost ?? e.atLeast) === 1 ? 'item' : 'items'} of data at risk`, evidence: NONE,
        summary: `${counted(items.length, 'item')} of data at risk at the end${e.cluster ? ` in ${e.cluster}` : ''}${items.length ? `, e.g. ${items[0]?.what} (${items[0]?.reason})` : ''} (expected ${expected})`,
      };
    }
    case 'node-availability': {
      const [clusterId, nodeId] = e.node.split('/') as [string, string];
      const n = world.clusters.get(clusterId)?.nodes.get(nodeId);
      const to = e.to ?? world.scenario.duration;
      const pct = n ? n.uptime.percentUp(e.from, to) : 0;
      const { meets, expected } = percentBounds(e);
      const passed = meets(pct);
      const failures = take(world.trail.calls, 3, (x) => x.at >= e.from && x.at <= to && x.error !== undefined && x.cluster === clusterId);
      // Down at all: its own calls that never reached KMS are evidence too.
      const refused = pct < 100 ? take(world.trail.observations, 3, (x) => x.at >= e.from && x.at < to && x.cluster === clusterId && x.node === nodeId) : [];
      return { expectation, passed, measured: round(pct), measuredText: `${round(pct)}%`, expected, evidence: evidenceOf(failures, refused), summary: `${e.node} served ${round(pct)}% of ${formatDuration(e.from)}–${formatDuration(to)} (expected ${expected})` };
    }
    case 'kms-calls': {
      const start = e.after !== undefined ? (stepById(world, e.after)?.at ?? 0) : e.from;
      const stop = e.after !== undefined && e.within !== undefined ? start + e.within : (e.to ?? world.scenario.duration);
      const match = (x: TrailEntry) => x.at >= start && x.at <= stop && (!e.cluster || x.cluster === e.cluster) && (!e.region || x.region === e.region) && (!e.operation || x.name === e.operation) && (!e.errorCode || x.error === e.errorCode);
      const calls = world.trail.calls.filter(match);
      const elsewhere = e.allIn ? calls.filter((x) => x.region !== e.allIn) : [];
      const failed = e.allSucceed ? calls.filter((x) => x.error !== undefined) : [];
      // Calls that never reached KMS are failures too, and were not "in" any region's KMS.
      const unreached = e.allSucceed || e.allIn ? world.trail.observations.filter(match) : [];
      const countOk = (e.atLeast === undefined || calls.length >= e.atLeast) && (e.atMost === undefined || calls.length <= e.atMost);
      const passed = countOk && elsewhere.length === 0 && failed.length === 0 && unreached.length === 0;
      const window = e.after !== undefined ? `after ${e.after}${e.within !== undefined ? ` (within ${formatDuration(e.within)})` : ''}` : `in ${formatDuration(start)}–${formatDuration(stop)}`;
      const what = [e.operation, e.errorCode ? `failing with ${e.errorCode}` : '', e.cluster ? `of ${e.cluster}` : '', e.region ? `in ${e.region}` : ''].filter(Boolean).join(' ');
      const expected = [e.atLeast !== undefined ? `at least ${count(e.atLeast)}` : '', e.atMost !== undefined ? `at most ${count(e.atMost)}` : '', e.allIn ? `all in ${e.allIn}` : '', e.allSucceed ? 'all succeed' : ''].filter(Boolean).join(', ');
      const problems = [
        elsewhere.length ? `${count(elsewhere.length)} went elsewhere (e.g. ${elsewhere[0]?.region})` : '',
        failed.length ? `${count(failed.length)} failed (e.g. ${failed[0]?.error})` : '',
        unreached.length ? `${count(unreached.length)} never reached KMS` : '',
      ].filter(Boolean).join('; ');
      return {
        expectation, passed, measured: calls.length, measuredText: `${counted(calls.length, 'call')}${problems ? `; ${problems}` : ''}`, expected,
        evidence: passed ? citedEvidence(calls, 3, unreached) : citedEvidence([...elsewhere, ...failed], 5, unreached),
        summary: `${counted(calls.length, 'KMS call')}${what ? ` ${what}` : ''} ${window}${problems ? `: ${problems}` : ''} (expected ${expected})`,
      };
    }
    case 'error-code-after': {
      const step = stepById(world, e.after);
      const at = step?.at ?? 0;
      const until = e.within !== undefined ? at + e.within : world.scenario.duration;
      const first = take(world.trail.calls, 1, (x) => x.at >= at && x.at <= until && x.error === e.code && (!e.cluster || x.cluster === e.cluster))[0];
      const firstObserved = first ? undefined : take(world.trail.observations, 1, (x) => x.at >= at && x.at <= until && x.error === e.code && (!e.cluster || x.cluster === e.cluster))[0];
      const hit = first ?? firstObserved;
      return {
        expectation, passed: hit !== undefined, measured: hit ? hit.at - at : null, measuredText: hit ? `first ${formatDuration(hit.at - at)} after ${e.after}${firstObserved ? ' (on the client: the call never reached KMS)' : ''}` : 'never', expected: `${e.code}${e.within !== undefined ? ` within ${formatDuration(e.within)}` : ''} after ${e.after}`,
        evidence: evidenceOf(first ? [first] : [], firstObserved ? [firstObserved] : []),
        summary: hit ? `${e.code} came ${formatDuration(hit.at - at)} after ${e.after}${hit.cluster ? ` (${hit.cluster}, ${hit.name} in ${hit.region})` : ''}` : `no KMS call failed with ${e.code} after ${e.after}${e.within !== undefined ? ` within ${formatDuration(e.within)}` : ''}`,
      };
    }
    case 'rotations': {
      const cluster = e.cluster ? world.clusters.get(e.cluster) : undefined;
      const rotated = e.kind === 'master-key' ? (cluster ? cluster.masterKeyRotations : world.masterKeyRotations) : (cluster ? cluster.cmkRotations : world.cmkRotations);
      const passed = (e.atLeast === undefined || rotated >= e.atLeast) && (e.atMost === undefined || rotated <= e.atMost);
      const expected = [e.atLeast !== undefined ? `at least ${count(e.atLeast)}` : '', e.atMost !== undefined ? `at most ${count(e.atMost)}` : ''].filter(Boolean).join(' and ');
      const what = e.kind === 'master-key' ? 'node master keys rotated' : 'CMK rotations (key material rotated or the key replaced)';
      return { expectation, passed, measured: rotated, measuredText: `${count(rotated)}`, expected, evidence: NONE, summary: `${count(rotated)} ${what}${e.cluster ? ` in ${e.cluster}` : ''} (expected ${expected})` };
    }
  }
}
