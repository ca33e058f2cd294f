import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { count, counted } from '../../src-shared/count';
import { MAX_PATH_CHARACTERS, type BundleVerification } from '../../src-shared/api-bundle-verification';
import { BUNDLE_FILES, BUNDLE_FORMAT } from './audit-bundle';
import { recheckEventSet } from './bundle-event-set';
import { DENIED, digestFile, isDenied, MANIFEST_FILE, SUMS_FILE, verifyBundle } from './manifest';

/**
 * What an auditor checks before signing off an audit bundle, in one place for `keydrill verify`
 * and the app's Reports page (`reports:verify`), so both give the same verdict: every file against
 * SHA256SUMS and no file added beside them (which `sha256sum -c` does not notice), the seal's own
 * digest to compare with the one quoted in the sign-off, and the run's event-set digest recomputed
 * from its CloudTrail files.
 */

/** The folder is no audit bundle (none there, not a folder, no SHA256SUMS or manifest, a manifest of something else). */
export class NotAnAuditBundle extends Error {
  override name = 'NotAnAuditBundle';
  /** @param found whether anything is at `path` at all. */
  constructor(message: string, readonly path: string, readonly found = true) {
    super(message);
  }
}

/** A manifest.json that is not JSON, or not a KeyDrill bundle's: `problem` says which, without the file's name. */
class UnreadableManifest extends NotAnAuditBundle {
  /** @param denied the user may not read it: a bundle that does not verify for them, sealed or not. */
  constructor(readonly file: string, readonly problem: string, dir: string, readonly denied = false) {
    super(`${file} ${problem}`, dir);
  }
}

/** What the verification reads of manifest.json (sealed by SHA256SUMS, which is checked first). */
const Manifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  runId: z.string().min(1),
  scenario: z.object({ title: z.string() }).passthrough(),
  eventSet: z.object({
    sha256: z.string().nullable(), records: z.number().int().nonnegative().nullable(), exported: z.number().int().nonnegative(),
    // A bundle of an unfinished run seals the digest of the records it holds (absent in bundles made before it did).
    exportedSha256: z.string().nullable().optional(),
  }).passthrough(),
  // The run's client-side observations: how many it made (null: never summed up) and the bundle holds (absent in early bundles).
  observations: z.object({ made: z.number().int().nonnegative().nullable(), exported: z.number().int().nonnegative() }).passthrough().optional(),
  // What the bundle says each file is: its own claim, sealed with it (optional: read, not required).
  runRecord: z.object({ path: z.string(), sha256: z.string().optional() }).passthrough().optional(),
  files: z.array(z.object({ path: z.string(), sha256: z.string() }).passthrough()).optional(),
}).passthrough();
type Manifest = z.output<typeof Manifest>;

type EventSetVerdict = NonNullable<BundleVerification['eventSet']>;

/**
 * Verifies the audit bundle in `dir`; throws NotAnAuditBundle when it is none. `signal` stops the
 * recount of a large bundle's records when nobody waits for the verdict any more.
 */
export async function verifyAuditBundle(dir: string, options: { signal?: AbortSignal | undefined } = {}): Promise<BundleVerification> {
  let manifest: Manifest;
  try {
    manifest = await manifestOf(dir);
  } catch (err) {
    if (!(err instanceof UnreadableManifest)) throw err;
    // A manifest.json that SHA256SUMS seals with another digest was damaged or changed: the
    // folder is a bundle that does not verify, not "no bundle".
    const { ok, checked, problems } = await verifyBundle(dir);
    const files = { ok, checked, problems };
    if (!err.denied && !files.problems.includes(`changed: ${MANIFEST_FILE}`)) throw err;
    return { bundle: dir, run: null, manifestProblem: err.problem, seal: await sealOf(dir), files, againstManifest: [], eventSet: null, verified: false };
  }
  const { read, ok, checked, problems } = await verifyBundle(dir);
  const files = { ok, checked, problems };
  const seal = await sealOf(dir);
  const againstManifest = await heldTogether(dir, manifest, read);
  const eventSet = await eventSetVerdict(dir, manifest, options.signal);
  return {
    bundle: dir, run: { runId: manifest.runId, scenarioTitle: manifest.scenario.title }, manifestProblem: null, seal, files, againstManifest, eventSet,
    verified: files.ok && againstManifest.length === 0 && eventSet.holds,
  };
}

