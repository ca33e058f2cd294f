import type { ClusterSummary, Evidence, RegionSummary, RunRecord } from '../../src-shared/run-record';
import { judge, outageWindows, type EndState } from './drill-judge';
import type { DrillWorld } from './drill-world';
import { hierarchyNodes } from './hierarchy-frames';
import { accountWorkload, canarySweep, isCanaryOf, notUnwrapped } from './node-behaviour';
import { backendBlock, executionOf, headAtStart, type RunContext } from './run-head';
import { availabilitySeries, bucketFor, countSeries, fleetSeries, PER_CLUSTER_SERIES_LIMIT } from './run-series';
import { citedEvidence, evidenceOf, type TrailEntry, type TrailMark } from './run-trail';
import { counted } from '../../src-shared/count';

/**
 * The end of a drill: a last canary sweep, then the checks that need real cryptography — can every
 * canary still be read (restarting nodes that are down, as an operator would), can every snapshot
 * be restored — then the verdicts, `beforeRecord` (the clean-up of keys made in LocalStack or AWS,
 * whose calls belong to the run), and the run record's head. A cancelled run stops where it was:
 * what it measured until then, no verdicts.
 */
export async function finishRun(world: DrillWorld, run: RunContext, beforeRecord: () => Promise<void>): Promise<RunRecord> {
  if (world.cancelled) {
    await beforeRecord();
    return buildRecord(world, run, undefined, [], await world.trail.sha256());
  }
  for (const cluster of world.clusters.values()) for (const n of cluster.nodes.values()) await accountWorkload(world, cluster, n);
  for (const cluster of world.clusters.values()) await canarySweep(world, cluster);
  world.frames.capture(world, 'the end of the drill', 'all');
  const end = await verifyEnd(world);
  const verdicts = await judge(world, end);
  await beforeRecord();
  return buildRecord(world, run, end, verdicts, await world.trail.sha256());
}

async function verifyEnd(world: DrillWorld): Promise<EndState> {
  const lostCanaries = new Map<string, string[]>();
  const canaryEvidence = new Map<string, Evidence>();
  const snapshotRestorable: EndState['snapshotRestorable'] = new Map();
  for (const cluster of world.clusters.values()) {
    const lost: string[] = [];
    const readMark = world.trail.mark;
    for (const n of cluster.nodes.values()) {
      let readable = n.node.status === 'running';
      if (!readable) {
        // A node down at the end tries to start to read its canary records back: a refusal is a failed call the timeline cites.
        const mark = world.trail.mark;
        readable = await n.node.start().then(() => true, (err: unknown) => {
          world.note({ kind: 'event', name: 'node-start-failed', detail: `${cluster.id}/${n.id} could not start at the end of the drill to read its canary records back: ${notUnwrapped(err, n.node.region)}`, outcome: 'failed', cluster: cluster.id, node: n.id, principal: world.principals.service }, mark);
          return false;
        });
      }
      for (const records of n.canaries.values()) {
        for (const r of records) {
          const ok = readable && (await n.node.decryptRecord(r.recordId, r.sealed).then((p) => isCanaryOf(r.recordId, p), () => false));
          if (!ok) lost.push(r.recordId);
        }
      }
    }
    lostCanaries.set(cluster.id, lost);
    if (lost.length) canaryEvidence.set(cluster.id, canaryLossEvidence(world, cluster.id, readMark));
    for (const snap of cluster.snapshots) {
      const mark = world.trail.mark;
      const evidence = () => evidenceOf(world.trail.entries.slice(mark.records), world.trail.observations.slice(mark.observations));
      try {
        await cluster.envelope.restoreSnapshot(snap.id, snap.records);
        snapshotRestorable.set(snap.id, { ok: true, evidence: evidence() });
      } catch (err) {
        // Lost for good when no action can bring it back (its CMK is gone); otherwise unreadable for now.
        snapshotRestorable.set(snap.id, { ok: false, lost: (err as { lost?: unknown }).lost === true, reason: (err as Error).message, evidence: evidence() });
      }
    }
  }
  const end: EndState = { lostCanaries, canaryEvidence, snapshotRestorable, dataAtRisk: [] };
  end.dataAtRisk = risks(world, end);
  return end;
}

