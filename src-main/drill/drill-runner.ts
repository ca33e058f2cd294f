import { createHash, randomBytes } from 'node:crypto';
import { DeleteAliasCommand, GetKeyRotationStatusCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { Scenario } from '../../src-shared/scenario';
import type { FrameEntry, RunRecord } from '../../src-shared/run-record';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import { ManualClock } from '../common/clock';
import { EnvelopeCluster } from '../envelope/envelope-cluster';
import { RecordCipherPool } from '../envelope/record-cipher-pool';
import { SdkKmsPort } from '../envelope/sdk-kms-port';
import { FaultInjector } from '../kms/fault-injector';
import type { KmsBackend } from '../kms/kms-client-factory';
import { UptimeTrack } from './availability';
import { openDrillBackend, type DrillBackend } from './drill-backend';
import { keyDeletionDue, nextRotationOnDrillClock, rotationDue, unsupportedNote, unsupportedPolicyNote } from './backend-departures';
import { endStep, runStep, takeSnapshot } from './drill-steps';
import { DrillWorld, type ClusterRuntime, type NodeRuntime, type SimEvent } from './drill-world';
import { EventQueue } from './event-queue';
import { FrameRecorder, type FrameScope } from './hierarchy-frames';
import { finishRun } from './finish-run';
import { headAtStart, type RunContext } from './run-head';
import { MemoryRunSink, type RunSink } from './run-sink';
import { accountWorkload, canarySweep, healthCheck, scheduleWorkload } from './node-behaviour';
import { provisionKeys, regionsOf } from './provision';
import { RunTrail } from './run-trail';
import { seededRandom } from '../common/seeded-random';
import { seededIds } from '../common/id-source';

/**
 * Runs a drill: provisions the scenario's keys in the chosen KMS, builds the envelope hierarchy,
 * then plays the agenda on a virtual clock — scenario steps, health checks, cache refreshes,
 * canaries, rotations, snapshots — and judges the expectations. Same scenario and seed on the
 * embedded KMS: the same run record, byte for byte, but for its `execution` part (run id, wall-clock
 * times, endpoint, CloudTrail event ids).
 */
export interface RunDrillOptions {
  backend?: KmsBackend;
  endpoint?: string | undefined;
  profile?: string | undefined;
  seed?: number | undefined;
  /** Where the run's CloudTrail records go besides the run record (the event store's batched ingest). */
  eventSink?: CloudTrailSink | undefined;
  /** Where the run record goes as it is made (the run store); by default kept in memory and dropped. */
  runSink?: RunSink | undefined;
  /** Fraction of simulated time done, for a progress bar. */
  onProgress?: ((fraction: number) => void) | undefined;
  /**
   * Live mode: events happen on the wall clock (divided by `speed`), for drills against LocalStack or
   * AWS where KMS keeps its own time and people watch the drill as it unfolds. Undefined: virtual time.
   */
  live?: { speed: number } | undefined;
  /** Each new entry of the hierarchy history as the drill plays (the Explorer follows a running drill with these). */
  onFrame?: ((entry: FrameEntry) => void) | undefined;
  /** Called once before anything is played: the run's id and virtual start, so a UI can query its events while it runs. */
  onStart?: ((run: { runId: string; startTime: string }) => void) | undefined;
  /**
   * Stops the drill at the next event: the run is kept as cancelled (what it did so far, no verdicts),
   * and keys made in LocalStack or AWS are scheduled for deletion as at any end.
   */
  signal?: AbortSignal | undefined;
}

export class DrillRefusedError extends Error {
  override name = 'DrillRefusedError';
}

/** The fixed virtual start of drills on the embedded KMS, so reports repeat exactly. */
export const DRILL_EPOCH = Date.UTC(2026, 0, 1);

export async function runDrill(scenario: Scenario, options: RunDrillOptions = {}): Promise<RunRecord> {
  const seed = options.seed ?? scenario.seed;
  const kind = options.backend ?? 'embedded';
  const start = kind === 'embedded' ? DRILL_EPOCH : Math.floor(Date.now() / 1000) * 1000;
  const clock = new ManualClock(start);
  const ids = runIdentity(scenario, seed, kind);
  options.onStart?.({ runId: ids.runId, startTime: new Date(start).toISOString() });
  const sink = options.runSink ?? new MemoryRunSink();
  const trail = new RunTrail(() => clock.now(), start, ids.runId, options.eventSink);
  const faults = new FaultInjector(seededRandom(seed));
  const backend = await openDrillBackend({ kind, endpoint: options.endpoint, profile: options.profile, regions: scenario.topology.regions, clock, seed, runId: ids.runId, sink: trail, faults });
  const pool = new RecordCipherPool({ threads: 0 });
  const clusters: EnvelopeCluster[] = [];
  const run: RunContext = { ...ids, scenario, seed, backend, start, startedAt: new Date() };
  let world: DrillWorld | undefined;
  let cleanedUp = false;
  // Keys a drill made in LocalStack or AWS are scheduled for deletion (7 days, the minimum) when it
  // ends, however it ends — before its record is built when it ends normally, so those calls are
  // counted with the rest of the run's CloudTrail records.
  const cleanup = async () => {
    if (cleanedUp || kind === 'embedded') return;
    cleanedUp = true;
    await scheduleCleanup(backend);
  };
  let abort: (() => void) | undefined;
  try {
    sink.started(headAtStart(run, undefined));
    const queue = new EventQueue<SimEvent>();
    const keys = await provisionKeys(scenario, backend);
    const recorder = new FrameRecorder((entry) => {
      sink.frame(entry);
      options.onFrame?.(entry);
    });
    world = new DrillWorld(scenario, clock, start, backend, keys, faults, trail, queue, recorder, (entry) => sink.timelineEntry(entry));
    const w = world;
    abort = () => {
      w.cancelled ??= { reason: abortReason(options.signal) };
    };
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const refused = scenario.timeline.map((s, i) => ({ what: `timeline[${i}] (${s.do})`, note: unsupportedNote(w, s) }));
    refused.push({ what: 'policy.cmkRotation', note: unsupportedPolicyNote(w) });
    const notes = refused.filter((x) => x.note);
    if (notes.length && scenario.onUnsupportedStep === 'refuse') {
      throw new DrillRefusedError(`${backend.kind} cannot enforce ${notes.map((r) => r.what).join(', ')}: ${notes[0]?.note} The scenario says onUnsupportedStep: refuse.`);
    }
    for (const spec of scenario.topology.clusters) clusters.push(await buildCluster(w, spec, pool, seed));
    sink.update(headAtStart(run, w));
    scheduleAgenda(w);
    w.frames.capture(w, 'the nodes started and unwrapped their master keys', 'all');
    await play(w, options.onProgress, options.live);
    const record = await finishRun(w, run, cleanup);
    sink.finished(record);
    return record;
  } catch (err) {
    sink.failed((err as Error).message);
    throw err;
  } finally {
    if (abort) options.signal?.removeEventListener('abort', abort);
    for (const c of clusters) await c.close();
    await pool.close();
    await cleanup();
    await backend.close();
  }
}

/**
 * The run's names: a label shared by every execution of the same drill (scenario, seed, backend,
 * scenario hash), and a run id unique to this execution — the label, the UTC start to the second,
 * and four random hex digits — from which its CloudTrail event ids derive.
 */
export function runIdentity(scenario: Scenario, seed: number, kind: KmsBackend, now = new Date()): { runId: string; label: string; hash: string } {
  const hash = createHash('sha256').update(JSON.stringify(scenario)).digest('hex').slice(0, 16);
  const label = `${scenario.name}-s${seed}${kind === 'embedded' ? '' : `-${kind}`}-${hash.slice(0, 8)}`;
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase();
  return { runId: `${label}-${stamp}-${randomBytes(2).toString('hex')}`, label, hash };
}

function abortReason(signal: AbortSignal | undefined): string {
  const reason: unknown = signal?.reason;
  if (typeof reason === 'string') return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'stopped by the user';
}

/** Aliases go at once (a key pending deletion keeps them, which would block the next run); keys replicas first, as a primary waits for its replicas. */
async function scheduleCleanup(backend: DrillBackend): Promise<void> {
  for (const { region, name } of backend.created.aliases) {
    await backend.admin.clientFor(region).send(new DeleteAliasCommand({ AliasName: name })).catch(() => undefined);
  }
  for (const { keyId, region } of [...backend.created.keys].reverse()) {
    await backend.admin.clientFor(region).send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 })).catch(() => undefined);
  }
}

