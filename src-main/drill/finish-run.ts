import { RUN_RECORD_FORMAT, RUN_RECORD_VERSION, type RunRecord } from '../../src-shared/run-record';
import { drillDefinition } from './drill-definition';
import { judge, reachedKms, type EndState } from './drill-judge';
import type { DrillWorld } from './drill-world';
import { hierarchyNodes } from './hierarchy-frames';
import { accountWorkload, canaryPlaintext, canarySweep } from './node-behaviour';
import { availabilitySeries, bucketFor, rateSeries } from './run-series';

/**
 * The end of a drill: a last canary sweep, then the checks that need real cryptography — can every
 * canary still be read (restarting nodes that are down, as an operator would), can every snapshot
 * be restored — then the verdicts and the run record.
 */
export async function finishRun(world: DrillWorld, runId: string, seed: number): Promise<RunRecord> {
  for (const cluster of world.clusters.values()) for (const n of cluster.nodes.values()) await accountWorkload(world, cluster, n);
  await canarySweep(world);
  world.frames.capture(world, 'the end of the drill');
  const end = await verifyEnd(world);
  const verdicts = await judge(world, end);
  return buildRecord(world, runId, seed, end, verdicts);
}

async function verifyEnd(world: DrillWorld): Promise<EndState> {
  const lostCanaries = new Map<string, string[]>();
  const snapshotRestorable: EndState['snapshotRestorable'] = new Map();
  for (const cluster of world.clusters.values()) {
    const lost: string[] = [];
    for (const n of cluster.nodes.values()) {
      let readable = n.node.status === 'running';
      if (!readable) readable = await n.node.start().then(() => true, () => false);
      for (const records of n.canaries.values()) {
        for (const r of records) {
          const ok = readable && (await n.node.decryptRecord(r.recordId, r.sealed).then((p) => Buffer.compare(Buffer.from(p), canaryPlaintext(r.recordId)) === 0, () => false));
          if (!ok) lost.push(r.recordId);
        }
      }
    }
    lostCanaries.set(cluster.id, lost);
    for (const snap of cluster.snapshots) {
      const mark = world.trail.length;
      try {
        await cluster.envelope.restoreSnapshot(snap.id, snap.records);
        snapshotRestorable.set(snap.id, { ok: true, evidence: world.trail.since(mark).map((e) => e.record.eventID) });
      } catch (err) {
        snapshotRestorable.set(snap.id, { ok: false, reason: (err as Error).message, evidence: world.trail.since(mark).map((e) => e.record.eventID) });
      }
    }
  }
  return { lostCanaries, snapshotRestorable };
}