/**
 * Whether the files are the ones the manifest describes, one run's. SHA256SUMS alone is only what
 * the bundle holds now: rewritten with `sha256sum` over another run's run record and reports, it
 * passes, and the event set still matches the manifest's run. manifest.json, sealed by SHA256SUMS,
 * gives each file's digest as written and the run's event-set digest; the run record must agree.
 */
async function heldTogether(dir: string, manifest: Manifest, read: ReadonlyMap<string, string | undefined>): Promise<string[]> {
  const problems: string[] = [];
  const claims: [string, string][] = (manifest.files ?? []).map((f) => [f.path, f.sha256]);
  if (manifest.runRecord?.sha256 !== undefined) claims.push([manifest.runRecord.path, manifest.runRecord.sha256]);
  for (const [path, claimed] of claims) {
    // A file listed but not read (missing, not a file) is already a problem against SHA256SUMS.
    if (!read.has(path)) problems.push(`${path}: ${MANIFEST_FILE} lists it, ${SUMS_FILE} does not`);
    const actual = read.get(path);
    if (actual !== undefined && actual !== claimed) problems.push(`${path}: ${MANIFEST_FILE} gives sha256 ${claimed}, the file has ${actual}`);
  }
  // Only a file read whole as a regular file is read again.
  if (read.get(BUNDLE_FILES.record) !== undefined) {
    const record = await readFile(join(dir, BUNDLE_FILES.record), 'utf8').then((t) => RunRecordHead.safeParse(JSON.parse(t)), () => undefined).catch(() => undefined);
    if (!record?.success) problems.push(`${BUNDLE_FILES.record} is not a KeyDrill run record`);
    else {
      const { runId, eventSetSha256 } = record.data.execution;
      if (runId !== manifest.runId) problems.push(`${BUNDLE_FILES.record} is run ${runId}'s, the manifest's is run ${manifest.runId}`);
      else if ((eventSetSha256 ?? null) !== manifest.eventSet.sha256) problems.push(`${BUNDLE_FILES.record} gives the event-set digest ${eventSetSha256 ?? 'none'}, the manifest's is ${manifest.eventSet.sha256 ?? 'none'}`);
      else problems.push(...countsDisagree(record.data, manifest));
    }
  }
  return [...new Set(problems)];
}

/**
 * A finished run's record counts what it made; the manifest counts what the bundle holds of it. A
 * manifest rewritten to claim fewer (its CloudTrail folder or observations taken out, SHA256SUMS
 * redone) would otherwise verify: an empty event set holds against "0 records".
 */
function countsDisagree(record: z.output<typeof RunRecordHead>, manifest: Manifest): string[] {
  // An unfinished run never summed itself up: its counts are zeros, not counts.
  if (record.execution.eventSetSha256 === undefined) return [];
  const problems: string[] = [];
  const { eventCount, observationCount } = record;
  if (eventCount !== undefined && manifest.eventSet.records !== eventCount) {
    problems.push(`${BUNDLE_FILES.record} says the run made ${counted(eventCount, 'CloudTrail record')}, the manifest ${manifest.eventSet.records === null ? 'counts none' : `says ${count(manifest.eventSet.records)}`}`);
  }
  const observations = manifest.observations;
  if (observationCount !== undefined && observations && observations.made !== observationCount) {
    problems.push(`${BUNDLE_FILES.record} says the run made ${counted(observationCount, 'client-side observation')}, the manifest ${observations.made === null ? 'counts none' : `says ${count(observations.made)}`}`);
  }
  if (observationCount !== undefined && observations && observations.made === observationCount && observations.exported < observationCount) {
    problems.push(`the bundle holds ${count(observations.exported)} of the run's ${counted(observationCount, 'client-side observation')}`);
  }
  return problems;
}