/** `eventSetSha256`: the digest of the run's records (RunTrail.sha256), taken once the last of them is made. */
function buildRecord(world: DrillWorld, run: RunContext, end: EndState | undefined, verdicts: RunRecord['verdicts'], eventSetSha256: string): RunRecord {
  const { scenario, trail } = world;
  const reached = Math.min(world.t, scenario.duration);
  const duration = Math.max(1, reached);
  const bucket = bucketFor(scenario.duration);
  // Call counts and series are of calls; the run's CloudTrail records also hold what KMS did on its own.
  const records = trail.calls;
  const observations = trail.observations;
  const kmsCallsByRegion: Record<string, number> = {};
  const errorsByCode: Record<string, number> = {};
  const clientSideByCode: Record<string, number> = {};
  for (const e of records) {
    kmsCallsByRegion[e.region] = (kmsCallsByRegion[e.region] ?? 0) + 1;
    if (e.error) errorsByCode[e.error] = (errorsByCode[e.error] ?? 0) + 1;
  }
  for (const o of observations) clientSideByCode[o.error ?? 'Error'] = (clientSideByCode[o.error ?? 'Error'] ?? 0) + 1;
  let hits = 0;
  let misses = 0;
  for (const c of world.clusters.values()) for (const n of c.nodes.values()) {
    const s = n.node.cacheStats();
    hits += s.hits;
    misses += s.misses;
  }
  // Bulk operations are counted in slices, so the cache's own hit counter undercounts them: a hit is any bulk operation that needed no KMS call.
  const bulkHits = Math.max(0, world.bulkOperations - misses);
  const dataAtRisk = end?.dataAtRisk ?? [];
  const uptime = new Map([...world.clusters.values()].map((c) => [c.id, c.uptime]));
  const head = headAtStart(run, world);
  return {
    ...head,
    execution: executionOf(run, world.cancelled ? 'cancelled' : 'completed', reached, { eventSetSha256, ...(world.cancelled ? { reason: world.cancelled.reason } : {}) }),
    backend: backendBlock(run, world),
    hierarchy: {
      nodes: hierarchyNodes(world),
      snapshots: [...world.clusters.values()].flatMap((c) => c.snapshots.map((s) => {
        const state = c.envelope.snapshotView(s.id);
        const r = end?.snapshotRestorable.get(s.id);
        return {
          id: s.id, cluster: c.id, database: s.database, takenAt: s.takenAt, cmkArn: state?.cmkArn ?? '', ...(state?.keyMaterialId ? { cmkMaterialId: state.keyMaterialId } : {}),
          restorable: r?.ok ?? false, ...(r && !r.ok && r.reason ? { reason: r.reason } : {}), ...(r ? { evidence: r.evidence } : {}),
        };
      })),
    },
    history: { frames: world.frames.frames, keyframes: world.frames.keyframes, timeline: world.timelineCount },
    verdicts,
    // Every expectation met, and the drill ran to its end (data at risk is reported beside it, in the headline).
    passed: !world.cancelled && verdicts.every((v) => v.passed),
    series: {
      bucket,
      availability: uptime.size <= PER_CLUSTER_SERIES_LIMIT ? availabilitySeries(uptime, duration, bucket) : [],
      fleetAvailability: fleetSeries(uptime.values(), duration, bucket),
      kmsCallsByRegion: countSeries(records, duration, bucket, (e) => e.region),
      kmsCallsByOperation: countSeries(records, duration, bucket, (e) => e.name),
      errorsByCode: countSeries(records, duration, bucket, (e) => e.error),
      clientSideByCode: countSeries(observations, duration, bucket, (e) => e.error ?? 'Error'),
    },
    clusters: clusterSummaries(world, reached, dataAtRisk),
    regions: regionSummaries(world, reached),
    totals: {
      kmsCalls: records.length,
      kmsCallsByRegion,
      errorsByCode,
      clientSideCalls: observations.length,
      clientSideByCode,
      bulkOperations: world.bulkOperations,
      cacheHits: bulkHits + hits,
      cacheMisses: misses,
      cacheHitRatio: bulkHits + hits + misses === 0 ? 1 : (bulkHits + hits) / (bulkHits + hits + misses),
      canaries: { written: world.canaryWritten, read: world.canaryRead, lost: end ? [...end.lostCanaries.values()].reduce((s, l) => s + l.length, 0) : 0 },
      masterKeyRotations: world.masterKeyRotations,
      cmkRotations: world.cmkRotations,
      kmsCostPerMonthUsd: Math.round(((records.length * (30 * 86_400_000)) / duration / 10_000) * 0.03 * 100) / 100,
      keyOwnerCopies: trail.keyOwnerCopies,
      recordsByAccount: { ...trail.recordsByAccount },
    },
    dataAtRisk,
    eventCount: trail.entries.length,
    observationCount: observations.length,
  };
}

/**
 * Why a cluster's canary records could not be read back: the failed calls of the end-of-drill reads
 * (a node refused its master key, or could not start); when those reads made no call (a node down
 * with nothing left to try), the cluster's last failed calls of the drill.
 */
function canaryLossEvidence(world: DrillWorld, cluster: string, since: TrailMark): Evidence {
  const ofCluster = (x: TrailEntry) => x.cluster === cluster;
  // A mark counts entries (what KMS did on its own and key owners' copies too), so read the entries since it, not the calls.
  const failed = world.trail.entries.slice(since.records).filter((x) => x.error !== undefined && !x.byKms && !x.forKeyOwner && ofCluster(x));
  const unreached = world.trail.observations.slice(since.observations).filter(ofCluster);
  if (failed.length || unreached.length) return citedEvidence(failed, 5, unreached);
  return evidenceOf(lastMatching(world.trail.calls, 3, (x) => x.error !== undefined && ofCluster(x)));
}

