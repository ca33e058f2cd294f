import { z } from 'zod';
import { TenantsSummary } from './tenant-ranking';

/**
 * The record of one drill run: what was drilled, against which backend, what happened when, what
 * was measured and the verdicts with their evidence. It is the JSON report (a stable, documented
 * schema: docs/run-record.md; `format` and `version` change only with a migration note) and the
 * source of the HTML, CSV and PDF reports. Times are milliseconds from the start of the drill unless
 * named `...Time`/`...At` (ISO).
 *
 * Two parts:
 *  - `execution`: this execution of the drill — its run id (unique per execution), wall-clock start
 *    and end, status, KeyDrill version, endpoint, and the digest of its CloudTrail records, whose
 *    event ids are unique to the execution;
 *  - everything else is deterministic: the same scenario and seed give the same bytes. That is why
 *    evidence cites CloudTrail records by their number in the run (`#1` is the run's first record)
 *    rather than by event id: `eventIdOf(runId, n)` (src-main/drill/run-trail.ts) gives the id.
 *
 * The frames of the hierarchy and the timeline are not in the record's head: a run keeps them in its
 * run store (a fleet drill makes millions of entries) and the JSON report streams them after the head.
 * Never carries key material.
 */
export const RUN_RECORD_FORMAT = 'keydrill-run';
export const RUN_RECORD_VERSION = 2;

const Ms = z.number().nonnegative();
const Count = z.number().int().nonnegative();

/** started: playing (or killed, until someone notices); interrupted: its process died before the end. */
export const RunStatus = z.enum(['started', 'completed', 'cancelled', 'interrupted']);
export type RunStatus = z.infer<typeof RunStatus>;

