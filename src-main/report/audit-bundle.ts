import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { count } from '../../src-shared/count';
import { summedUp } from '../../src-shared/record-counts';
import { KEYDRILL_VERSION } from '../common/version';
import { recheckEventSet } from './bundle-event-set';
import { chromiumPath } from './chromium-path';
import { digestFile, filesUnder, MANIFEST_FILE, SUMS_FILE, sumsEntries, sumsText, type BundleFileKind, type ManifestEntry } from './manifest';
import { ReportError } from './report-error';
import { swapFolder } from './report-file';
import type { RunSource } from './run-source';
import { checkedSource } from './valid-record';
import { writeReport, type PdfPrinter } from './write-report';

export const BUNDLE_FORMAT = 'keydrill-audit-bundle';

/** The files of a bundle, by what they are (docs/run-record.md, "Audit bundle"). */
export const BUNDLE_FILES = { record: 'run-record.json', html: 'report.html', pdf: 'report.pdf', csv: 'report.csv', cloudtrail: 'cloudtrail', observations: 'client-observations.jsonl' } as const;

export interface BundleOptions {
  /** Writes the run's CloudTrail log files (S3 layout) under a folder; omitted, the bundle has none and says so. */
  exportCloudTrail?: ((dir: string) => Promise<{ files: string[]; records: number }>) | undefined;
  /** Writes the run's client-side observations (calls that never reached KMS) as JSON Lines to a file. */
  exportObservations?: ((file: string) => Promise<{ observations: number }>) | undefined;
  /** The desktop window's printer; otherwise headless Chromium when one is installed. */
  printPdf?: PdfPrinter | undefined;
  executablePath?: string | undefined;
}

export interface BundleOutcome {
  dir: string;
  files: ManifestEntry[];
  bytes: number;
  /** SHA-256 of SHA256SUMS: quote it in the sign-off, and the whole bundle is pinned. */
  sealSha256: string;
  /** What the bundle lacks, and why (no Chromium for the PDF; CloudTrail records not in this event store). */
  notes: string[];
  /**
   * Evidence a finished run made that the event store did not give the bundle (it was read from
   * another events database, or records were deleted): `keydrill verify` cannot verify such a
   * bundle, so whoever makes it must hear so. Undefined when nothing is missing.
   */
  missing?: { records: number; observations: number } | undefined;
}

/**
 * An audit bundle of one run, in a folder: the run record (the JSON report), the HTML, PDF and CSV
 * reports, the run's CloudTrail log files, `manifest.json` saying what each file is, and
 * `SHA256SUMS` sealing them all (see manifest.ts). Built in a hidden folder beside `dir` and renamed
 * into place, so a failed export leaves nothing half-written; an earlier bundle of the same run at
 * `dir` is replaced, another run's bundle and any other non-empty folder are refused.
 */