async function buildCluster(world: DrillWorld, spec: Scenario['topology']['clusters'][number], pool: RecordCipherPool, seed: number): Promise<EnvelopeCluster> {
  const key = world.keys.get(spec.key);
  if (!key) throw new Error(`no key ${spec.key}`);
  const { cache, failover } = world.scenario.policy;
  const envelope = await EnvelopeCluster.create({
    kms: new SdkKmsPort((region) => world.backend.service.clientFor(region)),
    tenant: spec.tenant,
    cluster: spec.id,
    cmk: key.arn,
    region: key.region,
    failover: { mode: failover === 'automatic' ? 'automatic' : 'manual', regions: regionsOf(key) },
    clock: world.clock,
    // Database key ids and snapshot ids from the seed, per cluster: the same drill names them the same.
    ids: seededIds(`envelope:${seed}:${spec.id}`),
    pool,
    cacheLimits: { maxAgeMs: cache.maxAge, maxOperations: cache.maxOperations, ...(cache.maxBytes ? { maxBytes: cache.maxBytes } : {}) },
    // The drill applies the scenario's policy on key loss itself (serve from cache / shut down after N checks).
    shutDownOnRevocation: false,
  });
  const runtime: ClusterRuntime = {
    id: spec.id, tenant: spec.tenant, key, envelope, nodes: new Map(), databases: spec.databases, uptime: new UptimeTrack(0, true), snapshots: [],
    lastChange: 0, canaryAt: undefined, masterKeyRotations: 0, cmkRotations: 0,
  };
  world.clusters.set(spec.id, runtime);
  for (const nodeSpec of spec.nodes) {
    // A node calls KMS in its own region when the key exists there (a replica), else in the key's region.
    const kmsRegion = regionsOf(key).includes(nodeSpec.region) ? nodeSpec.region : key.region;
    const node = await envelope.addNode(nodeSpec.id, { region: kmsRegion });
    for (const db of spec.databases) await node.addDatabase(db);
    const n: NodeRuntime = {
      cluster: spec.id, id: nodeSpec.id, zone: nodeSpec.zone, node, crashed: false, keyLoss: false, failedChecks: 0, servingFailure: false,
      lastAccountedAt: world.t, opsCarry: 0, keyExpiresAt: undefined, changes: 0, checkedChanges: -1, healthScheduled: false, workloadAt: undefined, canaries: new Map(),
      uptime: new UptimeTrack(0, true),
    };
    runtime.nodes.set(nodeSpec.id, n);
  }
  envelope.events.on('failover', ({ node, from, to, automatic }) => {
    world.note({ kind: 'event', name: 'failover', detail: `${spec.id}/${node} ${automatic ? 'failed over automatically' : 'moved'} from ${from} to ${to}`, outcome: 'ok', cluster: spec.id, node, principal: world.principals.service }, world.trail.mark);
  });
  return envelope;
}