/** The CloudTrail records (and client-side observations) a timeline entry or verdict cites, by number in the run. */
export const Evidence = z.object({
  /** Numbers (from 1) of the run's CloudTrail records. */
  records: z.array(z.number().int().positive()),
  /** Numbers (from 1) of the run's client-side observations: calls that never reached KMS. */
  observations: z.array(z.number().int().positive()).optional(),
  /**
   * How many records (and observations) support the verdict, where more do than are cited: those
   * cited are the first of them. Absent when every one is cited.
   */
  supporting: z.object({ records: z.number().int().nonnegative(), observations: z.number().int().nonnegative().optional() }).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/** A contiguous stretch of the run's records: `from` to `from + count - 1`. */
export const CallRange = z.object({ from: z.number().int().positive(), count: Count });
export type CallRange = z.infer<typeof CallRange>;

/** This execution of the drill: everything that differs between two runs of the same scenario and seed. */
export const Execution = z.object({
  /** Unique per execution: `<label>-<UTC start yyyymmddthhmmss>-<4 hex>`. */
  runId: z.string(),
  /** The same for every execution of the same drill: scenario name, seed, backend, scenario hash. */
  label: z.string(),
  status: RunStatus,
  /** Wall-clock start and end of the execution (ISO 8601 UTC). */
  startedAt: z.string(),
  endedAt: z.string().optional(),
  /** Why a run was cancelled or interrupted. */
  reason: z.string().optional(),
  /** The drill-clock offset the run reached (its end unless cancelled or interrupted). */
  reachedAt: Ms,
  keydrillVersion: z.string(),
  nodeVersion: z.string(),
  platform: z.string(),
  /** Where the KMS calls went: the endpoint URL (the embedded KMS's port changes each run), or "AWS" for the AWS default endpoints. */
  endpoint: z.string(),
  /** Principals that made the calls: the customer's key administrator and the SaaS service role. */
  principals: z.object({ administrator: z.string(), service: z.string() }),
  /** SHA-256 over the run's CloudTrail records (canonical JSON lines, in order): recompute it over the export. */
  eventSetSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type Execution = z.infer<typeof Execution>;

export const BackendInfo = z.object({
  kind: z.enum(['embedded', 'localstack', 'aws']),
  /** What the backend was found to enforce (see docs/backends.md). */
  capabilities: z.record(z.string(), z.boolean()),
  /** Steps the backend could not enforce and the simulator played on the client side instead. */
  simulated: z.array(z.object({ step: z.number().int(), do: z.string(), note: z.string() })),
  /**
   * Other moments the run depended on a capability the backend lacks: a KMS-side event due on the
   * drill's clock that a wall-clock backend does not perform (a key deleted at the end of its
   * window, an automatic rotation), which the simulator played itself, or a step the backend did
   * its own way. Absent when there were none.
   */
  departures: z.array(z.object({
    at: Ms,
    name: z.string(),
    capability: z.string(),
    key: z.string().optional(),
    step: z.number().int().optional(),
    note: z.string(),
  })).optional(),
});

export const TopologyKey = z.object({
  id: z.string(),
  tenant: z.string(),
  service: z.string().optional(),
  arn: z.string(),
  region: z.string(),
  multiRegion: z.boolean(),
  replicas: z.array(z.object({ region: z.string(), arn: z.string() })),
  alias: z.string().optional(),
});

export const TopologyCluster = z.object({
  id: z.string(),
  tenant: z.string(),
  key: z.string(),
  nodes: z.array(z.object({ id: z.string(), region: z.string(), zone: z.string() })),
  databases: z.array(z.string()),
});

/** A node of the key hierarchy (its state at the end of the run in `hierarchy.nodes`). */
export const HierarchyNode = z.object({
  cluster: z.string(),
  node: z.string(),
  status: z.string(),
  kmsRegion: z.string(),
  masterKeyVersion: z.number().int(),
  cmkArn: z.string(),
  cmkMaterialId: z.string().optional(),
  databases: z.array(z.object({ name: z.string(), keyVersions: z.number().int() })),
});
export type HierarchyNode = z.infer<typeof HierarchyNode>;

export const SnapshotInfo = z.object({
  id: z.string(),
  cluster: z.string(),
  /** The database it is a snapshot of. */
  database: z.string(),
  takenAt: Ms,
  cmkArn: z.string(),
  cmkMaterialId: z.string().optional(),
  restorable: z.boolean(),
  /** Why not, when not restorable (e.g. "its CMK was deleted"). */
  reason: z.string().optional(),
  /** Numbers of the CloudTrail records of the restore attempt at the end of the run. */
  evidence: Evidence.optional(),
});

/** A CMK (or replica) as a frame of the hierarchy sees it. */
export const FrameKey = z.object({
  arn: z.string(),
  region: z.string(),
  /** The scenario's id for the key (absent for a key made during the run, such as a replacement ARN). */
  name: z.string().optional(),
  /** The key state in KMS as the drill set it (Deleted once its deletion window ended). */
  state: z.enum(['Enabled', 'Disabled', 'PendingDeletion', 'Deleted']),
  /** False while the drill has KMS in this region out of reach. */
  reachable: z.boolean(),
  /** False while the service role's access (key policy or grant) is revoked. */
  serviceAccess: z.boolean(),
});
export type FrameKey = z.infer<typeof FrameKey>;

/** A node in a frame: HierarchyNode plus whether its master key is in the cache and still usable. */
export const FrameNode = HierarchyNode.extend({
  /** cached: unwrapped and serving; expired: running but its last refresh or crypto failed; none: no key in memory. */
  cache: z.enum(['cached', 'expired', 'none']),
});
export type FrameNode = z.infer<typeof FrameNode>;

/** A snapshot in a frame (whether it restores is judged only at the end of the run). */
export const FrameSnapshot = SnapshotInfo.pick({ id: true, cluster: true, database: true, takenAt: true, cmkArn: true, cmkMaterialId: true });
export type FrameSnapshot = z.infer<typeof FrameSnapshot>;

/** The whole key hierarchy at one moment (rebuilt from frame entries by HierarchyReplay). */
export const HierarchyFrame = z.object({
  at: Ms,
  cause: z.string(),
  keys: z.array(FrameKey),
  nodes: z.array(FrameNode),
  snapshots: z.array(FrameSnapshot),
});
export type HierarchyFrame = z.infer<typeof HierarchyFrame>;

/**
 * One entry of a run's hierarchy history, kept whenever something drawn changed. A keyframe holds the
 * whole hierarchy; a delta only the keys, nodes and snapshots that changed since the entry before it
 * (and the snapshots no longer kept). Keyframes come often enough that the history's size follows
 * the number of changes, not changes × topology, and a reader can start at any keyframe.
 */
export const FrameEntry = z.object({
  /** Position in the run's history, from 0. */
  seq: Count,
  at: Ms,
  cause: z.string(),
  keyframe: z.boolean(),
  keys: z.array(FrameKey),
  nodes: z.array(FrameNode),
  snapshots: z.array(FrameSnapshot),
  removedSnapshots: z.array(z.string()).optional(),
});
export type FrameEntry = z.infer<typeof FrameEntry>;

export const TimelineEntry = z.object({
  /** Position in the run's timeline, from 0. */
  seq: Count,
  at: Ms,
  /** fault / action: a scenario step; event: something the simulator observed (node shut down, cache refreshed...). */
  kind: z.enum(['fault', 'action', 'event']),
  name: z.string(),
  detail: z.string(),
  step: z.number().int().optional(),
  stepId: z.string().optional(),
  outcome: z.enum(['ok', 'failed', 'simulated']),
  cluster: z.string().optional(),
  node: z.string().optional(),
  /** Who acted: the principal ARN whose KMS calls (or whose change) this was. */
  principal: z.string().optional(),
  /** The run's CloudTrail records this entry caused (a contiguous stretch), and its client-side observations. */
  calls: CallRange,
  observations: CallRange.optional(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const Verdict = z.object({
  expectation: z.record(z.string(), z.unknown()),
  passed: z.boolean(),
  /** One sentence a reader understands, with what was measured: "prod was available 99.2% of 0s–6h (expected at least 99.5%)". */
  summary: z.string(),
  measured: z.union([z.number(), z.string(), z.null()]),
  /** The measured value as a reader writes it ("15m", "99.2%", "3 calls"); absent when nothing was measured. */
  measuredText: z.string().optional(),
  /** What the expectation asked for, as a reader writes it ("within 1m", "at least 99.5%"). */
  expected: z.string(),
  evidence: Evidence,
});
export type Verdict = z.infer<typeof Verdict>;

export const Series = z.object({
  label: z.string(),
  /** [time ms, value] pairs, one per bucket. */
  points: z.array(z.tuple([Ms, z.number()])),
});

/** A cluster (tenant) over the whole run: the per-tenant table of a fleet report. */
export const ClusterSummary = z.object({
  cluster: z.string(),
  tenant: z.string(),
  availabilityPercent: z.number(),
  /** Minutes of the drill the cluster was not serving. */
  minutesUnavailable: z.number(),
  /** [from, to) stretches (ms) the cluster was not serving. */
  downIntervals: z.array(z.tuple([Ms, Ms])),
  nodes: Count,
  /** Nodes not running at the end. */
  nodesDownAtEnd: Count,
  /** Items of `dataAtRisk` for this cluster. */
  dataAtRisk: Count,
  kmsCalls: Count,
  failedKmsCalls: Count,
});

export const RegionSummary = z.object({
  region: z.string(),
  /** KMS calls that reached KMS in the region (each once, by its caller's record), and those that failed. */
  kmsCalls: Count,
  failedKmsCalls: Count,
  /** Calls to the region that never reached KMS (outages). */
  clientSideFailures: Count,
  /** Minutes the region's KMS was out of reach (regional outage steps). */
  outageMinutes: z.number(),
  /**
   * Clusters not serving at some moment of the run that had a node in this region, or whose calls to
   * KMS in this region failed or never reached it (not those whose key only has a replica here).
   */
  clustersDown: Count,
});

export const RunRecord = z.object({
  format: z.literal(RUN_RECORD_FORMAT),
  version: z.literal(RUN_RECORD_VERSION),
  execution: Execution,
  scenario: z.object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    source: z.string().optional(),
    seed: z.number().int(),
    duration: Ms,
    /** SHA-256 (first 16 hex digits) of the scenario as validated: two runs of the same drill share it. */
    hash: z.string(),
    /** The scenario as validated (normalised JSON), so the report is self-contained. */
    definition: z.record(z.string(), z.unknown()),
  }),
  backend: BackendInfo,
  /** The virtual start of the drill; every `at` is an offset from it. */
  startTime: z.string(),
  topology: z.object({ account: z.string(), regions: z.array(z.string()), keys: z.array(TopologyKey), clusters: z.array(TopologyCluster) }),
  hierarchy: z.object({
    nodes: z.array(HierarchyNode),
    snapshots: z.array(SnapshotInfo),
  }),
  /** How many entries the run's hierarchy history and timeline hold (they are streamed after the head). */
  history: z.object({ frames: Count, keyframes: Count, timeline: Count }),
  verdicts: z.array(Verdict),
  passed: z.boolean(),
  series: z.object({
    bucket: Ms,
    /** Percent of each bucket a cluster was serving: one series per cluster for up to 24 clusters, else none (see `clusters`). */
    availability: z.array(Series),
    /** Percent of the fleet's clusters serving, averaged over each bucket. */
    fleetAvailability: Series,
    /** KMS calls that reached KMS (each once, by its caller's record) per bucket, one series per region and one per operation. */
    kmsCallsByRegion: z.array(Series),
    kmsCallsByOperation: z.array(Series),
    /** Failed KMS calls (CloudTrail records with an errorCode) per bucket, one series per error code. */
    errorsByCode: z.array(Series),
    /** Calls that never reached KMS per bucket, one series per client-side error. */
    clientSideByCode: z.array(Series),
  }),
  clusters: z.array(ClusterSummary),
  regions: z.array(RegionSummary),
  totals: z.object({
    /** CloudTrail records of calls: every call that reached KMS (eventCount less what KMS did on its own and the key owners' copies). */
    kmsCalls: Count,
    kmsCallsByRegion: z.record(z.string(), Count),
    errorsByCode: z.record(z.string(), Count),
    /** Calls that never reached KMS (client-side observations), by the error the client saw. */
    clientSideCalls: Count,
    clientSideByCode: z.record(z.string(), Count),
    bulkOperations: z.number(),
    cacheHits: z.number(),
    cacheMisses: z.number(),
    cacheHitRatio: z.number(),
    canaries: z.object({ written: Count, read: Count, lost: Count }),
    /** Master keys rotated (rolling rotations) and CMK key material rotations, over the run. */
    masterKeyRotations: Count,
    cmkRotations: Count,
    /** Estimated KMS request cost at $0.03 per 10,000 requests, extrapolated to a 30-day month. */
    kmsCostPerMonthUsd: z.number(),
    /**
     * CloudTrail records delivered to a key owner's account for calls made from another account (a
     * vendor's role using its customer's key): the call's second record, not a call (0 in runs made
     * before KeyDrill wrote them).
     */
    keyOwnerCopies: Count.default(0),
    /** The run's CloudTrail records by the account whose trail holds them (recipientAccountId): they add up to eventCount. Empty in runs recorded before. */
    recordsByAccount: z.record(z.string(), Count).default({}),
  }),
  /** What is unreadable at the end and why: databases whose node cannot reach its key, snapshots lost. */
  dataAtRisk: z.array(z.object({ what: z.string(), cluster: z.string(), reason: z.string() })),
  /** CloudTrail records the run made (totals.kmsCalls, their copies for key owners' accounts, the embedded KMS's own RotateKey/DeleteKey) and its client-side observations. */
  eventCount: Count,
  observationCount: Count,
});
export type RunRecord = z.infer<typeof RunRecord>;

/**
 * What the Drills page shows of a run: the head without the parts that grow with the topology — the
 * scenario as written, the topology, the hierarchy at the end and the per-cluster summaries (2.2 MB
 * of a 1,000-tenant head) — which the Explorer and the reports load. `clusterCount` stands for the
 * summaries it leaves out.
 */
export const RUN_OVERVIEW_LEAVES_OUT = { topology: true, hierarchy: true, clusters: true } as const;
/**
 * What the event store holds of a run that never summed itself up (its process died, its drill failed,
 * it is still playing), counted there: its head keeps the zeros it started with.
 */
export const StoredEvidence = z.object({
  records: Count,
  /** Calls that never reached KMS. */
  observations: Count,
  /** Drill time (ms from its start) of its latest CloudTrail record, to the second; absent when it has none. */
  lastRecordAt: z.number().optional(),
});
export type StoredEvidence = z.infer<typeof StoredEvidence>;

export const RunOverview = RunRecord.omit(RUN_OVERVIEW_LEAVES_OUT).extend({
  scenario: RunRecord.shape.scenario.omit({ definition: true }),
  clusterCount: Count,
  /** The run's tenants summed up from its cluster summaries, with the worst of those it hurt (TENANTS_IN_OVERVIEW); absent until it summed them up. */
  tenants: TenantsSummary.optional(),
  /** Only for a run that never summed itself up: what the event store holds of it. */
  stored: StoredEvidence.optional(),
});
export type RunOverview = z.infer<typeof RunOverview>;
/** How many of the tenants a run hurt its overview names, worst first (the report and `drill run --json` list them all). */
export const TENANTS_IN_OVERVIEW = 10;
export type Series = z.infer<typeof Series>;
export type ClusterSummary = z.infer<typeof ClusterSummary>;
export type RegionSummary = z.infer<typeof RegionSummary>;

/** A run as the JSON report holds it whole: the head, then its timeline and hierarchy history. */
export const FullRunRecord = RunRecord.extend({
  timeline: z.array(TimelineEntry),
  frames: z.array(FrameEntry),
  /** Only for a run that never summed itself up, exported with its event store: what the store holds of it (its head's counts are zeros). */
  stored: StoredEvidence.optional(),
});
export type FullRunRecord = z.infer<typeof FullRunRecord>;
