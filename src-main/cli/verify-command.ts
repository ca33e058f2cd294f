import type { BundleVerification } from '../../src-shared/api-bundle-verification';
import { NotAnAuditBundle, verifyAuditBundle } from '../report/bundle-verification';
import { MANIFEST_FILE, SUMS_FILE } from '../report/manifest';
import { defineCommand } from './command-spec';
import { EXIT_FAILED, EXIT_OK, UsageError } from './usage-error';

/**
 * `keydrill verify audit/`: what an auditor checks before signing off an audit bundle, in one
 * command — every file against SHA256SUMS and no file added beside them (which `sha256sum -c`
 * does not notice), the seal's own digest to compare with the one quoted in the sign-off, and the
 * run's event-set digest recomputed from its CloudTrail files.
 */
export const verifyCommand = defineCommand({
  path: ['verify'],
  summary: 'check an audit bundle: its files, its seal, and its CloudTrail records against the run\'s event-set digest',
  description: `Checks every file of an audit bundle (keydrill report RUN --bundle DIR) against ${SUMS_FILE}, reports files added beside them and files that are not what ${MANIFEST_FILE} says (another run's run record, another digest), prints the SHA-256 of ${SUMS_FILE} (the seal: compare it with the one in the sign-off), and recomputes the run's event-set digest from the bundle's CloudTrail files (for a run that did not finish, the digest the bundle sealed of the records it holds), naming records missing or not of the run (a record changed in place shows as another digest: one digest seals them all, so which record changed is not known). Exit 0 when all holds, 1 when anything does not, 2 when the folder is no audit bundle.`,
  args: [{ name: 'bundle', complete: 'dir', description: 'the audit bundle\'s folder' }],
  options: { json: { type: 'boolean', description: 'print {bundle, runId, seal, files: {checked, problems}, againstManifest: [problem], eventSet: {expected, sealedBy (run | bundle), recomputed, found, records, missing, foreign, duplicates, unreadable} | null, verified}' } },
  examples: [
    { command: 'keydrill verify audit/', note: 'before signing off a bundle handed over' },
    { command: 'keydrill verify audit/ --json', note: 'for a script' },
  ],
  async run({ values, positionals, output }) {
    const dir = positionals[0] as string;
    let verdict: BundleVerification;
    try {
      verdict = await verifyAuditBundle(dir);
    } catch (err) {
      if (err instanceof NotAnAuditBundle) throw new UsageError(`verify: ${err.message}`, { path: err.path });
      throw err;
    }
    const { run, seal, files, againstManifest, eventSet, verified } = verdict;
    const exit = verified ? EXIT_OK : EXIT_FAILED;
    if (values.json) {
      const { sealed, recheck } = eventSet ?? {};
      output.json({
        bundle: dir, runId: run?.runId ?? null, seal, files: { checked: files.checked, problems: files.problems }, againstManifest,
        eventSet: recheck && sealed ? { expected: sealed.sha256, sealedBy: sealed.by, recomputed: recheck.sha256, found: recheck.found, records: recheck.expected, missing: recheck.missing.count, foreign: recheck.foreign, duplicates: recheck.duplicates, unreadable: recheck.unreadable } : null,
        verified,
      });
      return exit;
    }
    const sealedAnother = files.problems.includes(`changed: ${MANIFEST_FILE}`) ? `, and ${SUMS_FILE} sealed another` : '';
    console.log(run ? `audit bundle ${dir}: run ${run.runId} (${run.scenarioTitle})` : `audit bundle ${dir}: its ${MANIFEST_FILE} cannot be read (${verdict.manifestProblem})${sealedAnother}`);
    console.log(files.ok ? `  files: all ${files.checked} match ${SUMS_FILE}, and no other file is in the folder` : `  files: ${files.problems.length} problem${files.problems.length === 1 ? '' : 's'} against ${SUMS_FILE}:\n${files.problems.map((p) => `    ${p}`).join('\n')}`);
    if (againstManifest.length) console.log(`  manifest: ${againstManifest.length} file${againstManifest.length === 1 ? ' is' : 's are'} not what ${MANIFEST_FILE} says:\n${againstManifest.map((p) => `    ${p}`).join('\n')}`);
    console.log(`  seal: SHA-256 of ${SUMS_FILE} is ${seal} (compare it with the sign-off's)`);
    console.log(`  event set: ${eventSet ? eventSetText(eventSet) : `not recomputed: the run and its digest are named in ${MANIFEST_FILE}`}`);
    console.log(verified ? 'verified' : 'NOT verified');
    return exit;
  },
});

function eventSetText({ sealed, exported, recheck, holds }: NonNullable<BundleVerification['eventSet']>): string {
  if (!sealed && exported === 0) return 'not recomputed: the run did not finish, so it never sealed its event set with a digest, and the bundle holds none of its CloudTrail records';
  if (!sealed) return 'not recomputed: the run did not finish, so it never sealed its event set with a digest, and the bundle sealed none of the records it holds (its manifest\'s notes say why)';
  const unfinished = sealed.by === 'bundle' ? ' (the run did not finish, so it never sealed its event set; the bundle sealed the records it holds)' : '';
  if (!recheck && sealed.records === 0) return holds ? 'the run made no CloudTrail record' : `the manifest counts no CloudTrail record, but the run's event-set digest ${sealed.sha256} is not the digest of none: records were taken out`;
  if (!recheck) return `the bundle holds none of the run's ${sealed.records.toLocaleString('en')} CloudTrail records, so they cannot be checked (its manifest's notes say why)`;
  const faults = [
    recheck.missing.count ? `${recheck.missing.count.toLocaleString('en')} of the run's records missing (record ${recheck.missing.first.join(', ')}${recheck.missing.count > recheck.missing.first.length ? ', …' : ''})` : '',
    recheck.foreign ? `${recheck.foreign.toLocaleString('en')} record${recheck.foreign === 1 ? '' : 's'} not of this run` : '',
    recheck.duplicates ? `${recheck.duplicates.toLocaleString('en')} eventID${recheck.duplicates === 1 ? ' occurs' : 's occur'} twice` : '',
    recheck.unreadable.length ? `${recheck.unreadable.length} CloudTrail file${recheck.unreadable.length === 1 ? '' : 's'} not readable as CloudTrail:\n${recheck.unreadable.map((u) => `    ${u}`).join('\n')}` : '',
  ].filter(Boolean);
  const digest = sealed.by === 'run' ? 'the run\'s digest' : 'the digest the bundle sealed';
  const gives = `${recheck.found.toLocaleString('en')} CloudTrail records give ${recheck.sha256}, ${digest}`;
  if (recheck.sha256 === sealed.sha256) return faults.length === 0 ? `${gives}${unfinished}` : `${gives}, but ${faults.join('; ')}${unfinished}`;
  return `the CloudTrail records give ${recheck.sha256}, not ${sealed.by === 'run' ? 'the run\'s' : 'the bundle\'s sealed'} ${sealed.sha256}${faults.length ? `: ${faults.join('; ')}` : ': a record was changed'}${unfinished}`;
}
