import { z } from 'zod';
import { DURATION_HINT, parseDuration } from './duration';
import { describeEstimate, estimateDrill, MAX_ESTIMATED_EVENTS } from './drill-estimate';
import { didYouMean } from './did-you-mean';
import { addressProblem, cidrProblem } from './ip-address';
import { scenarioReferenceIssues } from './scenario-references';
import { Seed } from './seed';

/**
 * A drill scenario: the topology and key hierarchy, the policy nodes follow, the workload, a
 * timeline of faults and operator actions, and the expectations judged at the end. Written in YAML
 * or JSON; validated by this schema (errors name the path and the line); `resources/scenario.schema.json`
 * is generated from it for editors.
 */

/** A duration such as "90m"; parsed to milliseconds. */
export const Duration = z.string({ error: DURATION_HINT }).regex(/^\s*(0|(\d+(\.\d+)?(ms|s|m|h|d|w))+)\s*$/, DURATION_HINT).transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: DURATION_HINT });
    return z.NEVER;
  }
  return ms;
}).meta({ description: 'A duration: a number and a unit (ms, s, m, h, d, w), e.g. "90m", "1h30m", "365d".', examples: ['30s', '5m', '1h30m', '90d'] });

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration within bounds a drill can play: a zero health-check interval or a canary every
 * millisecond for a year would make a drill of billions of events, and a 99999999999h drill is not
 * one anybody means. The message says the bounds, so the author knows what to write instead.
 */
function boundedDuration(min: number, max: number, what: string) {
  return Duration.refine((ms) => ms >= min, { message: `${what} must be at least ${formatBound(min)}` })
    .refine((ms) => ms <= max, { message: `${what} can be at most ${formatBound(max)}` });
}

