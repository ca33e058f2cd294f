import { z } from 'zod';

/**
 * The record of one drill run: what was drilled, against which backend, what happened when, what
 * was measured and the verdicts with their evidence. It is the JSON report (a stable, documented
 * schema: `format` and `version` change only with a migration note) and the source of the HTML, CSV
 * and PDF reports. Times are milliseconds from the start of the drill unless named `...Time` (ISO).
 * Deterministic: the same scenario and seed give a byte-identical record (no wall-clock times, ids
 * derived from the seed). Never carries key material.
 */
export const RUN_RECORD_FORMAT = 'keydrill-run';
export const RUN_RECORD_VERSION = 1;

const Ms = z.number().nonnegative();

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
   * its own way. Absent when there were none, and in records written before it existed.
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

/** The key hierarchy at the end of the run (frames through the run are in `hierarchy.history`). */
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
  takenAt: Ms,
  cmkArn: z.string(),
  cmkMaterialId: z.string().optional(),
  restorable: z.boolean(),
  /** Why not, when not restorable (e.g. "its CMK was deleted"). */
  reason: z.string().optional(),
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

/** A node in a frame: HierarchyNode plus whether its master key is in the cache and still usable. */
export const FrameNode = HierarchyNode.extend({
  /** cached: unwrapped and serving; expired: running but its last refresh or crypto failed; none: no key in memory. */
  cache: z.enum(['cached', 'expired', 'none']),
});

/** A snapshot in a frame (whether it restores is judged only at the end of the run). */
export type FrameKey = z.infer<typeof FrameKey>;
export type FrameNode = z.infer<typeof FrameNode>;
export const FrameSnapshot = SnapshotInfo.pick({ id: true, cluster: true, takenAt: true, cmkArn: true, cmkMaterialId: true });

/**
 * The key hierarchy at one moment of the run, taken whenever it changed, so the Explorer can follow
 * a running drill and scrub back through a finished one. `cause` is what changed it.
 */
export const HierarchyFrame = z.object({
  at: Ms,
  cause: z.string(),
  keys: z.array(FrameKey),
  nodes: z.array(FrameNode),
  snapshots: z.array(FrameSnapshot),
});
export type HierarchyFrame = z.infer<typeof HierarchyFrame>;

export const TimelineEntry = z.object({
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
  /** CloudTrail event IDs of the KMS calls this entry caused. */
  evidence: z.array(z.string()),
});

export const Verdict = z.object({
  expectation: z.record(z.string(), z.unknown()),
  passed: z.boolean(),
  /** One sentence a reader understands: "prod was available 99.2% of 0s–6h (needed 99.5%)". */
  summary: z.string(),
  measured: z.union([z.number(), z.string(), z.null()]),
  evidence: z.array(z.string()),
});

export const Series = z.object({
  label: z.string(),
  /** [time ms, value] pairs, one per bucket. */
  points: z.array(z.tuple([Ms, z.number()])),
});

export const RunRecord = z.object({
  format: z.literal(RUN_RECORD_FORMAT),
  version: z.literal(RUN_RECORD_VERSION),
  runId: z.string(),
  scenario: z.object({
    name: z.string(),
    title: z.string(),
    description: z.string(),
    source: z.string().optional(),
    seed: z.number().int(),
    duration: Ms,
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
    /** Frames of the hierarchy through the run, oldest first (absent in records written before frames were kept). */
    history: z.array(HierarchyFrame).optional(),
  }),
  timeline: z.array(TimelineEntry),
  verdicts: z.array(Verdict),
  passed: z.boolean(),
  series: z.object({
    bucket: Ms,
    /** Percent of each bucket a cluster was serving, one series per cluster. */
    availability: z.array(Series),
    /** KMS calls per minute, one series per region and one per operation. */
    kmsCallsByRegion: z.array(Series),
    kmsCallsByOperation: z.array(Series),
    /** Failed KMS calls per bucket, one series per error code. */
    errorsByCode: z.array(Series),
  }),
  totals: z.object({
    kmsCalls: z.number().int(),
    kmsCallsByRegion: z.record(z.string(), z.number().int()),
    errorsByCode: z.record(z.string(), z.number().int()),
    bulkOperations: z.number(),
    cacheHits: z.number(),
    cacheMisses: z.number(),
    cacheHitRatio: z.number(),
    canaries: z.object({ written: z.number().int(), read: z.number().int(), lost: z.number().int() }),
    /** Estimated KMS request cost at $0.03 per 10,000 requests, extrapolated to a 30-day month. */
    kmsCostPerMonthUsd: z.number(),
  }),
  /** What is unreadable at the end and why: databases whose node cannot reach its key, snapshots lost. */
  dataAtRisk: z.array(z.object({ what: z.string(), cluster: z.string(), reason: z.string() })),
  eventCount: z.number().int(),
  /** SHA-256 over the run's CloudTrail records (canonical JSON, in order), so an auditor can check the export. */
  eventSetSha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type RunRecord = z.infer<typeof RunRecord>;
export type TimelineEntry = z.infer<typeof TimelineEntry>;
export type Verdict = z.infer<typeof Verdict>;
