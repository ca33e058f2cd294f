import { createHash } from 'node:crypto';
import { DeleteAliasCommand, GetKeyRotationStatusCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { Scenario } from '../../src-shared/scenario';
import type { HierarchyFrame, RunRecord } from '../../src-shared/run-record';
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
import { FrameRecorder } from './hierarchy-frames';
import { finishRun } from './finish-run';
import { accountWorkload, canarySweep, healthCheck, scheduleWorkload } from './node-behaviour';
import { provisionKeys, regionsOf } from './provision';
import { RunTrail } from './run-trail';
import { seededRandom } from '../common/seeded-random';

/**
 * Runs a drill: provisions the scenario's keys in the chosen KMS, builds the envelope hierarchy,
 * then plays the agenda on a virtual clock — scenario steps, health checks, cache refreshes,
 * canaries, rotations, snapshots — and judges the expectations. Same scenario and seed on the
 * embedded KMS: the same run record, byte for byte.
 */
export interface RunDrillOptions {
  backend?: KmsBackend;
  endpoint?: string | undefined;
  profile?: string | undefined;
  seed?: number | undefined;
  /** Where the run's CloudTrail records go besides the run record (the event store's batched ingest). */
  eventSink?: CloudTrailSink | undefined;
  /** Fraction of simulated time done, for a progress bar. */
  onProgress?: ((fraction: number) => void) | undefined;
  /**
   * Live mode: events happen on the wall clock (divided by `speed`), for drills against LocalStack or
   * AWS where KMS keeps its own time and people watch the drill as it unfolds. Undefined: virtual time.
   */
  live?: { speed: number } | undefined;
  /** Each new frame of the key hierarchy as the drill plays (the Explorer follows a running drill with these). */
  onFrame?: ((frame: HierarchyFrame) => void) | undefined;
  /** Called once before anything is played: the run's id and virtual start, so a UI can query its events while it runs. */
  onStart?: ((run: { runId: string; startTime: string }) => void) | undefined;
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
  const runId = `${scenario.name}-s${seed}${kind === 'embedded' ? '' : `-${kind}`}-${createHash('sha256').update(JSON.stringify(scenario)).update(String(seed)).digest('hex').slice(0, 8)}`;
  options.onStart?.({ runId, startTime: new Date(start).toISOString() });
  const trail = new RunTrail(() => clock.now(), start, options.eventSink);
  const faults = new FaultInjector(seededRandom(seed));
  const backend = await openDrillBackend({ kind, endpoint: options.endpoint, profile: options.profile, regions: scenario.topology.regions, clock, seed, runId, sink: trail, faults });
  const pool = new RecordCipherPool({ threads: 0 });
  const clusters: EnvelopeCluster[] = [];
  try {
    const queue = new EventQueue<SimEvent>();
    const keys = await provisionKeys(scenario, backend);
    const world = new DrillWorld(scenario, clock, start, backend, keys, faults, trail, queue, new FrameRecorder(options.onFrame));
    const refused = scenario.timeline.map((s, i) => ({ what: `timeline[${i}] (${s.do})`, note: unsupportedNote(world, s) }));
    refused.push({ what: 'policy.cmkRotation', note: unsupportedPolicyNote(world) });
    const notes = refused.filter((x) => x.note);
    if (notes.length && scenario.onUnsupportedStep === 'refuse') {
      throw new DrillRefusedError(`${backend.kind} cannot enforce ${notes.map((r) => r.what).join(', ')}: ${notes[0]?.note} The scenario says onUnsupportedStep: refuse.`);
    }
    for (const spec of scenario.topology.clusters) clusters.push(await buildCluster(world, spec, pool));
    scheduleAgenda(world);
    world.frames.capture(world, 'the nodes started and unwrapped their master keys');
    await play(world, options.onProgress, options.live);
    return await finishRun(world, runId, seed);
  } finally {
    for (const c of clusters) await c.close();
    await pool.close();
    // Keys a drill made in LocalStack or AWS are scheduled for deletion (7 days, the minimum) when it ends.
    if (kind !== 'embedded') await scheduleCleanup(backend);
    await backend.close();
  }
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

async function buildCluster(world: DrillWorld, spec: Scenario['topology']['clusters'][number], pool: RecordCipherPool): Promise<EnvelopeCluster> {
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
    pool,
    cacheLimits: { maxAgeMs: cache.maxAge, maxOperations: cache.maxOperations, ...(cache.maxBytes ? { maxBytes: cache.maxBytes } : {}) },
    // The drill applies the scenario's policy on key loss itself (serve from cache / shut down after N checks).
    shutDownOnRevocation: false,
  });
  const runtime: ClusterRuntime = { id: spec.id, tenant: spec.tenant, key, envelope, nodes: new Map(), databases: spec.databases, uptime: new UptimeTrack(0, true), snapshots: [] };
  world.clusters.set(spec.id, runtime);
  for (const nodeSpec of spec.nodes) {
    // A node calls KMS in its own region when the key exists there (a replica), else in the key's region.
    const kmsRegion = regionsOf(key).includes(nodeSpec.region) ? nodeSpec.region : key.region;
    const node = await envelope.addNode(nodeSpec.id, { region: kmsRegion });
    for (const db of spec.databases) await node.addDatabase(db);
    const n: NodeRuntime = {
      cluster: spec.id, id: nodeSpec.id, zone: nodeSpec.zone, node, crashed: false, keyLoss: false, failedChecks: 0, servingFailure: false,
      lastAccountedAt: world.t, loadedAt: world.t, opsSinceLoad: 0, checkedVersion: -1, healthScheduled: false, workloadAt: undefined, canaries: new Map(),
    };
    runtime.nodes.set(nodeSpec.id, n);
  }
  envelope.events.on('cache-miss', ({ node, key: name }) => {
    const n = runtime.nodes.get(node);
    if (n && name.startsWith(`${node}/master/`)) {
      n.loadedAt = world.t;
      n.opsSinceLoad = 0;
    }
  });
  envelope.events.on('failover', ({ node, from, to, automatic }) => {
    world.note({ kind: 'event', name: 'failover', detail: `${spec.id}/${node} ${automatic ? 'failed over automatically' : 'moved'} from ${from} to ${to}`, outcome: 'ok', cluster: spec.id, node }, world.trail.length);
  });
  return envelope;
}

