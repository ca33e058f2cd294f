import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BUNDLE_FILES, BUNDLE_FORMAT } from '../report/audit-bundle';
import { recheckEventSet, type EventSetRecheck } from '../report/bundle-event-set';
import { digestFile, MANIFEST_FILE, SUMS_FILE, verifyBundle } from '../report/manifest';
import { defineCommand } from './command-spec';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error';

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
}).passthrough();

/**
 * `keydrill verify audit/`: what an auditor checks before signing off an audit bundle, in one
 * command — every file against SHA256SUMS and no file added beside them (which `sha256sum -c`
 * does not notice), the seal's own digest to compare with the one quoted in the sign-off, and the
 * run's event-set digest recomputed from its CloudTrail files.
 */
export const verifyCommand = defineCommand({
  path: ['verify'],
  summary: 'check an audit bundle: its files, its seal, and its CloudTrail records against the run\'s event-set digest',
  description: `Checks every file of an audit bundle (keydrill report RUN --bundle DIR) against ${SUMS_FILE}, reports files added beside them, prints the SHA-256 of ${SUMS_FILE} (the seal: compare it with the one in the sign-off), and recomputes the run's event-set digest from the bundle's CloudTrail files (for a run that did not finish, the digest the bundle sealed of the records it holds), naming records changed, missing or added. Exit 0 when all holds, 1 when anything does not, 2 when the folder is no audit bundle.`,
  args: [{ name: 'bundle', complete: 'dir', description: 'the audit bundle\'s folder' }],
  options: { json: { type: 'boolean', description: 'print {bundle, runId, seal, files: {checked, problems}, eventSet: {expected, sealedBy (run | bundle), recomputed, found, records, missing, foreign, duplicates, unreadable} | null, verified}' } },
  examples: [
    { command: 'keydrill verify audit/', note: 'before signing off a bundle handed over' },
    { command: 'keydrill verify audit/ --json', note: 'for a script' },
  ],
  async run({ values, positionals, output }) {
    const dir = positionals[0] as string;
    let manifest: z.output<typeof Manifest>;
    try {
      manifest = await manifestOf(dir);
    } catch (err) {
      // A manifest.json that SHA256SUMS seals with another digest was damaged or changed: the
      // folder is a bundle that does not verify, not "no bundle".
      const files = err instanceof UsageError && err.message.startsWith(`verify: ${join(dir, MANIFEST_FILE)} `) ? await verifyBundle(dir) : undefined;
      if (!(err instanceof UsageError) || !files?.problems.includes(`changed: ${MANIFEST_FILE}`)) throw err;
      const seal = (await digestFile(join(dir, SUMS_FILE))).sha256;
      if (values.json) {
        output.json({ bundle: dir, runId: null, seal, files: { checked: files.checked, problems: files.problems }, eventSet: null, verified: false });
        return EXIT_FAILED;
      }
      console.log(`audit bundle ${dir}: its ${MANIFEST_FILE} cannot be read (${err.message.slice(`verify: ${join(dir, MANIFEST_FILE)} `.length)}), and ${SUMS_FILE} sealed another`);
      console.log(`  files: ${files.problems.length} problem${files.problems.length === 1 ? '' : 's'} against ${SUMS_FILE}:\n${files.problems.map((p) => `    ${p}`).join('\n')}`);
      console.log(`  seal: SHA-256 of ${SUMS_FILE} is ${seal} (compare it with the sign-off's)`);
      console.log(`  event set: not recomputed: the run and its digest are named in ${MANIFEST_FILE}`);
      console.log('NOT verified');
      return EXIT_FAILED;
    }
    const files = await verifyBundle(dir);
    const seal = (await digestFile(join(dir, SUMS_FILE))).sha256;
    const { eventSet } = manifest;
    const sealed = sealedEventSet(eventSet);
    // A bundle made without the run's records has nothing to recompute the digest from.
    const recheck = sealed && eventSet.exported > 0 ? await recheckEventSet(dir, BUNDLE_FILES.cloudtrail, manifest.runId, sealed.records) : undefined;
    // A finished run's bundle without its CloudTrail records is not the evidence it claims to hold;
    // an unfinished run's bundle that sealed no digest of its records has nothing to hold them to.
    const eventSetHolds = recheck === undefined
      ? sealed === undefined || sealed.records === 0
      : recheck.sha256 === sealed?.sha256 && recheck.missing.count === 0 && recheck.foreign === 0 && recheck.duplicates === 0 && recheck.unreadable.length === 0;
    const verified = files.ok && eventSetHolds;
    if (values.json) {
      output.json({
        bundle: dir, runId: manifest.runId, seal, files: { checked: files.checked, problems: files.problems },
        eventSet: recheck && sealed ? { expected: sealed.sha256, sealedBy: sealed.by, recomputed: recheck.sha256, found: recheck.found, records: recheck.expected, missing: recheck.missing.count, foreign: recheck.foreign, duplicates: recheck.duplicates, unreadable: recheck.unreadable } : null,
        verified,
      });
      return verified ? EXIT_OK : EXIT_FAILED;
    }
    console.log(`audit bundle ${dir}: run ${manifest.runId} (${manifest.scenario.title})`);
    console.log(files.ok ? `  files: all ${files.checked} match ${SUMS_FILE}, and no other file is in the folder` : `  files: ${files.problems.length} problem${files.problems.length === 1 ? '' : 's'} against ${SUMS_FILE}:\n${files.problems.map((p) => `    ${p}`).join('\n')}`);
    console.log(`  seal: SHA-256 of ${SUMS_FILE} is ${seal} (compare it with the sign-off's)`);
    console.log(`  event set: ${eventSetText(sealed, eventSet.exported, recheck)}`);
    console.log(verified ? 'verified' : 'NOT verified');
    return verified ? EXIT_OK : EXIT_FAILED;
  },
});

