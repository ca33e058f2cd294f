import { z } from 'zod';
import { API_CHANNEL_NAMES, API_EVENT_NAMES, type ApiChannelName, type ApiEventName } from './api-channels';
import { API_ERROR_CODES } from './api-lists';
import {
  AggregateQuery, AggregateResult, AuditEvent, AuditPage, AuditQuery, ConnectionReport, ExportOutcome, ImportFile, ImportFinished, ImportProgress,
  KmsStatus, LookupImportQuery, MenuCommand, ReportFormat,
  DrillSetup, FrameEntry, FramesPage, MomentsPage, RunOverview, RunRecord, RunSummary, TimelinePage, ScenarioProblem, ScenarioRef, ScenarioSummary, ScenarioText, Settings, BackendSettings, BackendKind,
} from './api-types';
import { ObservationAggregateQuery, ObservationPage, ObservationQuery } from './api-observations';
import { VerifyBundleArgs, VerifyBundleOutcome } from './api-bundle-verification';
import { Seed } from './seed';

export * from './api-types';
export * from './api-observations';
export * from './api-bundle-verification';

/**
 * The whole surface between the UI and the main process: request channels (`domain:verb`) with
 * the zod schemas of their arguments and results, and the events main pushes. Electron IPC, the
 * web bridge and the renderer's client are all derived from these two maps, so the allowlist
 * cannot drift from the types.
 */

type ChannelSpec = { args: z.ZodType; result: z.ZodType };
const none = z.object({}).strict();
const RunId = z.string().regex(/^[a-z0-9-]+$/, 'expected a run id like revocation-and-restore-s11-1a2b3c4d').max(200);

