import { z } from 'zod';
import { MAX_SCENARIO_CHARACTERS } from './scenario-limits';
import { LOOKUP_ATTRIBUTES, REPORT_FORMATS } from './api-lists';
import { CloudTrailRecord } from './cloudtrail';
import { FrameEntry, HierarchyFrame, RunOverview, RunRecord, RunStatus, TimelineEntry } from './run-record';

/**
 * The shapes that travel over the API contract (api.ts): what the UI asks for and what main answers.
 * Times the UI shows are ISO 8601 strings; nothing here ever carries key material.
 */

/** One KMS key as the UI lists it. Never carries key material. */
export const KeySummary = z.object({
  keyId: z.string(),
  arn: z.string(),
  region: z.string(),
  state: z.enum(['Enabled', 'Disabled', 'PendingDeletion', 'PendingReplicaDeletion']),
  description: z.string(),
  multiRegion: z.boolean(),
  role: z.enum(['single-region', 'primary', 'replica']),
  aliases: z.array(z.string()),
  materialVersions: z.number().int().nonnegative(),
  rotationEnabled: z.boolean(),
  nextRotation: z.string().nullable(),
  deletionDate: z.string().nullable(),
});
export type KeySummary = z.infer<typeof KeySummary>;

/** The embedded KMS the desktop window runs: endpoint, identities and keys. */
export const KmsStatus = z.object({
  backend: z.literal('embedded'),
  endpoint: z.string().nullable(),
  account: z.string(),
  dataDir: z.string().nullable(),
  identities: z.array(z.object({ name: z.string(), arn: z.string() })),
  keys: z.array(KeySummary),
});
export type KmsStatus = z.infer<typeof KmsStatus>;

/** The KMS backends a drill can run against. */
export const BackendKind = z.enum(['embedded', 'localstack', 'aws']);
export type BackendKind = z.infer<typeof BackendKind>;

const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like us-east-1');

/** Where drills run: the embedded KMS, a LocalStack endpoint, or AWS with a profile and regions. */
export const BackendSettings = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }),
  z.object({ kind: z.literal('localstack'), endpoint: z.url({ protocol: /^https?$/, error: 'expected a URL like http://localhost:4566' }) }),
  z.object({ kind: z.literal('aws'), profile: z.string().max(128).optional(), regions: z.array(Region).min(1).max(8) }),
]);
export type BackendSettings = z.infer<typeof BackendSettings>;

/** Everything the Settings page edits, kept in <data folder>/settings.json. */
export const Settings = z.object({ backend: BackendSettings });
export type Settings = z.infer<typeof Settings>;

/** What a backend was found to enforce, from a probe on throwaway keys (see docs/backends.md). */
export const ConnectionReport = z.object({
  ok: z.boolean(),
  backend: BackendKind,
  /** Capability name → enforced; empty when the connection failed. */
  capabilities: z.record(z.string(), z.boolean()),
  notes: z.array(z.string()),
  /** Why the connection failed, when it did. */
  error: z.string().optional(),
  elapsedMs: z.number().nonnegative(),
});
export type ConnectionReport = z.infer<typeof ConnectionReport>;

/** A built-in scenario, with its YAML text for the editor. */
export const ScenarioSummary = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  durationMs: z.number().nonnegative(),
  steps: z.number().int(),
  expectations: z.number().int(),
  text: z.string(),
});
export type ScenarioSummary = z.infer<typeof ScenarioSummary>;

/** One problem in a scenario, at a path (`timeline[3].at`) and a line when known. */
/** `column` is given for a syntax error, where the line alone does not say where the file stops being YAML. */
export const ScenarioProblem = z.object({ path: z.string(), line: z.number().int().nullable(), column: z.number().int().optional(), message: z.string() });
export type ScenarioProblem = z.infer<typeof ScenarioProblem>;

/** Scenario YAML/JSON text, at most 2 MiB. */
export const ScenarioText = z.string().min(1, 'the scenario is empty').max(MAX_SCENARIO_CHARACTERS, `a scenario is at most ${MAX_SCENARIO_CHARACTERS / 1024 / 1024} MiB`);

/** A drill to run: a built-in scenario by name, or scenario text from the editor. */
export const ScenarioRef = z.union([
  z.object({ name: z.string().regex(/^[a-z0-9-]+$/, 'expected a built-in scenario name') }).strict(),
  z.object({ text: ScenarioText }).strict(),
]);
export type ScenarioRef = z.infer<typeof ScenarioRef>;

/**
 * How far a drill's set-up has got before its first event: the keys made (per tenant), then the
 * clusters started (each node unwrapping its master key). A fleet's set-up takes seconds; this is
 * what its progress shows meanwhile.
 */