async function manifestOf(dir: string): Promise<z.output<typeof Manifest>> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`verify: ${dir}: no such folder`, { path: dir });
  if (!info.isDirectory()) throw new UsageError(`verify: ${dir}: not a folder; an audit bundle is the folder keydrill report RUN --bundle DIR wrote`, { path: dir });
  for (const file of [SUMS_FILE, MANIFEST_FILE]) {
    const found = await stat(join(dir, file)).catch(() => undefined);
    if (!found) throw new UsageError(`verify: ${dir} is not an audit bundle: it has no ${file}`, { path: dir });
    if (!found.isFile()) throw new UsageError(`verify: ${dir} is not an audit bundle: its ${file} is not a file`, { path: dir });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch {
    throw new UsageError(`verify: ${join(dir, MANIFEST_FILE)} is not JSON`, { path: dir });
  }
  const parsed = Manifest.safeParse(raw);
  if (!parsed.success) throw new UsageError(`verify: ${join(dir, MANIFEST_FILE)} is not a KeyDrill audit bundle manifest (${parsed.error.issues[0]?.path.join('.') || 'format'}: ${parsed.error.issues[0]?.message})`, { path: dir });
  return parsed.data;
}

type EventSet = z.output<typeof Manifest>['eventSet'];

/**
 * The digest the bundle's CloudTrail records are held to, and how many records it covers: the
 * run's own (a finished run sealed its event set), or for a run that did not finish the digest the
 * bundle sealed of the records it exported. Undefined when there is none (an unfinished run's
 * bundle made before bundles sealed one, or whose exported records were not the run's first N).
 */
function sealedEventSet(eventSet: EventSet): { sha256: string; records: number; by: 'run' | 'bundle' } | undefined {
  if (eventSet.sha256 !== null && eventSet.records !== null) return { sha256: eventSet.sha256, records: eventSet.records, by: 'run' };
  if (eventSet.exportedSha256) return { sha256: eventSet.exportedSha256, records: eventSet.exported, by: 'bundle' };
  return undefined;
}

function eventSetText(sealed: ReturnType<typeof sealedEventSet>, exported: number, recheck: EventSetRecheck | undefined): string {
  if (!sealed && exported === 0) return 'not recomputed: the run did not finish, so it never sealed its event set with a digest, and the bundle holds none of its CloudTrail records';
  if (!sealed) return 'not recomputed: the run did not finish, so it never sealed its event set with a digest, and the bundle sealed none of the records it holds (its manifest\'s notes say why)';
  const unfinished = sealed.by === 'bundle' ? ' (the run did not finish, so it never sealed its event set; the bundle sealed the records it holds)' : '';
  if (!recheck) return sealed.records === 0 ? 'the run made no CloudTrail record' : `the bundle holds none of the run's ${sealed.records.toLocaleString('en')} CloudTrail records, so they cannot be checked (its manifest's notes say why)`;
  const faults = [
    recheck.missing.count ? `${recheck.missing.count.toLocaleString('en')} of the run's records missing (record ${recheck.missing.first.join(', ')}${recheck.missing.count > recheck.missing.first.length ? ', …' : ''})` : '',
    recheck.foreign ? `${recheck.foreign.toLocaleString('en')} record${recheck.foreign === 1 ? '' : 's'} not of this run` : '',
    recheck.duplicates ? `${recheck.duplicates.toLocaleString('en')} eventID${recheck.duplicates === 1 ? '' : 's'} twice` : '',
    recheck.unreadable.length ? `${recheck.unreadable.length} CloudTrail file${recheck.unreadable.length === 1 ? '' : 's'} not readable as CloudTrail:\n${recheck.unreadable.map((u) => `    ${u}`).join('\n')}` : '',
  ].filter(Boolean);
  const digest = sealed.by === 'run' ? 'the run\'s digest' : 'the digest the bundle sealed';
  if (recheck.sha256 === sealed.sha256 && faults.length === 0) return `${recheck.found.toLocaleString('en')} CloudTrail records give ${recheck.sha256}, ${digest}${unfinished}`;
  return `the CloudTrail records give ${recheck.sha256}, not ${sealed.by === 'run' ? 'the run\'s' : 'the bundle\'s sealed'} ${sealed.sha256}${faults.length ? `: ${faults.join('; ')}` : ': a record was changed'}${unfinished}`;
}