/** Request channels: arguments and result of each. */
export const apiChannels = {
  /** The embedded KMS of the desktop window (keys by region and state). */
  'kms:status': { args: none, result: KmsStatus },
  /** The built-in scenarios with their YAML. */
  'drills:list': { args: none, result: z.object({ scenarios: z.array(ScenarioSummary) }) },
  /** Checks scenario text; every problem names its path and line. */
  'drills:validate': {
    args: z.object({ text: ScenarioText }).strict(),
    result: z.object({
      valid: z.boolean(),
      title: z.string().optional(),
      problems: z.array(ScenarioProblem),
      /** How big the drill will be (a valid scenario): simulator events and KMS calls, and in words. */
      estimate: z.object({ events: z.number().nonnegative(), kmsCalls: z.number().nonnegative(), summary: z.string(), large: z.boolean() }).optional(),
    }),
  },
  /**
   * A drill of the user's fleet from a CSV inventory of its tenants (`keydrill drill fleet`): the
   * scenario's YAML, for the editor. Every problem of the inventory comes back with its line.
   */
  'drills:fleet': {
    args: z.object({
      inventory: z.string().min(1, 'the inventory is empty').max(2 * 1024 * 1024, 'an inventory handed to the app is at most 2 MiB (one short row per tenant); `keydrill drill fleet` takes larger ones'),
      /** The inventory's file name, for the scenario's title and for problems. */
      name: z.string().min(1).max(255),
    }).strict(),
    /** `ignored`: the inventory's columns that are not KeyDrill's, read past. */
    result: z.object({ text: ScenarioText, tenants: z.number().int().positive(), ignored: z.array(z.string()) }),
  },
  /** Starts a drill; progress and the end arrive as `drill:progress` / `drill:finished` with the same jobId. */
  'drills:run': {
    args: z.object({
      scenario: ScenarioRef,
      backend: BackendKind.optional(),
      /** Any seed a scenario file takes: the Drills page and `drill run --seed` refuse the same text (seed-text.ts). */
      seed: Seed.optional(),
      /** Play on the wall clock at this many simulated seconds per second, to watch it unfold; absent: as fast as it goes. */
      speed: z.number().min(1).max(10_000_000).optional(),
    }).strict(),
    result: z.object({ jobId: z.string(), title: z.string(), durationMs: z.number().nonnegative() }),
  },
  /** The drills playing now (a window opened or reloaded while one plays shows its progress and Stop); progress then arrives as `drill:progress`. */
  'drills:running': {
    args: none,
    result: z.object({ jobs: z.array(z.object({ jobId: z.string(), title: z.string(), durationMs: z.number().nonnegative(), fraction: z.number().min(0).max(1), run: z.object({ runId: z.string(), startTime: z.string() }).optional() })) }),
  },
  /** Stops a running drill at its next event; it is kept as cancelled. False when the job is not running. */
  'drills:cancel': { args: z.object({ jobId: z.string().min(1).max(200) }).strict(), result: z.object({ cancelled: z.boolean() }) },
  /** Runs, newest first (interrupted ones marked so). */
  'runs:list': { args: none, result: z.object({ runs: z.array(RunSummary) }) },
  /** One run record's head: everything but its timeline and hierarchy history, which load in pages. */
  'runs:get': { args: z.object({ runId: RunId }).strict(), result: RunRecord },
  /** The head without what grows with the topology (see RunOverview): what the Drills page shows of a run. */
  'runs:overview': { args: z.object({ runId: RunId }).strict(), result: RunOverview },
  /** A page of a run's timeline, optionally one cluster's. */
  'runs:timeline': {
    args: z.object({ runId: RunId, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(5000).optional(), cluster: z.string().min(1).max(200).optional() }).strict(),
    result: TimelinePage,
  },
  /**
   * The hierarchy history from the keyframe at or before `at` (ms of the drill) — or, given `seq`,
   * at or before that entry — up to the next keyframe.
   */
  'runs:frames': {
    args: z.object({ runId: RunId, at: z.number().min(0).optional(), seq: z.number().int().min(0).optional(), after: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(20_000).optional() })
      .strict().refine((a) => a.at !== undefined || a.seq !== undefined || a.after !== undefined, { message: 'give at (ms of the drill), seq (an entry of the history) or after (the last entry you have of a segment)' }),
    result: FramesPage,
  },
  /** When each entry of a run's hierarchy history happened, and which are keyframes: what the Explorer's scrubber steps through. */
  'runs:moments': {
    args: z.object({ runId: RunId, offset: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(200_000).optional() }).strict(),
    result: MomentsPage,
  },
  /**
   * The CloudTrail event ids of a run's records, by number (evidence cites records by number), and
   * the ids of its client-side observations, by number, when asked (evidence cites those by number too).
   */
  'runs:event-ids': {
    args: z.object({ runId: RunId, records: z.array(z.number().int().positive()).max(1000), observations: z.array(z.number().int().positive()).max(1000).optional() }).strict(),
    result: z.object({ eventIds: z.array(z.string()), observationIds: z.array(z.string()).optional() }),
  },
  /** Deletes a finished run and its history (its CloudTrail records stay in the event store). */
  'runs:delete': { args: z.object({ runId: RunId }).strict(), result: z.object({ deleted: z.boolean() }) },
  /** CloudTrail event history, newest first, a page at a time. */
  'audit:lookup': { args: AuditQuery, result: AuditPage },
  /** Calls per time bucket by operation, region or error code. */
  'audit:aggregate': { args: AggregateQuery, result: AggregateResult },
  /** The full CloudTrail record of one event. */
  // With its row's eventTime: the record of that row, should an import have stored another under the same eventID.
  'audit:event': { args: z.object({ eventId: z.string().min(1).max(200), eventTime: z.iso.datetime({ offset: false }).optional() }).strict(), result: AuditEvent },
  /** Client-side observations (calls that never reached KMS: never CloudTrail records), a page at a time. */
  'audit:observations': { args: ObservationQuery, result: ObservationPage },
  /** Client-side observations per time bucket by operation, region, error code or cause. */
  'audit:observation-aggregate': { args: ObservationAggregateQuery, result: AggregateResult },
  /**
   * Writes a run's report in one format and says where: under <data folder>/reports, or — with
   * `saveAs` in the desktop window — where the user picks in a native save dialog (`cancelled` if closed).
   */
  'reports:export': { args: z.object({ runId: RunId, format: ReportFormat, saveAs: z.boolean().optional() }).strict(), result: ExportOutcome },
  /**
   * Checks an audit bundle as `keydrill verify` does (files against SHA256SUMS, files added, the
   * seal, the event set recomputed from its CloudTrail files): the folder at `path` on the machine
   * main runs on, or — `pick` in the desktop window — the one chosen in a folder dialog (`cancelled` if closed).
   */
  'reports:verify': { args: VerifyBundleArgs, result: VerifyBundleOutcome },
  /** Starts importing CloudTrail log files; progress and the end arrive as `import:progress` / `import:finished`. */
  'audit:import-files': { args: z.object({ files: z.array(ImportFile).min(1).max(100) }).strict(), result: z.object({ jobId: z.string() }) },
  /** Starts importing from CloudTrail LookupEvents of the configured backend (AWS, or the embedded KMS). */
  'audit:import-lookup': { args: LookupImportQuery, result: z.object({ jobId: z.string() }) },
  'settings:get': { args: none, result: Settings },
  /** Replaces the settings; the stored settings come back. */
  'settings:set': { args: Settings.strict(), result: Settings },
  /** Connects to a backend (the given one, else the saved one) and probes what it enforces. */
  'settings:test-connection': { args: z.object({ backend: BackendSettings.optional() }).strict(), result: ConnectionReport },
} as const satisfies Record<ApiChannelName, ChannelSpec>;

