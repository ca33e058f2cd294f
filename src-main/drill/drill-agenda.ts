import { GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { EventLoopTurns } from '../common/event-loop-turns';
import { keyDeletionDue, nextRotationOnDrillClock, rotationDue } from './backend-departures';
import { endStep, runStep, takeSnapshot } from './drill-steps';
import type { ClusterRuntime, DrillWorld, SimEvent } from './drill-world';
import type { FrameScope } from './hierarchy-frames';
import type { TrailMark } from './run-trail';
import { canarySweep, healthCheck, noteNodesStopped, scheduleWorkload, accountWorkload } from './node-behaviour';
import { counted } from '../../src-shared/count';

/**
 * The drill's agenda: what is scheduled at the start, and how each event is played — steps and their
 * ends, health checks, workload accounting at cache limits, canary sweeps, rotations, snapshots,
 * KMS-side events — with a frame of the hierarchy after each, scoped to what the event could change.
 */
/**
 * The order of events due at the same instant. A fault with a duration d from t covers [t, t + d), as
 * availability windows [from, to) do: at t + d it is over, so its end comes first — before a step due
 * then (an outage that starts as another ends is not lifted by it) and before the node's own events (a
 * snapshot, a cache refresh, a health check at 2h after an outage of 1h from 1h finds KMS reachable).
 * Then the timeline's steps, as written, then what the simulation scheduled, in scheduling order.
 */
export function instantRank(event: SimEvent): number {
  return event.type === 'step-end' ? 0 : event.type === 'step' ? 1 : 2;
}

/** Everything due from the start: the timeline's steps, each cluster's first canary sweep, workload, health checks, rotations, snapshots. */
export function scheduleAgenda(world: DrillWorld): void {
  const { scenario, queue } = world;
  scenario.timeline.forEach((s, index) => queue.schedule(s.at, { type: 'step', index }));
  for (const cluster of world.clusters.values()) {
    world.scheduleCanary(cluster, 0);
    for (const n of cluster.nodes.values()) {
      scheduleWorkload(world, cluster, n);
      world.scheduleHealth(n);
    }
    if (scenario.policy.masterKeyRotation < scenario.duration) queue.schedule(scenario.policy.masterKeyRotation, { type: 'master-key-rotation', cluster: cluster.id });
    const snap = scenario.topology.clusters.find((c) => c.id === cluster.id)?.snapshots;
    if (snap && snap.every < scenario.duration) queue.schedule(snap.every, { type: 'snapshot', cluster: cluster.id });
  }
}

/** Plays the agenda in time order (on the wall clock in live mode) until its end or a cancellation. */
export async function play(world: DrillWorld, onProgress: ((f: number) => void) | undefined, live: { speed: number } | undefined): Promise<void> {
  const { queue, scenario } = world;
  const wallStart = Date.now();
  const turns = new EventLoopTurns();
  if (scenario.policy.cmkRotation.automatic) {
    for (const key of world.keys.values()) await scheduleCmkRotationWatch(world, key.id);
  }
  for (let next = queue.peek(); next && next.at <= scenario.duration && !world.cancelled; next = queue.peek()) {
    // Before the event is taken from the queue: a Stop that arrives in this turn ends the run here.
    await turns.take();
    if (world.cancelled) break;
    queue.pop();
    if (live) await watchUntil(world, wallStart, next.at, live.speed, onProgress);
    if (world.cancelled) {
      if (live) stoppedWatching(world, wallStart, live.speed, next.at);
      break;
    }
    world.clock.set(world.start + next.at);
    // Rotations and deletions due by now happen first, at their own moment (the embedded KMS; CloudTrail's AwsServiceEvents).
    world.backend.embedded?.kms.letTimeAct();
    const entriesBefore = world.timelineCount;
    await handle(world, next.event);
    noteNodesStopped(world, scopeClusters(world, next.event), causeOf(world, next.event));
    world.frames.capture(world, frameCause(world, entriesBefore, next.event), frameScope(world, next.event));
    onProgress?.(next.at / scenario.duration);
  }
  if (world.cancelled) return;
  // Watch mode plays to the end on the wall clock too: the quiet stretch after the last event takes its time.
  if (live) await watchUntil(world, wallStart, scenario.duration, live.speed, onProgress);
  if (world.cancelled) {
    if (live) stoppedWatching(world, wallStart, live.speed, scenario.duration);
    return;
  }
  world.clock.set(world.start + scenario.duration);
  world.backend.embedded?.kms.letTimeAct();
  onProgress?.(1);
}

function scopeClusters(world: DrillWorld, event: SimEvent): Iterable<ClusterRuntime> {
  const scope = frameScope(world, event);
  return scope === 'all' ? world.clusters.values() : scope;
}

/** The event that needed a node's keys, as a timeline entry names it. */
function causeOf(world: DrillWorld, event: SimEvent): string {
  switch (event.type) {
    case 'snapshot': return `the scheduled snapshot of ${event.cluster}`;
    case 'master-key-rotation': return `the scheduled master-key rotation of ${event.cluster}`;
    case 'step': case 'step-end': return `the ${world.scenario.timeline[event.index]?.do ?? 'timeline'} step${event.type === 'step-end' ? '\'s end' : ''}`;
    default: return `the ${event.type}`;
  }
}

/** What an event could have changed: a step or a KMS-side event, everything; else the cluster it concerns. */
function frameScope(world: DrillWorld, event: SimEvent): FrameScope {
  if (!('cluster' in event)) return 'all';
  const cluster = world.clusters.get(event.cluster);
  return cluster ? [cluster] : [];
}

/** What changed the hierarchy at this instant: the timeline entry it made, else the kind of event. */
function frameCause(world: DrillWorld, entriesBefore: number, event: SimEvent): string {
  const entry = world.timelineCount > entriesBefore ? world.lastEntry : undefined;
  if (entry) return entry.detail;
  return 'node' in event ? `${event.type} of ${event.cluster}/${event.node}` : 'cluster' in event ? `${event.type} of ${event.cluster}` : event.type;
}

async function handle(world: DrillWorld, event: SimEvent): Promise<void> {
  const { scenario, queue } = world;
  switch (event.type) {
    case 'step':
      return runStep(world, event.index);
    case 'step-end':
      return endStep(world, event.index);
    case 'health': {
      const cluster = world.clusters.get(event.cluster);
      const n = cluster?.nodes.get(event.node);
      if (cluster && n) await healthCheck(world, cluster, n);
      return;
    }
    case 'workload': {
      const cluster = world.clusters.get(event.cluster);
      const n = cluster?.nodes.get(event.node);
      if (!cluster || !n || n.workloadAt !== world.t) return;
      n.workloadAt = undefined;
      await accountWorkload(world, cluster, n);
      scheduleWorkload(world, cluster, n);
      return;
    }
    case 'canary': {
      const cluster = world.clusters.get(event.cluster);
      if (!cluster || cluster.canaryAt !== world.t) return;
      cluster.canaryAt = undefined;
      await canarySweep(world, cluster);
      // A cluster with no node running has nothing to sweep: its next sweep comes with the next change for it.
      if (![...cluster.nodes.values()].some((n) => n.node.status === 'running' && !n.crashed)) return;
      // Canaries every canaryEvery while things are changing for this cluster; once a day in steady state.
      const busy = world.t - cluster.lastChange < 4 * scenario.policy.healthCheck || !cluster.uptime.up;
      world.scheduleCanary(cluster, busy ? scenario.workload.canaryEvery : Math.max(scenario.workload.canaryEvery, 86_400_000));
      return;
    }
    case 'master-key-rotation': {
      const cluster = world.clusters.get(event.cluster);
      if (!cluster) return;
      const mark = world.trail.mark;
      try {
        const report = await cluster.envelope.rotateMasterKeys();
        world.masterKeyRotations += report.rotated.length;
        cluster.masterKeyRotations += report.rotated.length;
        world.note({ kind: 'event', name: 'master-keys-rotated', detail: `scheduled rolling master-key rotation of ${cluster.id}: ${counted(report.rotated.length, 'node')}, ${counted(report.rotated.reduce((s, r) => s + r.databaseKeysRewrapped, 0), 'database key')} re-wrapped, ${report.skipped.length} skipped`, outcome: report.skipped.length ? 'failed' : 'ok', cluster: cluster.id, principal: world.principals.service }, mark);
      } catch (err) {
        world.note({ kind: 'event', name: 'master-keys-rotated', detail: `scheduled master-key rotation of ${cluster.id} failed: ${(err as Error).message}`, outcome: 'failed', cluster: cluster.id, principal: world.principals.service }, mark);
      }
      queue.schedule(world.t + scenario.policy.masterKeyRotation, { type: 'master-key-rotation', cluster: cluster.id });
      return;
    }
    case 'snapshot': {
      const mark = world.trail.mark;
      try {
        const detail = await takeSnapshot(world, event.cluster);
        world.note({ kind: 'event', name: 'snapshot-taken', detail: `scheduled ${detail}`, outcome: 'ok', cluster: event.cluster, principal: world.principals.service }, mark);
      } catch (err) {
        world.note({ kind: 'event', name: 'snapshot-taken', detail: `scheduled snapshot of ${event.cluster} failed: ${(err as Error).message}`, outcome: 'failed', cluster: event.cluster, principal: world.principals.service }, mark);
      }
      const every = scenario.topology.clusters.find((c) => c.id === event.cluster)?.snapshots?.every;
      if (every) queue.schedule(world.t + every, { type: 'snapshot', cluster: event.cluster });
      return;
    }
    case 'cmk-rotation-due': {
      const mark = world.trail.mark;
      let played = await rotationDue(world, event.key);
      const kmsRotation = played === 'kms' ? world.trail.takeKmsEvent('RotateKey', world.keys.get(event.key)?.keyId ?? '') : undefined;
      // On the embedded KMS a rotation is what KMS wrote: none means it did not rotate (AWS does not rotate a disabled key).
      if (played === 'kms' && !kmsRotation) played = 'not-rotated';
      // The entry cites the rotation once: KMS's own RotateKey record, or the drill's RotateKeyOnDemand
      // call on a wall-clock backend; never the service role's DescribeKey by which each cluster then
      // learns the new material.
      let rotation: { from: TrailMark; until: TrailMark } | undefined = kmsRotation ?? { from: mark, until: world.trail.mark };
      if (played !== 'not-rotated') world.countCmkRotation(event.key);
      for (const c of played === 'not-rotated' ? [] : world.clusters.values()) {
        // A cluster moved to another CMK no longer depends on this key's rotation.
        if (c.key.id !== event.key || c.envelope.cmk.keyId !== c.key.keyId) continue;
        const cmk = await c.envelope.refreshCmk().catch(() => undefined);
        const how = played === 'simulated' ? `on demand by the drill, as ${world.backend.kind} keeps wall-clock time` : 'automatically';
        const cited = rotation ?? { from: world.trail.mark, until: world.trail.mark };
        if (cmk) {
          world.note({ kind: 'event', name: 'cmk-rotated', detail: `${event.key} rotated ${how}: current key material ${cmk.currentKeyMaterialId?.slice(0, 12) ?? 'unknown'}`, outcome: played === 'simulated' ? 'simulated' : 'ok', cluster: c.id, principal: played === 'simulated' ? world.principals.administrator : 'kms.amazonaws.com' }, cited.from, cited.until);
          rotation = undefined;
        }
      }
      world.changed(world.clustersOfKey(event.key));
      await scheduleCmkRotationWatch(world, event.key);
      return;
    }
    case 'key-deletion-due':
      return keyDeletionDue(world, event.key, event.step);
  }
}

/** How often a watched drill reports progress while it waits for its next event. */
const WATCH_TICK_MS = 250;

/**
 * Watch mode: waits until simulated time `at` comes round on the wall clock (`speed` simulated ms
 * per wall ms), reporting progress as wall time passes, so the bar climbs steadily through quiet
 * stretches instead of jumping when the next event comes; a cancelled run stops waiting at once.
 */
async function watchUntil(world: DrillWorld, wallStart: number, at: number, speed: number, onProgress: ((f: number) => void) | undefined): Promise<void> {
  const due = wallStart + at / speed;
  const duration = world.scenario.duration;
  for (let now = Date.now(); now < due && !world.cancelled; now = Date.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(WATCH_TICK_MS, due - now)));
    onProgress?.(Math.min(at, (Date.now() - wallStart) * speed) / duration);
  }
}