function scheduleAgenda(world: DrillWorld): void {
  const { scenario, queue } = world;
  scenario.timeline.forEach((s, index) => queue.schedule(s.at, { type: 'step', index }));
  queue.schedule(0, { type: 'canary' });
  for (const cluster of world.clusters.values()) {
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
  let lastChange = 0;
  for (let next = queue.peek(); next && next.at <= scenario.duration; next = queue.peek()) {
    queue.pop();
    if (live) await watchUntil(wallStart, next.at, live.speed, scenario.duration, onProgress);
    world.clock.set(world.start + next.at);
    const versionBefore = world.version;
    const entriesBefore = world.timeline.length;
    await handle(world, next.event, lastChange);
    if (world.version !== versionBefore) lastChange = world.t;
    world.frames.capture(world, frameCause(world, entriesBefore, next.event));
    onProgress?.(next.at / scenario.duration);
  }
  // Watch mode plays to the end on the wall clock too: the quiet stretch after the last event takes its time.
  if (live) await watchUntil(wallStart, scenario.duration, live.speed, scenario.duration, onProgress);
  world.clock.set(world.start + scenario.duration);
  onProgress?.(1);
}

/** What changed the hierarchy at this instant: the timeline entry it made, else the kind of event. */
function frameCause(world: DrillWorld, entriesBefore: number, event: SimEvent): string {
  const entry = world.timeline.length > entriesBefore ? world.timeline[world.timeline.length - 1] : undefined;
  if (entry) return entry.detail;
  return 'node' in event ? `${event.type} of ${event.cluster}/${event.node}` : 'cluster' in event ? `${event.type} of ${event.cluster}` : event.type;
}

async function handle(world: DrillWorld, event: SimEvent, lastChange: number): Promise<void> {
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
      await canarySweep(world);
      // Canaries every canaryEvery while things are changing; once a day in steady state.
      const busy = world.t - lastChange < 4 * scenario.policy.healthCheck || [...world.clusters.values()].some((c) => !c.uptime.up);
      queue.schedule(world.t + (busy ? scenario.workload.canaryEvery : Math.max(scenario.workload.canaryEvery, 86_400_000)), { type: 'canary' });
      return;
    }
    case 'master-key-rotation': {
      const cluster = world.clusters.get(event.cluster);
      if (!cluster) return;
      const mark = world.trail.length;
      try {
        const report = await cluster.envelope.rotateMasterKeys();
        world.note({ kind: 'event', name: 'master-keys-rotated', detail: `scheduled rolling master-key rotation of ${cluster.id}: ${report.rotated.length} node(s), ${report.rotated.reduce((s, r) => s + r.databaseKeysRewrapped, 0)} database keys re-wrapped, ${report.skipped.length} skipped`, outcome: report.skipped.length ? 'failed' : 'ok', cluster: cluster.id }, mark);
      } catch (err) {
        world.note({ kind: 'event', name: 'master-keys-rotated', detail: `scheduled master-key rotation of ${cluster.id} failed: ${(err as Error).message}`, outcome: 'failed', cluster: cluster.id }, mark);
      }
      queue.schedule(world.t + scenario.policy.masterKeyRotation, { type: 'master-key-rotation', cluster: cluster.id });
      return;
    }
    case 'snapshot': {
      const mark = world.trail.length;
      try {
        const detail = await takeSnapshot(world, event.cluster);
        world.note({ kind: 'event', name: 'snapshot-taken', detail: `scheduled ${detail}`, outcome: 'ok', cluster: event.cluster }, mark);
      } catch (err) {
        world.note({ kind: 'event', name: 'snapshot-taken', detail: `scheduled snapshot of ${event.cluster} failed: ${(err as Error).message}`, outcome: 'failed', cluster: event.cluster }, mark);
      }
      const every = scenario.topology.clusters.find((c) => c.id === event.cluster)?.snapshots?.every;
      if (every) queue.schedule(world.t + every, { type: 'snapshot', cluster: event.cluster });
      return;
    }
    case 'cmk-rotation-due': {
      const mark = world.trail.length;
      const played = await rotationDue(world, event.key);
      for (const c of played === 'not-rotated' ? [] : world.clusters.values()) {
        // A cluster moved to another CMK no longer depends on this key's rotation.
        if (c.key.id !== event.key || c.envelope.cmk.keyId !== c.key.keyId) continue;
        const cmk = await c.envelope.refreshCmk().catch(() => undefined);
        const how = played === 'simulated' ? `on demand by the drill, as ${world.backend.kind} keeps wall-clock time` : 'automatically';
        if (cmk) world.note({ kind: 'event', name: 'cmk-rotated', detail: `${event.key} rotated ${how}: current key material ${cmk.currentKeyMaterialId?.slice(0, 12) ?? 'unknown'}`, outcome: played === 'simulated' ? 'simulated' : 'ok', cluster: c.id }, mark);
      }
      world.changed();
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
 * stretches instead of jumping when the next event comes.
 */
async function watchUntil(wallStart: number, at: number, speed: number, duration: number, onProgress: ((f: number) => void) | undefined): Promise<void> {
  const due = wallStart + at / speed;
  for (let now = Date.now(); now < due; now = Date.now()) {
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