export async function writeAuditBundle(input: RunSource, dir: string, options: BundleOptions = {}): Promise<BundleOutcome> {
  const source = checkedSource(input);
  await refuseForeignFolder(dir, source.head.execution.runId);
  const temp = join(dirname(dir), `.${basename(dir)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const notes: string[] = [];
  const files: ManifestEntry[] = [];
  const add = (path: string, kind: BundleFileKind, written: { bytes: number; sha256: string }) => files.push({ path, kind, bytes: written.bytes, sha256: written.sha256 });
  try {
    await mkdir(temp, { recursive: false }).catch((err: unknown) => {
      throw new ReportError('write-failed', `Could not create the audit bundle beside ${dir}: ${(err as Error).message}`, { cause: err });
    });
    add(BUNDLE_FILES.record, 'run-record', await writeReport(source, join(temp, BUNDLE_FILES.record)));
    add(BUNDLE_FILES.html, 'html', await writeReport(source, join(temp, BUNDLE_FILES.html)));
    const pdf = await pdfInto(source, join(temp, BUNDLE_FILES.pdf), options);
    if (typeof pdf === 'string') notes.push(pdf);
    else add(BUNDLE_FILES.pdf, 'pdf', pdf);
    add(BUNDLE_FILES.csv, 'csv', await writeReport(source, join(temp, BUNDLE_FILES.csv)));
    const trail = await cloudTrailInto(source, join(temp, BUNDLE_FILES.cloudtrail), options, notes);
    for (const file of trail.files) add(`${BUNDLE_FILES.cloudtrail}/${file}`, 'cloudtrail', await digestFile(join(temp, BUNDLE_FILES.cloudtrail, ...file.split('/'))));
    const observations = await observationsInto(source, join(temp, BUNDLE_FILES.observations), options, notes);
    if (observations > 0) add(BUNDLE_FILES.observations, 'observations', await digestFile(join(temp, BUNDLE_FILES.observations)));

    const head = source.head;
    const unfinished = !summedUp(head.execution);
    const manifest = {
      format: BUNDLE_FORMAT,
      version: 1,
      runId: head.execution.runId,
      label: head.execution.label,
      status: head.execution.status,
      scenario: { name: head.scenario.name, title: head.scenario.title, hash: head.scenario.hash, seed: head.scenario.seed },
      executed: { startedAt: head.execution.startedAt, endedAt: head.execution.endedAt ?? null, keydrillVersion: head.execution.keydrillVersion, endpoint: head.execution.endpoint },
      exportedAt: new Date().toISOString(),
      exportedBy: `KeyDrill ${KEYDRILL_VERSION}`,
      runRecord: { path: BUNDLE_FILES.record, sha256: files[0]?.sha256 },
      // A run that never summed itself up counted no records: its head's 0 is not a count.
      eventSet: {
        sha256: head.execution.eventSetSha256 ?? null, records: unfinished ? null : head.eventCount, exported: trail.records,
        ...(unfinished ? { exportedSha256: await exportedDigest(temp, head.execution.runId, trail.records, notes) } : {}),
      },
      observations: { path: observations > 0 ? BUNDLE_FILES.observations : null, made: summedUp(head.execution) ? head.observationCount : null, exported: observations },
      files,
      notes,
      verify: `sha256sum -c ${SUMS_FILE}`,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    await writeFile(join(temp, MANIFEST_FILE), manifestText, { flag: 'wx' });
    add(MANIFEST_FILE, 'manifest', await digestFile(join(temp, MANIFEST_FILE)));
    await writeFile(join(temp, SUMS_FILE), sumsText(files), { flag: 'wx' });
    const seal = await digestFile(join(temp, SUMS_FILE));
    await moveIntoPlace(temp, dir);
    const missing = missingEvidence(head, trail.records, observations, options);
    return { dir, files, bytes: files.reduce((n, f) => n + f.bytes, 0) + seal.bytes, sealSha256: seal.sha256, notes, ...(missing ? { missing } : {}) };
  } catch (err) {
    await rm(temp, { recursive: true, force: true });
    if (err instanceof ReportError) throw err;
    throw new ReportError('write-failed', `Could not write the audit bundle ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/** The PDF, or why there is none: a bundle without a PDF is still whole (the HTML is the same report). */
async function pdfInto(source: RunSource, file: string, options: BundleOptions): Promise<{ bytes: number; sha256: string } | string> {
  if (!options.printPdf && !options.executablePath && !chromiumPath()) return 'report.pdf is not included: no Chromium was found to print it (install Chromium or set CHROMIUM_PATH); report.html is the same report.';
  try {
    return await writeReport(source, file, { printPdf: options.printPdf, executablePath: options.executablePath });
  } catch (err) {
    if (err instanceof ReportError && (err.code === 'no-chromium' || err.code === 'print-failed')) return `report.pdf is not included: ${err.message}`;
    throw err;
  }
}

async function cloudTrailInto(source: RunSource, dir: string, options: BundleOptions, notes: string[]): Promise<{ files: string[]; records: number }> {
  const expected = source.head.eventCount;
  if (!options.exportCloudTrail) {
    if (expected > 0) notes.push(notIncluded(`${count(expected)} CloudTrail records`));
    return { files: [], records: 0 };
  }
  const out = await options.exportCloudTrail(dir);
  if (!summedUp(source.head.execution)) {
    // Its head keeps the zeros it started with: "the run made 0" would read as a store out of step.
    notes.push(`This run is ${source.head.execution.status}: it ended before it summed itself up, so it never counted its CloudTrail records; the ${count(out.records)} the event store holds of it are in this bundle.`);
  } else if (out.records !== expected) {
    notes.push(storeCountDiffers('CloudTrail records', 'records', out.records, expected));
  }
  return { files: out.files, records: out.records };
}

/**
 * A run that did not finish never sealed its event set with a digest, so the bundle seals what it
 * holds of it: the digest of its exported records worked out as `keydrill verify` works it out
 * (records 1..N by the eventIDs their numbers give, in the run's order). A record changed, left out
 * or added afterwards then shows, as it does for a finished run. Null when nothing was exported, or
 * when the records exported are not the run's first N (a record lost from the store), with a note.
 */
async function exportedDigest(bundle: string, runId: string, records: number, notes: string[]): Promise<string | null> {
  if (records === 0) return null;
  const found = await recheckEventSet(bundle, BUNDLE_FILES.cloudtrail, runId, records);
  if (found.missing.count === 0 && found.foreign === 0 && found.duplicates === 0 && found.unreadable.length === 0) return found.sha256;
  notes.push(`The ${count(records)} CloudTrail records exported of this unfinished run are not its first ${count(records)} (record ${found.missing.first.join(', ')} is not in the event store), so the bundle seals no digest of them: keydrill verify checks its files only.`);
  return null;
}

/**
 * The run's calls that never reached KMS, which some verdicts cite and no CloudTrail log holds: the
 * number written (none, no file), with a note when it is not what the run made.
 */
async function observationsInto(source: RunSource, file: string, options: BundleOptions, notes: string[]): Promise<number> {
  const made = source.head.observationCount;
  if (!options.exportObservations) {
    if (made > 0) notes.push(notIncluded(`${count(made)} client-side observations (calls that never reached KMS)`));
    return 0;
  }
  const { observations } = await options.exportObservations(file);
  if (observations === 0) await rm(file, { force: true });
  if (summedUp(source.head.execution) && observations !== made) {
    notes.push(storeCountDiffers('client-side observations', 'observations', observations, made));
  }
  return observations;
}

/** What a run that summed itself up made and the bundle lacks (only what an export was asked for: without an event store, the notes say so). */
function missingEvidence(head: RunSource['head'], records: number, observations: number, options: BundleOptions): BundleOutcome['missing'] {
  if (!summedUp(head.execution)) return undefined;
  const lacks = {
    records: options.exportCloudTrail ? Math.max(0, head.eventCount - records) : 0,
    observations: options.exportObservations ? Math.max(0, head.observationCount - observations) : 0,
  };
  return lacks.records > 0 || lacks.observations > 0 ? lacks : undefined;
}

/** A note for evidence the export could not read: "The run's 12 CloudTrail records are not included: …". */
function notIncluded(what: string): string {
  return `The run's ${what} are not included: this export had no event store to read them from.`;
}

/** A note for a store that holds more or fewer of a run's `things` than the run counted (`short`: the things, in a word). */
function storeCountDiffers(things: string, short: string, stored: number, made: number): string {
  const why = stored < made ? `${short} are missing (was the run made on another machine, or with another events database?)` : `the store holds ${short} the run did not count`;
  return `The event store holds ${count(stored)} ${things} of this run, and the run made ${count(made)}: ${why}.`;
}

/** A folder the user keeps other files in is neither written into nor emptied; an earlier bundle of the run is replaced. */
async function refuseForeignFolder(dir: string, runId: string): Promise<void> {
  const existing = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    if (err.code === 'ENOTDIR') throw new ReportError('bad-destination', `${dir} is a file: an audit bundle is a folder, so choose a folder name.`);
    throw err;
  });
  if (existing === undefined || existing.length === 0) return;
  if (!(await isReplaceableBundle(dir))) {
    throw new ReportError('bad-destination', `${dir} already holds other files: an audit bundle goes into a new or empty folder (or over an earlier bundle holding nothing else), so choose another folder name.`);
  }
  await refuseOtherRunsBundle(dir, runId);
}