function formatBound(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY}d`;
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  if (ms % SECOND === 0) return `${ms / SECOND}s`;
  return `${ms}ms`;
}

/** The longest drill: ten years of simulated time. */
export const MAX_DRILL_DURATION = 3650 * DAY;

/** A number as a reader writes it: 0.999 * 100 is 99.89999999999999, not 99.9. */
const plain = (n: number) => Number(n.toPrecision(12));

/**
 * A percentage field (`field` names it in messages): 0–100, written 99.9 or "99.9%". A bare number
 * strictly between 0 and 1 is refused: "atLeast: 0.999" is nearly always a fraction meaning 99.9 %,
 * and read as 0.999 % it would pass whatever happened. The string form is the explicit way to ask
 * for less than 1 % ("0.5%").
 */
export function percent(field: string) {
  const bareNumber = z.number().superRefine((n, ctx) => {
    if (n > 0 && n < 1) ctx.addIssue({ code: 'custom', message: `${field}: ${n} reads as ${n} %; percentages here are 0–100, write ${plain(n * 100)} (or "${n}%" if you do mean ${n} %)` });
  });
  const withSign = z.string().regex(/^\d+(\.\d+)?%$/, 'expected a percentage like "99.9%"').transform((s) => Number(s.slice(0, -1)));
  return z.union([bareNumber, withSign], { error: (issue) => (issue.code === 'invalid_union' ? `${field} is a percentage 0–100, like 99.9 or "99.9%"` : undefined) })
    .pipe(z.number().min(0, 'a percentage is at least 0').max(100, 'a percentage is at most 100'))
    .meta({ description: 'A percentage, 0–100: 99.9 or "99.9%". A number between 0 and 1 is refused as ambiguous (0.999 is not 99.9 %); write "0.5%" to mean half a percent.', examples: [99.9, '99.5%', '0.5%'] });
}

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected an id of lower-case letters, digits and dashes, like "acme-prod"');
const Region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region like "us-east-1"');
/** The id and region rules, for inputs that become scenario ids and regions (a fleet inventory's rows). */
export { Id as ScenarioId, Region as RegionName };

/** A string the pattern lets through that `problem` still finds fault with (an octet of 300, a /33). */
function checkedBy(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.RefinementCtx) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}

export const KeySpec = z.object({
  id: Id.describe('The key\'s name inside the scenario, used by clusters and timeline steps.'),
  region: Region.describe('The region the key (its primary, for a multi-Region key) is created in.'),
  multiRegion: z.boolean().default(false),
  replicas: z.array(Region).default([]).describe('Regions of multi-Region replicas.'),
  /** Per-service keys: the service this key protects (e.g. "database", "search"); omitted for a tenant-wide key. */
  service: z.string().optional(),
  alias: z.string().regex(/^alias\/[a-zA-Z0-9/_-]+$/, 'expected an alias like "alias/acme"')
    .max(256, 'an alias is at most 256 characters, "alias/" included: KMS refuses a longer one')
    .refine((alias) => !alias.startsWith('alias/aws/'), 'the prefix alias/aws/ is reserved for AWS managed keys: KMS refuses to create such an alias')
    .optional(),
  /** How the SaaS service role may use the key: a key policy statement naming it, or a grant. */
  serviceAccess: z.enum(['key-policy', 'grant']).default('key-policy'),
  /**
   * Network controls in the key policy's statement for the service (seeds/000's VPC endpoint
   * control, seeds/001's IP address conditions): its calls are allowed only from these addresses
   * (aws:SourceIp) and/or through these VPC endpoints (aws:SourceVpce).
   */
  allowFrom: z.object({
    sourceIps: z.array(z.string().regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'expected an IP address or CIDR block like "203.0.113.0/28"').superRefine(checkedBy(cidrProblem))).min(1).optional(),
    vpcEndpoints: z.array(z.string().regex(/^vpce-[0-9a-f]{8,17}$/, 'expected a VPC endpoint id like "vpce-0a1b2c3d4e5f60718"')).min(1).optional(),
  }).strict().optional(),
}).strict();

export const Tenant = z.object({ id: Id, keys: z.array(KeySpec).min(1, 'a tenant needs at least one key') }).strict();

const SourceIp = z.string().regex(/^[0-9a-fA-F.:]+$/, 'expected an IP address like "203.0.113.10"').superRefine(checkedBy(addressProblem));
const VpcEndpoint = z.string().regex(/^vpce-[0-9a-f]{8,17}$/, 'expected a VPC endpoint id like "vpce-0a1b2c3d4e5f60718"');

export const NodeSpec = z.object({
  id: Id,
  region: Region,
  zone: z.string().min(1),
  /** The address the node's KMS calls come from (aws:SourceIp in key policies). */
  sourceIp: SourceIp.optional(),
  /** The VPC endpoint the node's KMS calls go through (aws:SourceVpce in key policies). */
  vpcEndpoint: VpcEndpoint.optional(),
}).strict();

export const Cluster = z.object({
  id: Id,
  tenant: Id,
  /** The key that wraps this cluster's master keys (per-service keys: one per service). */
  key: Id,
  nodes: z.array(NodeSpec).min(1, 'a cluster needs at least one node'),
  databases: z.array(Id).min(1, 'a cluster needs at least one database'),
  /** Snapshots taken every `every`, each under the CMK current at that time. */
  snapshots: z.object({ every: boundedDuration(MINUTE, MAX_DRILL_DURATION, 'a snapshot interval'), keep: z.number().int().min(1).max(10_000).default(7) }).strict().optional(),
}).strict();

export const Topology = z.object({
  /**
   * Whose account the SaaS service role lives in. customer: the same account as the keys (a key
   * policy or grant alone lets it in). vendor: the SaaS vendor's own account (the seeds' BYOK model:
   * Konnect's role in its account uses the customer's key), which also needs an IAM policy of its own.
   */
  serviceAccount: z.enum(['customer', 'vendor']).default('customer'),
  account: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id').default('111122223333'),
  regions: z.array(Region).min(1, 'a topology needs at least one region'),
  tenants: z.array(Tenant).min(1, 'a topology needs at least one tenant'),
  clusters: z.array(Cluster).min(1, 'a topology needs at least one cluster'),
}).strict();

export const Policy = z.object({
  cache: z.object({
    maxAge: boundedDuration(SECOND, MAX_DRILL_DURATION, 'the key cache age limit').prefault('24h'),
    maxOperations: z.number().int().positive().max(1e12, 'a cache operation limit can be at most 1,000,000,000,000').default(5_000_000),
    maxBytes: z.number().int().positive().optional(),
  }).strict().prefault({}),
  masterKeyRotation: boundedDuration(HOUR, MAX_DRILL_DURATION, 'the master-key rotation period').prefault('90d').describe('Rolling rotation period of node master keys.'),
  cmkRotation: z.object({ automatic: z.boolean(), period: boundedDuration(DAY, 2560 * DAY, 'the CMK rotation period').prefault('365d') }).strict().prefault({ automatic: false }),
  healthCheck: boundedDuration(SECOND, 7 * DAY, 'the health-check interval').prefault('5m').describe('How often a node proves it can still reach its key.'),
  onKeyAccessLoss: z.object({
    action: z.enum(['serve-from-cache', 'shut-down']),
    afterFailedChecks: z.number().int().min(1).default(3),
  }).strict().prefault({ action: 'shut-down' }),
  failover: z.enum(['none', 'manual', 'automatic']).default('none'),
}).strict();

export const Workload = z.object({
  opsPerSecondPerDatabase: z.number().nonnegative().max(10_000_000, 'a database can do at most 10,000,000 operations a second in a drill'),
  /** How often every database's canary records are written and read back for real while something changes for its cluster (four health-check intervals after a change, or while it is down); once a day in steady state. */
  canaryEvery: boundedDuration(SECOND, 365 * DAY, 'the canary interval').prefault('5m'),
}).strict();

/** A fraction, not a percentage (unlike availability): 20 meaning 20 % is caught here, with what to write. */
const ThrottleRate = z.number().min(0, 'a throttle rate is at least 0').max(1, {
  error: (issue) => (typeof issue.input === 'number' && issue.input <= 100 ? `rate is the fraction of calls throttled, 0–1: for ${issue.input} % write ${plain(issue.input / 100)}` : 'rate is the fraction of calls throttled, 0–1'),
}).describe('The fraction of KMS calls to the region that are throttled, 0–1 (0.2: one call in five).');

/**
 * The message for a timeline step or expectation whose kind field names no kind: the kinds there
 * are, and the one meant when it is a slip ("error-code-afterr"). `kinds` is read when a file is
 * checked, as the lists are declared after the unions that use this.
 */
function unknownKind(what: string, field: string, kinds: () => readonly string[]) {
  return (issue: { code?: string; input?: unknown }) => {
    if (issue.code !== 'invalid_union') return undefined;
    const given = issue.input !== null && typeof issue.input === 'object' ? (issue.input as Record<string, unknown>)[field] : undefined;
    if (given === undefined) return `a${/^[aeiou]/.test(what) ? 'n' : ''} ${what} needs "${field}", one of ${kinds().join(', ')}`;
    const like = typeof given === 'string' ? didYouMean(given, kinds()) : undefined;
    return `unknown ${what}: "${field}" must be one of ${kinds().join(', ')}${like ? ` (did you mean ${like}?)` : ''}`;
  };
}

const at = { at: Duration, id: Id.optional().describe('A name expectations can refer to.') };
const forDuration = { duration: boundedDuration(1, MAX_DRILL_DURATION, 'a fault\'s duration').optional().describe('Ends by itself after this long; otherwise until a later step ends it.') };
const keyRef = { key: Id };

export const TimelineStep = z.discriminatedUnion('do', [
  // faults
  z.object({ do: z.literal('kms-region-outage'), ...at, region: Region, mode: z.enum(['refused', 'timeout']).default('refused'), ...forDuration }).strict(),
  z.object({ do: z.literal('kms-latency'), ...at, region: Region, ms: z.number().nonnegative().max(600_000, 'added latency can be at most 600000 ms (10 minutes)'), jitterMs: z.number().nonnegative().max(600_000, 'jitter can be at most 600000 ms').default(0), ...forDuration }).strict(),
  z.object({ do: z.literal('kms-throttle'), ...at, region: Region, rate: ThrottleRate, ...forDuration }).strict(),
  z.object({ do: z.literal('key-disable'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('key-policy-revoke'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('grant-revoke'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('key-schedule-deletion'), ...at, ...keyRef, pendingWindowDays: z.number().int().min(7).max(30).default(7) }).strict(),
  z.object({ do: z.literal('zone-outage'), ...at, zone: z.string().min(1), ...forDuration }).strict(),
  z.object({ do: z.literal('node-crash'), ...at, node: z.string().min(1).describe('"cluster/node"') }).strict(),
  z.object({ do: z.literal('node-restart'), ...at, node: z.string().min(1).optional(), cluster: Id.optional(), zone: z.string().min(1).optional().describe('Every node in this zone restarts at once (a deploy): each needs its keys from KMS to serve again.') }).strict(),
  z.object({ do: z.literal('iam-permission-revoke'), ...at }).strict().describe("The SaaS vendor's own IAM policy no longer lets its role use the customer's keys (topology.serviceAccount: vendor)."),
  z.object({ do: z.literal('node-address-change'), ...at, node: z.string().min(1).describe('"cluster/node"'), sourceIp: SourceIp.optional(), vpcEndpoint: VpcEndpoint.optional() }).strict()
    .describe('The node\'s calls now come from another address or through another VPC endpoint (or none, when left out).'),
  // operator actions
  z.object({ do: z.literal('restore-access'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('iam-permission-restore'), ...at }).strict().describe("The vendor's IAM policy lets its role use the customer's keys again."),
  z.object({ do: z.literal('enable-key'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('cancel-key-deletion'), ...at, ...keyRef }).strict(),
  z.object({ do: z.literal('reconfigure-kms-region'), ...at, cluster: Id, region: Region }).strict(),
  z.object({ do: z.literal('rotate-cmk'), ...at, ...keyRef, mode: z.enum(['on-demand', 'new-key']), reEncrypt: z.boolean().default(true) }).strict(),
  z.object({ do: z.literal('rotate-master-keys'), ...at, cluster: Id }).strict(),
  z.object({ do: z.literal('take-snapshot'), ...at, cluster: Id }).strict(),
  z.object({ do: z.literal('restore-snapshot'), ...at, cluster: Id, snapshot: z.union([z.literal('latest'), z.literal('oldest'), Id]).default('latest') }).strict(),
], { error: unknownKind('step', 'do', () => TIMELINE_KINDS) });
export type TimelineStep = z.output<typeof TimelineStep>;

export const TIMELINE_KINDS = [
  'kms-region-outage', 'kms-latency', 'kms-throttle', 'key-disable', 'key-policy-revoke', 'grant-revoke', 'key-schedule-deletion',
  'zone-outage', 'node-crash', 'node-restart', 'iam-permission-revoke', 'node-address-change', 'restore-access', 'iam-permission-restore',
  'enable-key', 'cancel-key-deletion', 'reconfigure-kms-region', 'rotate-cmk', 'rotate-master-keys', 'take-snapshot', 'restore-snapshot',
] as const;

const window = { from: Duration.prefault('0s'), to: Duration.optional().describe('Defaults to the end of the drill.') };

export const Expectation = z.discriminatedUnion('expect', [
  z.object({
    expect: z.literal('availability'),
    cluster: Id.optional().describe('Leave it out to hold every cluster of the fleet to the bound: each one must meet it.'),
    database: Id.optional(),
    ...window, atLeast: percent('atLeast').optional(), atMost: percent('atMost').optional(),
  }).strict()
    .refine((e) => e.atLeast !== undefined || e.atMost !== undefined, { message: 'availability needs atLeast or atMost', path: ['atLeast'] })
    .refine((e) => e.database === undefined || e.cluster !== undefined, { message: 'availability of a database needs its cluster', path: ['cluster'] }),
  z.object({ expect: z.literal('unreadable-within'), after: Id.describe('The id of a timeline step.'), within: Duration, cluster: Id.optional() }).strict(),
  z.object({ expect: z.literal('readable-within'), after: Id, within: Duration, cluster: Id.optional() }).strict(),
  z.object({ expect: z.literal('no-canary-lost'), cluster: Id.optional() }).strict(),
  z.object({ expect: z.literal('kms-calls-at-most'), count: z.number().int().nonnegative(), region: Region.optional(), operation: z.string().optional() }).strict(),
  z.object({ expect: z.literal('no-success-during-outage'), region: Region }).strict(),
  z.object({ expect: z.literal('snapshot-restorable'), cluster: Id, snapshot: z.union([z.literal('latest'), z.literal('oldest'), Id]).default('latest') }).strict(),
  z.object({ expect: z.literal('snapshot-not-restorable'), cluster: Id, snapshot: z.union([z.literal('latest'), z.literal('oldest'), Id]).default('latest') }).strict()
    .describe('The snapshot cannot be restored at the end of the drill (e.g. its CMK was deleted).'),
  z.object({
    expect: z.literal('snapshots-lost'),
    cluster: Id,
    takenBefore: Id.optional().describe('Only snapshots taken before this timeline step.'),
    takenAfter: Id.optional().describe('Only snapshots taken at or after this timeline step.'),
    lost: z.enum(['all', 'none']).default('all').describe('all: every such snapshot is lost for good (no action brings it back); none: every one restores.'),
  }).strict().describe('Which snapshots are lost for good at the end: "deleting the old key loses these snapshots".'),
  z.object({
    expect: z.literal('data-lost'),
    cluster: Id.optional(),
    atLeast: z.number().int().min(0).optional().describe('Defaults to 1 when atMost is not given, to 0 when it is.'),
    atMost: z.number().int().min(0).optional(),
  }).strict()
    // "atMost: 0" alone means "nothing lost": a default of 1 under it could never pass.
    .transform((e) => ({ ...e, atLeast: e.atLeast ?? (e.atMost === undefined ? 1 : 0) }))
    .describe('Items of data at risk at the end of the drill (databases, snapshots, canary records) within bounds.'),
  z.object({ expect: z.literal('node-availability'), node: z.string().min(1).describe('"cluster/node"'), ...window, atLeast: percent('atLeast').optional(), atMost: percent('atMost').optional() }).strict()
    .refine((e) => e.atLeast !== undefined || e.atMost !== undefined, { message: 'node-availability needs atLeast or atMost', path: ['atLeast'] }),
  z.object({
    expect: z.literal('kms-calls'),
    after: Id.optional().describe('From this timeline step on (instead of from).'),
    within: Duration.optional().describe('With after: only this long after the step.'),
    ...window,
    cluster: Id.optional(),
    region: Region.optional(),
    operation: z.string().optional(),
    errorCode: z.string().optional().describe('Only calls that failed with this error code, as CloudTrail\'s errorCode gives it (AccessDeniedException, not AccessDenied).'),
    atLeast: z.number().int().min(0).optional(),
    atMost: z.number().int().min(0).optional(),
    allIn: Region.optional().describe('Every matching call went to this region.'),
    allSucceed: z.boolean().optional().describe('Every matching call succeeded.'),
  }).strict().describe('KMS calls (CloudTrail records) in a window or after a step: how many, where, whether they succeeded.'),
  z.object({ expect: z.literal('error-code-after'), after: Id, code: z.string().min(1).describe('As CloudTrail\'s errorCode gives it (AccessDeniedException, not AccessDenied); NetworkingError or TimeoutError for a call that never reached KMS.'), within: Duration.optional(), cluster: Id.optional() }).strict()
    .describe('A KMS call failed with this error code after the step (within the time given).'),
  z.object({ expect: z.literal('rotations'), kind: z.enum(['master-key', 'cmk']), cluster: Id.optional(), atLeast: z.number().int().min(0).optional(), atMost: z.number().int().min(0).optional() }).strict()
    .refine((e) => e.atLeast !== undefined || e.atMost !== undefined, { message: 'rotations needs atLeast or atMost', path: ['atLeast'] }),
], { error: unknownKind('expectation', 'expect', () => EXPECTATION_KINDS) });
export type Expectation = z.output<typeof Expectation>;

export const EXPECTATION_KINDS = [
  'availability', 'unreadable-within', 'readable-within', 'no-canary-lost', 'kms-calls-at-most', 'no-success-during-outage', 'snapshot-restorable',
  'snapshot-not-restorable', 'snapshots-lost', 'data-lost', 'node-availability', 'kms-calls', 'error-code-after', 'rotations',
] as const;

export const ScenarioShape = z.object({
  name: Id,
  title: z.string().min(1),
  description: z.string().default(''),
  /** Where the story comes from (a seed document), for the report. */
  source: z.string().optional(),
  seed: Seed.default(1),
  /** A step the backend cannot enforce (e.g. key-policy-revoke on LocalStack): play it on the client, with a note in the report, or refuse to run. */
  onUnsupportedStep: z.enum(['simulate', 'refuse']).default('simulate'),
  duration: boundedDuration(SECOND, MAX_DRILL_DURATION, 'a drill'),
  topology: Topology,
  policy: Policy.prefault({}),
  workload: Workload,
  timeline: z.array(TimelineStep).default([]),
  expectations: z.array(Expectation).default([]),
}).strict();

/** The scenario schema with its cross-reference checks (see scenario-references.ts). */
export const Scenario = ScenarioShape.superRefine((scenario, ctx) => {
  // A refused duration ("90", "0s") is the problem to fix: steps and windows measured against it
  // would each add "after the end of the drill (duration 90ms)".
  const durationRefused = typeof scenario.duration !== 'number' || ctx.issues.some((i) => i.path?.[0] === 'duration');
  const issues = scenarioReferenceIssues(durationRefused ? { ...scenario, duration: Infinity } : scenario);
  for (const issue of issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  // A field already refused (a zero interval, a rate over its cap) is the problem to fix: sizing the
  // drill with it would only add "about ∞ simulator events" beside it.
  if (issues.length || ctx.issues.length || scenario.duration > MAX_DRILL_DURATION) return;
  // A scenario that passes every field check can still mean billions of events: refuse it, naming why.
  const estimate = estimateDrill(scenario);
  if (estimate.events > MAX_ESTIMATED_EVENTS) {
    ctx.addIssue({ code: 'custom', path: estimate.drivers[0]?.path ?? [], message: `this drill would play ${describeEstimate(estimate)}: more than the ${MAX_ESTIMATED_EVENTS.toLocaleString('en')} a drill may. Lengthen the interval, lower the rate, shorten the duration or split the fleet` });
  }
});
export type Scenario = z.output<typeof ScenarioShape>;
export type ScenarioInput = z.input<typeof Scenario>;