/** Pushed events: main → UI, never answered. */
export const apiEvents = {
  /**
   * A drill has its run: the id and virtual start it is kept under while it plays (set-up still to
   * come), so a window lists and shows it before its first event rather than the run before it.
   */
  'drill:started': z.object({ jobId: z.string(), title: z.string(), runId: z.string(), startTime: z.string() }),
  /** Progress of a drill: the fraction of simulated time played, and before its first event how far its set-up has got. */
  'drill:progress': z.object({ jobId: z.string(), fraction: z.number().min(0).max(1), setup: DrillSetup.optional() }),
  /** A drill ended: its saved run, or why it could not run. */
  'drill:finished': z.discriminatedUnion('ok', [
    z.object({ jobId: z.string(), ok: z.literal(true), runId: z.string(), passed: z.boolean(), status: z.enum(['completed', 'cancelled']) }),
    z.object({ jobId: z.string(), ok: z.literal(false), error: z.string(), problems: z.array(ScenarioProblem) }),
  ]),
  /** The key hierarchy of a running drill changed: the Explorer follows it live. */
  'drill:frame': z.object({
    jobId: z.string(),
    title: z.string(),
    /** The run's id and virtual start: its CloudTrail events are in the store under this id while it plays. */
    runId: z.string(),
    startTime: z.string(),
    /** A keyframe or a delta of the hierarchy history (replay from a keyframe: src-shared/hierarchy-replay.ts). */
    entry: FrameEntry,
  }),
  'import:progress': ImportProgress,
  'import:finished': ImportFinished,
  /** A native menu item was chosen (desktop window only). */
  'menu:command': MenuCommand,
} as const satisfies Record<ApiEventName, z.ZodType>;

// Compile-time proof that the zod-free name lists have no name the maps lack, and vice versa.
type SameKeys<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : never;
const channelListMatchesMap: SameKeys<ApiChannelName, keyof typeof apiChannels> = true;
const eventListMatchesMap: SameKeys<ApiEventName, keyof typeof apiEvents> = true;
void channelListMatchesMap;
void eventListMatchesMap;

export type ApiChannel = keyof typeof apiChannels;
export type ApiArgs<C extends ApiChannel> = z.input<(typeof apiChannels)[C]['args']>;
export type ApiResult<C extends ApiChannel> = z.output<(typeof apiChannels)[C]['result']>;
export type ApiEvent = keyof typeof apiEvents;
export type ApiEventPayload<E extends ApiEvent> = z.output<(typeof apiEvents)[E]>;

export { API_CHANNEL_NAMES, API_EVENT_NAMES };

/** True for a name of the request-channel map (own keys only: `toString` is not a channel). */
export function isApiChannel(name: unknown): name is ApiChannel {
  return typeof name === 'string' && Object.hasOwn(apiChannels, name);
}

/** True for a name of the pushed-event map. */
export function isApiEvent(name: unknown): name is ApiEvent {
  return typeof name === 'string' && Object.hasOwn(apiEvents, name);
}

/** Errors cross the boundary as a typed code and a message, never as a stack. */
export const ApiError = z.object({
  code: z.enum(API_ERROR_CODES),
  message: z.string(),
});
export type ApiError = z.infer<typeof ApiError>;

/** What every call answers, over IPC and HTTP alike. */
export type ApiOutcome = { ok: true; result: unknown } | { ok: false; error: ApiError };