/**
 * Another run's bundle is evidence someone may have handed over or signed off: replacing it
 * silently with this run's would lose it, so only the same run's bundle is written over.
 */
export async function refuseOtherRunsBundle(dir: string, runId: string): Promise<void> {
  const other = await bundleRunOf(dir);
  if (other !== undefined && other !== runId) {
    throw new ReportError('bad-destination', `${dir} holds the audit bundle of run ${other}: write the bundle of ${runId} into another folder, or delete that bundle first to replace it.`);
  }
}

/** The run whose bundle `dir` holds, by its manifest; undefined when it holds none. */
async function bundleRunOf(dir: string): Promise<string | undefined> {
  const manifest = await readFile(join(dir, MANIFEST_FILE), 'utf8').then((t) => JSON.parse(t) as { format?: unknown; runId?: unknown }).catch(() => undefined);
  return manifest?.format === BUNDLE_FORMAT && typeof manifest.runId === 'string' ? manifest.runId : undefined;
}

/**
 * Whether `dir` is an earlier audit bundle and nothing else, so a new one may replace it: its
 * manifest says so, and every file in it is one its SHA256SUMS lists. A file someone added (an
 * auditor's notes) makes it theirs: it is never deleted by a replacement.
 */
export async function isReplaceableBundle(dir: string): Promise<boolean> {
  const manifest = await readFile(join(dir, MANIFEST_FILE), 'utf8').then((t) => JSON.parse(t) as { format?: unknown }).catch(() => undefined);
  if (manifest?.format !== BUNDLE_FORMAT) return false;
  const sums = await readFile(join(dir, SUMS_FILE), 'utf8').catch(() => undefined);
  if (sums === undefined) return false;
  const listed = new Set([SUMS_FILE, ...sumsEntries(sums).flatMap((e) => (e ? [e.path] : []))]);
  return (await filesUnder(dir)).every((file) => listed.has(file));
}

async function moveIntoPlace(temp: string, dir: string): Promise<void> {
  const existing = await filesUnder(dir).catch(() => undefined);
  if (existing === undefined) {
    await rename(temp, dir);
    return;
  }
  await swapFolder(temp, dir);
}
