import { createHash, randomBytes } from 'node:crypto';
import { DeleteAliasCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import type { Scenario } from '../../src-shared/scenario';
import type { DrillSetup } from '../../src-shared/api-types';
import type { FrameEntry, RunRecord } from '../../src-shared/run-record';
import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import { ManualClock } from '../common/clock';
import { EventLoopTurns } from '../common/event-loop-turns';
import { EnvelopeCluster } from '../envelope/envelope-cluster';
import { RecordCipherPool } from '../envelope/record-cipher-pool';
import { SdkKmsPort } from '../envelope/sdk-kms-port';
import { buildKmsServiceEvent } from '../kms/cloudtrail-service-event';
import { FaultInjector } from '../kms/fault-injector';
import type { KmsBackend, KmsClientFactory } from '../kms/kms-client-factory';
import { UptimeTrack } from './availability';
import { openDrillBackend, type DrillBackend } from './drill-backend';
import { unsupportedNote, unsupportedPolicyNote } from './backend-departures';
import { DrillWorld, type ClusterRuntime, type NodeRuntime, type SimEvent } from './drill-world';
import { EventQueue } from './event-queue';
import { FrameRecorder } from './hierarchy-frames';
import { instantRank, play, scheduleAgenda } from './drill-agenda';
import { finishRun } from './finish-run';
import { headAtStart, type RunContext } from './run-head';
import { MemoryRunSink, type RunSink } from './run-sink';
import { provisionKeys, regionsOf } from './provision';
import { RunTrail } from './run-trail';
import { trailDigestFor } from './trail-digest';
import { estimateDrill } from '../../src-shared/drill-estimate';
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
  /** Before the first event: each tenant's keys made, then each cluster started (a fleet's set-up takes seconds). */
  onSetup?: ((setup: DrillSetup) => void) | undefined;
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
  // The run id names the second the run started, and the record's startedAt is that same moment.
  const startedAt = new Date();
  const ids = runIdentity(scenario, seed, kind, startedAt);
  options.onStart?.({ runId: ids.runId, startTime: new Date(start).toISOString() });
  const sink = options.runSink ?? new MemoryRunSink();
  // A fleet's event-set digest is worked out on a thread of its own (trail-digest.ts).
  const digest = trailDigestFor(estimateDrill(scenario).kmsCalls);
  const trail = new RunTrail(() => clock.now(), start, ids.runId, options.eventSink, digest);
  const faults = new FaultInjector(seededRandom(seed));
  const backend = await openDrillBackend({
    kind, endpoint: options.endpoint, profile: options.profile, regions: scenario.topology.regions, clock, seed, scenarioHash: ids.hash, runId: ids.runId, sink: trail, faults, serviceAccount: scenario.topology.serviceAccount,
    // What the embedded KMS does on its own is a CloudTrail record of the run too, as AWS writes it.
    onKmsEvent: (event) => trail.recordKmsEvent(buildKmsServiceEvent(event), event.at, event.keyId),
  }).catch(async (err: unknown) => {
    await digest.close();
    throw err;
  });
  const pool = new RecordCipherPool({ threads: 0 });
  const clusters: EnvelopeCluster[] = [];
  const run: RunContext = { ...ids, scenario, seed, backend, start, startedAt };
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
    const queue = new EventQueue<SimEvent>(instantRank);
    // A Stop during the set-up ends it before the next tenant or cluster: the run is kept as cancelled at 0 s, with what was made.
    const keys = await provisionKeys(scenario, backend, (done) => options.onSetup?.({ stage: 'keys', done, total: scenario.topology.tenants.length }), () => options.signal?.aborted === true);
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
    // A fleet's clusters take seconds to build: the event loop gets its turns meanwhile (event-loop-turns.ts).
    const turns = new EventLoopTurns();
    for (const spec of scenario.topology.clusters) {
      if (w.cancelled) break;
      clusters.push(await buildCluster(w, spec, pool, seed));
      options.onSetup?.({ stage: 'clusters', done: clusters.length, total: scenario.topology.clusters.length });
      await turns.take();
    }
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
    await digest.close();
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
  const nodePorts = new Map<string, SdkKmsPort>();
  const nodeClients = new Map<string, KmsClientFactory>();
  for (const nodeSpec of spec.nodes) {
    if (nodeSpec.sourceIp === undefined && nodeSpec.vpcEndpoint === undefined) continue;
    const controlsFor = (keyRef: string | undefined) => (keyRef?.includes(key.keyId) ? key.allowFrom : undefined);
    const clients = world.backend.network.nodeClients(`${spec.id}.${nodeSpec.id}`.slice(0, 64), { sourceIp: nodeSpec.sourceIp, sourceVpce: nodeSpec.vpcEndpoint }, controlsFor);
    nodeClients.set(nodeSpec.id, clients);
    nodePorts.set(nodeSpec.id, new SdkKmsPort((region) => clients.clientFor(region)));
  }
  const envelope = await EnvelopeCluster.create({
    // The cluster's own calls (DescribeKey at setup, snapshot restores) come from one of its nodes: its first node's path when nodes declare one.
    kms: nodePorts.values().next().value ?? new SdkKmsPort((region) => world.backend.service.clientFor(region)),
    // A node on a declared network path calls KMS as its own session of the service role (embedded KMS).
    kmsForNode: (node) => nodePorts.get(node),
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
      clients: nodeClients.get(nodeSpec.id),
    };
    runtime.nodes.set(nodeSpec.id, n);
  }
  envelope.events.on('failover', ({ node, from, to, automatic }) => {
    // An automatic failover is the node's own call, just made: cite it (a manual one is cited by its step).
    const mark = automatic ? world.trail.markBeforeFailover(spec.id, node, to) : world.trail.mark;
    world.note({ kind: 'event', name: 'failover', detail: `${spec.id}/${node} ${automatic ? 'failed over automatically' : 'moved'} from ${from} to ${to}`, outcome: 'ok', cluster: spec.id, node, principal: world.principals.service }, mark);
  });
  return envelope;
}
