import type { BundleVerification } from '../../src-shared/api-bundle-verification';
import { counted } from '../../src-shared/count';

/**
 * What the Reports page says of a verified audit bundle, in words an auditor reads without the
 * CLI beside them: the same findings `keydrill verify` prints, one row each.
 */

/** One problem of the files against SHA256SUMS, split as `keydrill verify` words it: `changed: report.csv`. */
export interface FileProblem {
  kind: string;
  path: string;
}

/** `changed: report.csv` → changed, report.csv; a line about SHA256SUMS itself has no path. */
export function fileProblem(problem: string): FileProblem {
  const at = problem.indexOf(': ');
  return at < 0 ? { kind: problem, path: '' } : { kind: problem.slice(0, at), path: problem.slice(at + 2) };
}

/** What the problem kinds mean to someone who did not write SHA256SUMS. */
const KIND_WORDS: Record<string, string> = {
  changed: 'changed since it was sealed',
  missing: 'missing',
  'not listed': 'added: not in SHA256SUMS',
};

export function fileProblemWords(kind: string): string {
  return KIND_WORDS[kind] ?? kind;
}

/** One line of the event-set findings; `bad` marks what keeps the bundle from verifying. */
export interface EventSetRow {
  label: string;
  value: string;
  mono?: boolean;
  bad?: boolean;
}

export interface EventSetFindings {
  holds: boolean;
  /** The sentence above the rows: held, not held, or why nothing was recomputed. */
  summary: string;
  rows: EventSetRow[];
  /** CloudTrail files not readable as CloudTrail: `path: what is wrong`. */
  unreadable: string[];
}

/** The run's event-set digest recomputed from the bundle's CloudTrail files, as rows to read. */
export function eventSetFindings(v: Pick<BundleVerification, 'eventSet' | 'manifestProblem'>): EventSetFindings {
  const set = v.eventSet;
  if (!set) return { holds: false, summary: `Not recomputed: manifest.json names the run and its digest, and it cannot be read (${v.manifestProblem ?? 'unreadable'}).`, rows: [], unreadable: [] };
  const { sealed, recheck, exported } = set;
  if (!sealed) {
    const why = exported === 0 ? 'and the bundle holds none of its CloudTrail records' : 'and the bundle sealed none of the records it holds (its manifest’s notes say why)';
    return { holds: set.holds, summary: `Not recomputed: the run did not finish, so it never sealed its event set with a digest, ${why}.`, rows: [], unreadable: [] };
  }
  if (!recheck) {
    const summary = sealed.records === 0
      ? (set.holds ? 'The run made no CloudTrail record.' : `The manifest counts no CloudTrail record, but the run’s event-set digest ${sealed.sha256} is not the digest of none: records were taken out.`)
      : `The bundle holds none of the run’s ${counted(sealed.records, 'CloudTrail record')}, so they cannot be checked (its manifest’s notes say why).`;
    return { holds: set.holds, summary, rows: [], unreadable: [] };
  }
  const same = recheck.sha256 === sealed.sha256;
  const rows: EventSetRow[] = [
    { label: sealed.by === 'run' ? 'The run’s digest' : 'Digest the bundle sealed (the run did not finish)', value: sealed.sha256, mono: true },
    { label: 'Recomputed from the CloudTrail files', value: recheck.sha256, mono: true, bad: !same },
    { label: 'Records of the run found', value: `${recheck.found.toLocaleString('en')} of ${recheck.expected.toLocaleString('en')}`, bad: recheck.found !== recheck.expected },
  ];
  const { missing } = recheck;
  if (missing.count) rows.push({ label: 'Missing', value: `${counted(missing.count, 'record')} (record ${missing.first.join(', ')}${missing.count > missing.first.length ? ', …' : ''})`, bad: true });
  if (recheck.foreign) rows.push({ label: 'Not of this run', value: counted(recheck.foreign, 'record'), bad: true });
  if (recheck.duplicates) rows.push({ label: 'Found twice', value: counted(recheck.duplicates, 'eventID'), bad: true });
  if (recheck.unreadable.length) rows.push({ label: 'Not readable as CloudTrail', value: counted(recheck.unreadable.length, 'file'), bad: true });
  const differences = rows.filter((r) => r.bad).length;
  const summary = set.holds
    ? `${counted(recheck.found, 'CloudTrail record')} give ${sealed.by === 'run' ? 'the run’s digest' : 'the digest the bundle sealed'}.`
    // A record found twice leaves the digest as it was: it matches, and the bundle still does not hold.
    : same ? `The CloudTrail records give ${sealed.by === 'run' ? 'the run’s digest' : 'the digest the bundle sealed'}, but:`
      : differences > 1 ? 'The CloudTrail records do not match the run’s:' : 'The CloudTrail records give another digest: a record was changed.';
  return { holds: set.holds, summary, rows, unreadable: recheck.unreadable };
}