/** The last `n` entries that match, in trail order, read from the end. */
function lastMatching(entries: readonly TrailEntry[], n: number, match: (e: TrailEntry) => boolean): TrailEntry[] {
  const out: TrailEntry[] = [];
  for (let i = entries.length - 1; i >= 0 && out.length < n; i--) if (match(entries[i] as TrailEntry)) out.unshift(entries[i] as TrailEntry);
  return out;
}

function risks(world: DrillWorld, end: EndState): RunRecord['dataAtRisk'] {
  const out: RunRecord['dataAtRisk'] = [];
  for (const c of world.clusters.values()) {
    for (const n of c.nodes.values()) {
      if (n.node.status !== 'running') out.push({ what: `${c.id}/${n.id} databases ${c.databases.join(', ')}`, cluster: c.id, reason: n.node.lastFailure?.reason ?? (n.crashed ? 'the node is down' : 'the node is not running') });
    }
    for (const s of c.snapshots) {
      const r = end.snapshotRestorable.get(s.id);
      if (r && !r.ok) out.push({ what: `snapshot ${s.id}`, cluster: c.id, reason: r.reason ?? 'cannot be restored' });
    }
    const lost = end.lostCanaries.get(c.id) ?? [];
    if (lost.length) out.push({ what: counted(lost.length, 'canary record'), cluster: c.id, reason: 'unreadable at the end of the drill' });
  }
  return out;
}

function clusterSummaries(world: DrillWorld, reached: number, dataAtRisk: RunRecord['dataAtRisk']): ClusterSummary[] {
  const calls = new Map<string, { all: number; failed: number }>();
  for (const e of world.trail.calls) {
    if (!e.cluster) continue;
    const c = calls.get(e.cluster) ?? { all: 0, failed: 0 };
    c.all++;
    if (e.error) c.failed++;
    calls.set(e.cluster, c);
  }
  const risks = new Map<string, number>();
  for (const r of dataAtRisk) risks.set(r.cluster, (risks.get(r.cluster) ?? 0) + 1);
  return [...world.clusters.values()].map((c) => {
    const down = c.uptime.downIntervals(reached);
    const downMs = down.reduce((s, [a, b]) => s + (b - a), 0);
    return {
      cluster: c.id,
      tenant: c.tenant,
      availabilityPercent: reached > 0 ? Math.round((100 - (100 * downMs) / reached) * 1000) / 1000 : 100,
      minutesUnavailable: Math.round((downMs / 60_000) * 100) / 100,
      downIntervals: down,
      nodes: c.nodes.size,
      nodesDownAtEnd: [...c.nodes.values()].filter((n) => n.node.status !== 'running' || n.crashed).length,
      dataAtRisk: risks.get(c.id) ?? 0,
      kmsCalls: calls.get(c.id)?.all ?? 0,
      failedKmsCalls: calls.get(c.id)?.failed ?? 0,
    };
  });
}

function regionSummaries(world: DrillWorld, reached: number): RegionSummary[] {
  const down = [...world.clusters.values()].filter((c) => c.uptime.downIntervals(reached).length > 0).map((c) => c.id);
  return world.scenario.topology.regions.map((region) => {
    const records = world.trail.calls.filter((e) => e.region === region);
    const concerned = clustersConcerned(world, region, records);
    const outage = outageWindows(world, region).reduce((s, [a, b]) => s + Math.max(0, Math.min(b, reached) - a), 0);
    return {
      region,
      kmsCalls: records.length,
      failedKmsCalls: records.filter((e) => e.error).length,
      clientSideFailures: world.trail.observations.filter((o) => o.region === region).length,
      outageMinutes: Math.round((outage / 60_000) * 100) / 100,
      clustersDown: down.filter((id) => concerned.has(id)).length,
    };
  });
}

/**
 * The clusters a region can have taken down: those with a node in it, and those whose calls to KMS
 * in it failed or never reached it. Not every cluster whose key merely has a replica there: the
 * replica region that took a fleet's failed-over calls did not take the fleet down.
 */
function clustersConcerned(world: DrillWorld, region: string, callsInRegion: readonly TrailEntry[]): Set<string> {
  const ids = new Set<string>();
  for (const c of world.scenario.topology.clusters) if (c.nodes.some((n) => n.region === region)) ids.add(c.id);
  for (const e of callsInRegion) if (e.error !== undefined && e.cluster !== undefined) ids.add(e.cluster);
  for (const o of world.trail.observations) if (o.region === region && o.cluster !== undefined) ids.add(o.cluster);
  return ids;
}