/**
 * A watched drill stopped between two events got as far as the wall clock had taken it: nothing
 * happens between events, so the state it had is known up to that moment (short of `next`, which
 * was not played). Its record then measures up to there, as the progress it showed did.
 */
function stoppedWatching(world: DrillWorld, wallStart: number, speed: number, next: number): void {
  const watched = Math.min(next - 1, (Date.now() - wallStart) * speed);
  if (watched > world.t) world.clock.set(world.start + watched);
}

/** Asks KMS when the key rotates next and watches that moment (the embedded KMS's clock is the drill's; a wall-clock backend's is not). */
async function scheduleCmkRotationWatch(world: DrillWorld, keyId: string): Promise<void> {
  const key = world.keys.get(keyId);
  // A deleted key never rotates again: asking KMS would only add a failed GetKeyRotationStatus
  // (NotFoundException) that no entry of the timeline explains.
  if (!key || world.keyConditions.get(keyId)?.state === 'Deleted') return;
  if (!world.backend.capabilities.virtualClock) {
    const due = nextRotationOnDrillClock(world);
    if (due < world.scenario.duration) world.queue.schedule(due, { type: 'cmk-rotation-due', key: keyId });
    return;
  }
  const status = await world.backend.admin.clientFor(key.region).send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })).catch(() => undefined);
  const next = status?.NextRotationDate?.getTime();
  if (next !== undefined && next - world.start < world.scenario.duration) world.queue.schedule(Math.max(world.t + 1, next - world.start + 1), { type: 'cmk-rotation-due', key: keyId });
}