function buildRecord(world: DrillWorld, runId: string, seed: number, end: EndState, verdicts: RunRecord['verdicts']): RunRecord {
  const { scenario, trail } = world;
  const duration = scenario.duration;
  const bucket = bucketFor(duration);
  const entries = trail.entries;
  const kmsCallsByRegion: Record<string, number> = {};
  const errorsByCode: Record<string, number> = {};
  let kmsCalls = 0;
  for (const { record } of entries) {
    if (reachedKms(record)) {
      kmsCalls++;
      kmsCallsByRegion[record.awsRegion] = (kmsCallsByRegion[record.awsRegion] ?? 0) + 1;
    }
    if (record.errorCode) errorsByCode[record.errorCode] = (errorsByCode[record.errorCode] ?? 0) + 1;
  }
  let hits = 0;
  let misses = 0;
  for (const c of world.clusters.values()) for (const n of c.nodes.values()) {
    const s = n.node.cacheStats();
    hits += s.hits;
    misses += s.misses;
  }
  // Bulk operations are counted in slices, so the cache's own hit counter undercounts them: a hit is any bulk operation that needed no KMS call.
  const bulkHits = Math.max(0, world.bulkOperations - misses);
  const uptime = new Map([...world.clusters.values()].map((c) => [c.id, c.uptime]));
  const dataAtRisk: RunRecord['dataAtRisk'] = [];
  for (const c of world.clusters.values()) {
    for (const n of c.nodes.values()) {
      if (n.node.status !== 'running') dataAtRisk.push({ what: `${c.id}/${n.id} databases ${c.databases.join(', ')}`, cluster: c.id, reason: n.node.lastFailure?.reason ?? (n.crashed ? 'the node is down' : 'the node is not running') });
    }
    for (const s of c.snapshots) {
      const r = end.snapshotRestorable.get(s.id);
      if (r && !r.ok) dataAtRisk.push({ what: `snapshot ${s.id}`, cluster: c.id, reason: r.reason ?? 'cannot be restored' });
    }
    const lost = end.lostCanaries.get(c.id) ?? [];
    if (lost.length) dataAtRisk.push({ what: `${lost.length} canary record(s)`, cluster: c.id, reason: 'unreadable at the end of the drill' });
  }
  return {
    format: RUN_RECORD_FORMAT,
    version: RUN_RECORD_VERSION,
    runId,
    scenario: { name: scenario.name, title: scenario.title, description: scenario.description, ...(scenario.source ? { source: scenario.source } : {}), seed, duration, definition: drillDefinition(scenario) },
    backend: { kind: world.backend.kind, capabilities: capabilityFlags(world), simulated: world.simulated, ...(world.departures.length ? { departures: world.departures } : {}) },
    startTime: new Date(world.start).toISOString(),
    topology: {
      account: world.backend.account,
      regions: scenario.topology.regions,
      keys: [...world.keys.values()].map((k) => ({ id: k.id, tenant: k.tenant, ...(k.service ? { service: k.service } : {}), arn: k.arn, region: k.region, multiRegion: k.multiRegion, replicas: k.replicas, ...(k.alias ? { alias: k.alias } : {}) })),
      clusters: scenario.topology.clusters.map((c) => ({ id: c.id, tenant: c.tenant, key: c.key, nodes: c.nodes, databases: c.databases })),
    },
    hierarchy: {
      nodes: hierarchyNodes(world),
      snapshots: [...world.clusters.values()].flatMap((c) => c.snapshots.map((s) => {
        const state = c.envelope.snapshot(s.id);
        const r = end.snapshotRestorable.get(s.id);
        return { id: s.id, cluster: c.id, takenAt: s.takenAt, cmkArn: state.cmkArn, ...(state.keyMaterialId ? { cmkMaterialId: state.keyMaterialId } : {}), restorable: r?.ok ?? false, ...(r && !r.ok && r.reason ? { reason: r.reason } : {}) };
      })),
      history: world.frames.frames,
    },
    timeline: world.timeline,
    verdicts,
    passed: verdicts.every((v) => v.passed),
    series: {
      bucket,
      availability: availabilitySeries(uptime, duration, bucket),
      kmsCallsByRegion: rateSeries(entries, duration, bucket, (e) => (reachedKms(e.record) ? e.record.awsRegion : undefined)),
      kmsCallsByOperation: rateSeries(entries, duration, bucket, (e) => (reachedKms(e.record) ? e.record.eventName : undefined)),
      errorsByCode: rateSeries(entries, duration, bucket, (e) => e.record.errorCode),
    },
    totals: {
      kmsCalls,
      kmsCallsByRegion,
      errorsByCode,
      bulkOperations: world.bulkOperations,
      cacheHits: bulkHits + hits,
      cacheMisses: misses,
      cacheHitRatio: bulkHits + hits + misses === 0 ? 1 : (bulkHits + hits) / (bulkHits + hits + misses),
      canaries: { written: world.canaryWritten, read: world.canaryRead, lost: [...end.lostCanaries.values()].reduce((s, l) => s + l.length, 0) },
      kmsCostPerMonthUsd: Math.round(((kmsCalls * (30 * 86_400_000)) / duration / 10_000) * 0.03 * 100) / 100,
    },
    dataAtRisk,
    eventCount: entries.length,
    eventSetSha256: trail.sha256(),
  };
}

function capabilityFlags(world: DrillWorld): Record<string, boolean> {
  const { notes: _notes, backend: _backend, ...flags } = world.backend.capabilities;
  return flags;
}