function scheduleAgenda(world: DrillWorld): void {
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

async function play(world: DrillWorld, onProgress: ((f: number) => void) | undefined, live: { speed: number } | undefined): Promise<void> {
  const { queue, scenario } = world;
  const wallStart = Date.now();
  if (scenario.policy.cmkRotation.automatic) {
    for (const key of world.keys.values()) await scheduleCmkRotationWatch(world, key.id);
  }
  for (let next = queue.peek(); next && next.at <= scenario.duration && !world.cancelled; next = queue.peek()) {
    queue.pop();
    if (live) await watchUntil(world, wallStart, next.at, live.speed, onProgress);
    if (world.cancelled) break;
    world.clock.set(world.start + next.at);
    const entriesBefore = world.timelineCount;
    await handle(world, next.event);
    world.frames.capture(world, frameCause(world, entriesBefore, next.event), frameScope(world, next.event));
    onProgress?.(next.at / scenario.duration);
  }
  if (world.cancelled) return;
  // Watch mode plays to the end on the wall clock too: the quiet stretch after the last event takes its time.
  if (live) await watchUntil(world, wallStart, scenario.duration, live.speed, onProgress);
  if (world.cancelled) return;
  world.clock.set(world.start + scenario.duration);
  onProgress?.(1);
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
        world.note({ kind: 'event', name: 'master-keys-rotated', detail: `scheduled rolling master-key rotation of ${cluster.id}: ${report.rotated.length} node(s), ${report.rotated.reduce((s, r) => s + r.databaseKeysRewrapped, 0)} database keys re-wrapped, ${report.skipped.length} skipped`, outcome: report.skipped.length ? 'failed' : 'ok', cluster: cluster.id, principal: world.principals.service }, mark);
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
      const played = await rotationDue(world, event.key);
      if (played !== 'not-rotated') world.countCmkRotation(event.key);
      for (const c of played === 'not-rotated' ? [] : world.clusters.values()) {
        // A cluster moved to another CMK no longer depends on this key's rotation.
        if (c.key.id !== event.key || c.envelope.cmk.keyId !== c.key.keyId) continue;
        const cmk = await c.envelope.refreshCmk().catch(() => undefined);
        const how = played === 'simulated' ? `on demand by the drill, as ${world.backend.kind} keeps wall-clock time` : 'automatically';
        if (cmk) world.note({ kind: 'event', name: 'cmk-rotated', detail: `${event.key} rotated ${how}: current key material ${cmk.currentKeyMaterialId?.slice(0, 12) ?? 'unknown'}`, outcome: played === 'simulated' ? 'simulated' : 'ok', cluster: c.id, principal: played === 'simulated' ? world.principals.administrator : 'kms.amazonaws.com' }, mark);
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

/** Asks KMS when the key rotates next and watches that moment (the embedded KMS's clock is the drill's; a wall-clock backend's is not). */
async function scheduleCmkRotationWatch(world: DrillWorld, keyId: string): Promise<void> {
  const key = world.keys.get(keyId);
  if (!key) return;
  if (!world.backend.capabilities.virtualClock) {
    const due = nextRotationOnDrillClock(world);
    if (due < world.scenario.duration) world.queue.schedule(due, { type: 'cmk-rotation-due', key: keyId });
    return;
  }
  const status = await world.backend.admin.clientFor(key.region).send(new GetKeyRotationStatusCommand({ KeyId: key.keyId })).catch(() => undefined);
  const next = status?.NextRotationDate?.getTime();
  if (next !== undefined && next - world.start < world.scenario.duration) world.queue.schedule(Math.max(world.t + 1, next - world.start + 1), { type: 'cmk-rotation-due', key: keyId });
}