export const DrillSetup = z.object({ stage: z.enum(['keys', 'clusters']), done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type DrillSetup = z.infer<typeof DrillSetup>;

/** A run as the runs list shows it. */
export const RunSummary = z.object({
  runId: z.string(),
  /** The same for every execution of the same drill (scenario, seed, backend, scenario hash). */
  label: z.string(),
  scenario: z.string(),
  title: z.string(),
  backend: BackendKind,
  seed: z.number().int(),
  /** started: still playing; interrupted: its process died before the end; cancelled: stopped by the user. */
  status: RunStatus,
  reason: z.string().optional(),
  /** Every expectation met (false until the run completes). */
  passed: z.boolean(),
  verdictsPassed: z.number().int(),
  verdicts: z.number().int(),
  kmsCalls: z.number().int(),
  /** Items of data at risk at the end (databases, snapshots, canaries). */
  dataAtRisk: z.number().int(),
  /** The drill's virtual start. */
  startTime: z.string(),
  /** Wall-clock start and end of the execution, newest first in lists. */
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  pid: z.number().int(),
  host: z.string(),
});
export type RunSummary = z.infer<typeof RunSummary>;

/** A page of a run's timeline. */
export const TimelinePage = z.object({ entries: z.array(TimelineEntry), total: z.number().int().nonnegative() });
export type TimelinePage = z.infer<typeof TimelinePage>;

/** Hierarchy history from a keyframe: replay `entries` to get the hierarchy at each moment from there. */
export const FramesPage = z.object({
  entries: z.array(FrameEntry),
  /** Entries in the run's whole history, and the moment of the last one. */
  total: z.number().int().nonnegative(),
  lastAt: z.number().nonnegative(),
});
export type FramesPage = z.infer<typeof FramesPage>;

/** The moments of a run's hierarchy history from `offset`: `at[i]` is when entry offset+i happened; `keyframes` lists the keyframes' entry numbers among them. */
export const MomentsPage = z.object({
  at: z.array(z.number().nonnegative()),
  keyframes: z.array(z.number().int().nonnegative()),
  total: z.number().int().nonnegative(),
});
export type MomentsPage = z.infer<typeof MomentsPage>;

export { FrameEntry, HierarchyFrame, RunOverview, RunRecord, TimelineEntry };

export { LOOKUP_ATTRIBUTES, REPORT_FORMATS };
/** CloudTrail's LookupEvents attributes, as AWS spells them. */
export const LookupAttribute = z.enum(LOOKUP_ATTRIBUTES);
export type LookupAttribute = z.infer<typeof LookupAttribute>;

const IsoTime = z.iso.datetime({ offset: true });

/** A CloudTrail-console lookup: at most one attribute, a time range, errors only, one run. */
export const AuditQuery = z.object({
  attribute: z.object({ key: LookupAttribute, value: z.string().min(1).max(2048) }).optional(),
  startTime: IsoTime.optional(),
  endTime: IsoTime.optional(),
  errorsOnly: z.boolean().optional(),
  runId: z.string().max(200).optional(),
  region: Region.optional(),
  maxResults: z.number().int().min(1).max(2000).optional(),
  /** Newest first (CloudTrail's order, the default) or oldest first. */
  order: z.enum(['newest', 'oldest']).optional(),
  /** From the previous page of the same query. */
  nextToken: z.string().max(4096).optional(),
}).strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

/** One row of the audit table; the full record comes from `audit:event`. */
export const AuditRow = z.object({
  eventId: z.string(),
  eventTime: z.string(),
  eventName: z.string(),
  region: z.string(),
  username: z.string(),
  resource: z.string(),
  errorCode: z.string().nullable(),
  /** The call's encryption context (tenant, cluster, node…), shown in the table and used to find a node's calls. */
  encryptionContext: z.record(z.string(), z.string()).nullable(),
  readOnly: z.boolean().nullable(),
  runId: z.string().nullable(),
  /** Whose trail the record is in (recipientAccountId): the store holds every account's records side by side. */
  account: z.string().nullable(),
  /** The key owner's record of a call made from another account: the same call as the caller's record with its sharedEventID, not a second call. */
  keyOwnerCopy: z.boolean(),
});
export type AuditRow = z.infer<typeof AuditRow>;

export const AuditPage = z.object({ events: z.array(AuditRow), nextToken: z.string().optional() });
export type AuditPage = z.infer<typeof AuditPage>;

export const AggregateDimension = z.enum(['eventName', 'region', 'errorCode']);
export type AggregateDimension = z.infer<typeof AggregateDimension>;

/** Calls per bucket by operation, region or error code, of the calls that match the lookup filters given. */
export const AggregateQuery = z.object({
  by: AggregateDimension,
  startTime: IsoTime,
  endTime: IsoTime,
  bucketMinutes: z.number().int().min(1).max(43_200).optional(),
  runId: z.string().max(200).optional(),
  attribute: AuditQuery.shape.attribute,
  errorsOnly: z.boolean().optional(),
  region: Region.optional(),
  /** Calls only, as a run's totals count them: without the records of what AWS did on its own (eventType AwsServiceEvent, e.g. a scheduled key rotation or deletion) and the key owner's copies of cross-account calls. */
  callsOnly: z.boolean().optional(),
}).strict();
export type AggregateQuery = z.infer<typeof AggregateQuery>;

export const AggregateResult = z.object({ rows: z.array(z.object({ time: z.string(), key: z.string(), calls: z.number().int() })) });
export type AggregateResult = z.infer<typeof AggregateResult>;

/** The whole stored CloudTrail record of one event. */
export const AuditEvent = z.object({ record: CloudTrailRecord, runId: z.string().nullable() });
export type AuditEvent = z.infer<typeof AuditEvent>;

/**
 * Report formats; `cloudtrail` writes gzipped log files in the S3 AWSLogs/ layout; `bundle` writes a
 * sealed audit bundle folder (every report, the CloudTrail logs, manifest.json and SHA256SUMS).
 */
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

export const ExportedReport = z.object({
  format: ReportFormat,
  /** The file written (a folder for cloudtrail and bundle). */
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  files: z.number().int().positive(),
  /** For a bundle: the SHA-256 of its SHA256SUMS (quote it in the sign-off), and what it lacks and why. */
  sealSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  notes: z.array(z.string()).optional(),
});
export type ExportedReport = z.infer<typeof ExportedReport>;

/** What `reports:export` answers: the export, or that the user closed the save dialog. */
export const ExportOutcome = z.union([ExportedReport.extend({ cancelled: z.literal(false) }), z.object({ cancelled: z.literal(true) })]);
export type ExportOutcome = z.infer<typeof ExportOutcome>;

/** Base64 characters of one uploaded log file: at most 48 MiB of text, 36 MiB of bytes. */
const MAX_IMPORT_BASE64 = 48 * 1024 * 1024;

/**
 * One CloudTrail log file handed over by the UI (a file picker or a drop): its name and its bytes
 * in base64, `.json` or `.json.gz` with a `Records` array. The same path serves the desktop window
 * and the browser, which has no file paths to give.
 */
export const ImportFile = z.object({
  name: z.string().min(1).max(300).regex(/^[^/\\\0]+$/, 'expected a file name without folders'),
  data: z.base64('expected the file bytes in base64').max(MAX_IMPORT_BASE64, 'a log file may be at most 36 MiB'),
}).strict();
export type ImportFile = z.infer<typeof ImportFile>;

/** Where LookupEvents imports from: the configured backend's CloudTrail (AWS, or the embedded KMS's own). */
export const LookupImportQuery = z.object({
  region: Region,
  startTime: IsoTime.optional(),
  endTime: IsoTime.optional(),
  /** Stop after this many pages of 50 (LookupEvents allows 2 requests per second). */
  maxPages: z.number().int().min(1).max(10_000).optional(),
}).strict();
export type LookupImportQuery = z.infer<typeof LookupImportQuery>;

/** A running import: how far it is. `total` is null while unknown (LookupEvents pages). */
export const ImportProgress = z.object({
  jobId: z.string(),
  source: z.enum(['files', 'lookup-events']),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative().nullable(),
  stored: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  /** The file being read, or "page N". */
  current: z.string(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

/** An import ended: what was stored; `failed` lists files refused whole (with the record at fault). */
export const ImportFinished = z.discriminatedUnion('ok', [
  z.object({
    jobId: z.string(), ok: z.literal(true), source: z.enum(['files', 'lookup-events']),
    stored: z.number().int().nonnegative(), duplicates: z.number().int().nonnegative(),
    /** Present when some were found: records an older KeyDrill exported for calls that never reached KMS, kept as client-side observations, not as CloudTrail. */
    observations: z.number().int().positive().optional(),
    /** Files only: the eventTimes of the earliest and latest records read (stored or already there), so the Audit page can open at them. */
    span: z.object({ first: z.string(), last: z.string() }).optional(),
    failed: z.array(z.object({ file: z.string(), error: z.string() })),
  }),
  z.object({ jobId: z.string(), ok: z.literal(false), source: z.enum(['files', 'lookup-events']), error: z.string(), stored: z.number().int().nonnegative() }),
]);
export type ImportFinished = z.infer<typeof ImportFinished>;

/** What a native menu asks the window to do (the desktop shell only; the browser has no menu bar). */
export const MenuCommand = z.discriminatedUnion('command', [
  z.object({ command: z.literal('navigate'), page: z.enum(['drills', 'explorer', 'audit', 'reports', 'settings']) }),
  /** File › Open Scenario…: the file's text goes into the Drills editor. */
  z.object({ command: z.literal('open-scenario'), name: z.string(), text: z.string() }),
  /** File › Export Report…: the Reports page for the selected run. */
  z.object({ command: z.literal('export-report') }),
  /** File › Import CloudTrail Logs…: an import started from a native dialog; its events follow. */
  z.object({ command: z.literal('import-started'), jobId: z.string(), files: z.number().int().nonnegative() }),
  z.object({ command: z.literal('toggle-theme') }),
]);
export type MenuCommand = z.infer<typeof MenuCommand>;
