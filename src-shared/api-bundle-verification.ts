import { z } from 'zod';

/**
 * The API contract's part for checking an audit bundle handed to an auditor (`reports:verify`):
 * what `keydrill verify` checks, as data. The CLI prints it as text; the Reports page lists it.
 */
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const Count = z.number().int().nonnegative();

/** At most this many characters of a path: longer than any a file system takes. */
export const MAX_PATH_CHARACTERS = 4096;
/**
 * What the contract lets through: a cap on the payload, well above MAX_PATH_CHARACTERS, so a longer
 * path pasted in is answered by main in words ("a path is at most 4,096 characters"), not with the
 * schema's own text.
 */
const MAX_TYPED_CHARACTERS = 65_536;

/**
 * Which bundle to verify: the path of its folder on the machine main runs on (the browser served by
 * `keydrill ui`, whose user types or pastes it), or — `pick` in the desktop window — the folder the
 * user picks in a native folder dialog.
 */
export const VerifyBundleArgs = z.object({
  path: z.string().trim().min(1, 'give the audit bundle folder\'s full path').max(MAX_TYPED_CHARACTERS).optional(),
  pick: z.boolean().optional(),
}).strict().refine((a) => (a.path !== undefined) !== (a.pick === true), { message: 'give either the audit bundle folder\'s path or pick: true (a folder dialog, in the desktop window)' });

/** The event-set digest recomputed from the bundle's CloudTrail files, and what differs from the run's records. */
export const EventSetRecheck = z.object({
  /** The digest the bundle's CloudTrail records give. */
  sha256: Sha256,
  /** Records of the run found in the bundle, and how many the digest covers. */
  found: Count,
  expected: Count,
  /** Record numbers with no record in the bundle: how many, and the first few. */
  missing: z.object({ count: Count, first: z.array(z.number().int().positive()) }),
  /** Records whose eventID is not one of the run's. */
  foreign: Count,
  /** eventIDs found more than once. */
  duplicates: Count,
  /** CloudTrail files not readable as CloudTrail: `path: what is wrong`. */
  unreadable: z.array(z.string()),
});
export type EventSetRecheck = z.infer<typeof EventSetRecheck>;

/**
 * The verdict on one audit bundle, as `keydrill verify` gives it. `verified` holds only when every
 * file matches SHA256SUMS, none is added beside them, each is what manifest.json says it is, and the CloudTrail records give the digest
 * they are held to.
 */
export const BundleVerification = z.object({
  /** The bundle's folder, as given. */
  bundle: z.string(),
  /** The run the manifest names; null when manifest.json cannot be read (`manifestProblem` says why). */
  run: z.object({ runId: z.string(), scenarioTitle: z.string() }).nullable(),
  /** What is wrong with a manifest.json that SHA256SUMS sealed with another digest ("is not JSON"…). */
  manifestProblem: z.string().nullable(),
  /** SHA-256 of SHA256SUMS: to compare with the digest quoted in the sign-off. */
  seal: Sha256,
  files: z.object({
    ok: z.boolean(),
    checked: Count,
    /** `changed: report.html`, `missing: …`, `not listed: …` (added beside the sealed files), `outside the bundle: …`, a symbolic link. */
    problems: z.array(z.string()),
  }),
  /**
   * Where the bundle's files are not what its sealed manifest.json says they are: a file with
   * another digest than the manifest gives, a run record of another run or another event-set
   * digest (a bundle with files of two runs, under a SHA256SUMS rewritten to match).
   */
  againstManifest: z.array(z.string()),
  /** Null when the manifest cannot be read: it names the run and its digest. */
  eventSet: z.object({
    /**
     * The digest the records are held to and how many it covers: the run's own, or for a run that did
     * not finish the one the bundle sealed of the records it holds; null when there is none.
     */
    sealed: z.object({ sha256: Sha256, records: Count, by: z.enum(['run', 'bundle']) }).nullable(),
    /** How many CloudTrail records the bundle holds, by its manifest. */
    exported: Count,
    /** Null when there was nothing to recompute (no digest, or no records in the bundle). */
    recheck: EventSetRecheck.nullable(),
    holds: z.boolean(),
  }).nullable(),
  verified: z.boolean(),
});
export type BundleVerification = z.infer<typeof BundleVerification>;

/** What `reports:verify` answers: the verdict, or that the user closed the folder dialog. */
export const VerifyBundleOutcome = z.union([BundleVerification.extend({ cancelled: z.literal(false) }), z.object({ cancelled: z.literal(true) })]);
export type VerifyBundleOutcome = z.infer<typeof VerifyBundleOutcome>;