/** What the check reads of run-record.json: which run it is, and the event-set digest it sealed. */
const RunRecordHead = z.object({
  execution: z.object({ runId: z.string(), eventSetSha256: z.string().optional() }),
  eventCount: z.number().int().nonnegative().optional(),
  observationCount: z.number().int().nonnegative().optional(),
});

/** SHA-256 of no bytes: the event-set digest of a run that made no record. */
const EMPTY_SET_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

async function sealOf(dir: string): Promise<string> {
  return (await digestFile(join(dir, SUMS_FILE))).sha256;
}

async function eventSetVerdict(dir: string, manifest: Manifest, signal: AbortSignal | undefined): Promise<EventSetVerdict> {
  const { eventSet } = manifest;
  const sealed = sealedEventSet(eventSet);
  // A bundle made without the run's records has nothing to recompute the digest from.
  const recheck = sealed && eventSet.exported > 0 ? await recheckEventSet(dir, BUNDLE_FILES.cloudtrail, manifest.runId, sealed.records, signal) : null;
  // A finished run's bundle without its CloudTrail records is not the evidence it claims to hold;
  // an unfinished run's bundle that sealed no digest of its records has nothing to hold them to.
  const holds = recheck === null
    // No records to recompute from holds only where there are none to hold: a digest of none is the digest of nothing.
    ? sealed === null || (sealed.records === 0 && sealed.sha256 === EMPTY_SET_SHA256)
    : recheck.sha256 === sealed?.sha256 && recheck.missing.count === 0 && recheck.foreign === 0 && recheck.duplicates === 0 && recheck.unreadable.length === 0;
  return { sealed, exported: eventSet.exported, recheck, holds };
}

/**
 * The digest the bundle's CloudTrail records are held to, and how many records it covers: the
 * run's own (a finished run sealed its event set), or for a run that did not finish the digest the
 * bundle sealed of the records it exported. Null when there is none (an unfinished run's bundle
 * made before bundles sealed one, or whose exported records were not the run's first N).
 */
function sealedEventSet(eventSet: Manifest['eventSet']): EventSetVerdict['sealed'] {
  if (eventSet.sha256 !== null && eventSet.records !== null) return { sha256: eventSet.sha256, records: eventSet.records, by: 'run' };
  if (eventSet.exportedSha256) return { sha256: eventSet.exportedSha256, records: eventSet.exported, by: 'bundle' };
  return null;
}

async function manifestOf(dir: string): Promise<Manifest> {
  if (dir.length > MAX_PATH_CHARACTERS) throw new NotAnAuditBundle(`a path is at most ${MAX_PATH_CHARACTERS.toLocaleString('en')} characters, and this one has ${dir.length.toLocaleString('en')}`, dir);
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new NotAnAuditBundle(`${dir}: no such folder`, dir, false);
  if (!info.isDirectory()) throw new NotAnAuditBundle(`${dir}: not a folder; an audit bundle is the folder keydrill report RUN --bundle DIR wrote`, dir);
  for (const file of [SUMS_FILE, MANIFEST_FILE]) {
    const found = await stat(join(dir, file)).catch(() => undefined);
    if (!found) throw new NotAnAuditBundle(`${dir} is not an audit bundle: it has no ${file}`, dir);
    if (!found.isFile()) throw new NotAnAuditBundle(`${dir} is not an audit bundle: its ${file} is not a file`, dir);
  }
  // Without its seal there is nothing to check the files against, nor a seal to quote.
  await readFile(join(dir, SUMS_FILE)).catch((err: unknown) => {
    if (isDenied(err)) throw new NotAnAuditBundle(`${dir}: its ${SUMS_FILE} ${DENIED}`, dir);
  });
  const file = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    if (isDenied(err)) throw new UnreadableManifest(file, 'permission denied', dir, true);
    throw new UnreadableManifest(file, 'is not JSON', dir);
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) throw new UnreadableManifest(file, `is not a KeyDrill audit bundle manifest (${parsed.error.issues[0]?.path.join('.') || 'format'}: ${parsed.error.issues[0]?.message})`, dir);
  return parsed.data;
}
