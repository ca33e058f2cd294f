import { describe, expect, it } from 'vitest';
import type { BundleVerification } from '../../src-shared/api-bundle-verification';
import { eventSetFindings, fileProblem, fileProblemWords } from '../../src-renderer/src/bundle-verdict-text';

/** What the Reports page says of a bundle's event set and files: the findings `keydrill verify` prints, in rows. */
const RUN = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);
type EventSet = NonNullable<BundleVerification['eventSet']>;
const recheck = (over: Partial<NonNullable<EventSet['recheck']>> = {}): NonNullable<EventSet['recheck']> => ({
  sha256: RUN, found: 34, expected: 34, missing: { count: 0, first: [] }, foreign: 0, duplicates: 0, unreadable: [], ...over,
});
const findings = (eventSet: EventSet | null, manifestProblem: string | null = null) => eventSetFindings({ eventSet, manifestProblem });
const sealedByRun = { sha256: RUN, records: 34, by: 'run' as const };

describe('the verdict on a bundle\'s event set, as the Reports page words it', () => {
  it('says the records give the run\'s digest when they do, with both digests shown', () => {
    const f = findings({ sealed: sealedByRun, exported: 34, recheck: recheck(), holds: true });
    expect(f.summary).toBe('34 CloudTrail records give the run’s digest.');
    expect(f.rows.map((r) => [r.label, r.value, r.bad ?? false])).toEqual([
      ['The run’s digest', RUN, false],
      ['Recomputed from the CloudTrail files', RUN, false],
      ['Records of the run found', '34 of 34', false],
    ]);
  });

  it('calls a digest that differs with every record present a changed record', () => {
    const f = findings({ sealed: sealedByRun, exported: 34, recheck: recheck({ sha256: OTHER }), holds: false });
    expect(f.summary).toBe('The CloudTrail records give another digest: a record was changed.');
    expect(f.rows.find((r) => r.bad)?.value).toBe(OTHER);
  });

  it('says a digest that matches with eventIDs found twice matches, and what still does not hold', () => {
    const f = findings({ sealed: sealedByRun, exported: 34, recheck: recheck({ duplicates: 34 }), holds: false });
    expect(f.summary).toBe('The CloudTrail records give the run’s digest, but:');
    expect(f.rows.filter((r) => r.bad).map((r) => [r.label, r.value])).toEqual([['Found twice', '34 eventIDs']]);
  });

  it('counts records missing, not of the run, twice, and files not readable, each as a row that does not hold', () => {
    const f = findings({
      sealed: sealedByRun, exported: 34, holds: false,
      recheck: recheck({ sha256: OTHER, found: 27, missing: { count: 7, first: [1, 2, 3, 4, 5] }, foreign: 1, duplicates: 2, unreadable: ['cloudtrail/a.json.gz: is not a valid gzip file'] }),
    });
    expect(f.summary).toBe('The CloudTrail records do not match the run’s:');
    expect(Object.fromEntries(f.rows.filter((r) => r.bad).map((r) => [r.label, r.value]))).toEqual({
      'Recomputed from the CloudTrail files': OTHER,
      'Records of the run found': '27 of 34',
      Missing: '7 records (record 1, 2, 3, 4, 5, …)',
      'Not of this run': '1 record',
      'Found twice': '2 eventIDs',
      'Not readable as CloudTrail': '1 file',
    });
    expect(f.unreadable).toEqual(['cloudtrail/a.json.gz: is not a valid gzip file']);
  });

  it('says why nothing was recomputed: a manifest that cannot be read, an unfinished run, a bundle without the records', () => {
    expect(findings(null, 'is not JSON').summary).toBe('Not recomputed: manifest.json names the run and its digest, and it cannot be read (is not JSON).');
    expect(findings({ sealed: null, exported: 0, recheck: null, holds: true }).summary).toMatch(/^Not recomputed: the run did not finish, .* holds none of its CloudTrail records\.$/);
    expect(findings({ sealed: sealedByRun, exported: 0, recheck: null, holds: false }).summary).toBe('The bundle holds none of the run’s 34 CloudTrail records, so they cannot be checked (its manifest’s notes say why).');
    // A run that made none holds; a manifest that counts none under a digest of some does not.
    const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    expect(findings({ sealed: { sha256: EMPTY, records: 0, by: 'run' }, exported: 0, recheck: null, holds: true }).summary).toBe('The run made no CloudTrail record.');
    expect(findings({ sealed: { sha256: RUN, records: 0, by: 'run' }, exported: 0, recheck: null, holds: false }).summary).toBe(`The manifest counts no CloudTrail record, but the run’s event-set digest ${RUN} is not the digest of none: records were taken out.`);
    expect(findings({ sealed: { sha256: RUN, records: 12, by: 'bundle' }, exported: 12, recheck: recheck({ found: 12, expected: 12 }), holds: true }).summary).toBe('12 CloudTrail records give the digest the bundle sealed.');
  });
});

describe('the bundle\'s files against SHA256SUMS', () => {
  it('splits each problem into what happened and to which file, in plain words', () => {
    expect(fileProblem('not listed: cloudtrail/extra.json')).toEqual({ kind: 'not listed', path: 'cloudtrail/extra.json' });
    expect(fileProblemWords('not listed')).toBe('added: not in SHA256SUMS');
    expect(fileProblemWords(fileProblem('changed: manifest.json').kind)).toBe('changed since it was sealed');
    expect(fileProblem('line 3 of SHA256SUMS is not "<sha256>  <path>"')).toEqual({ kind: 'line 3 of SHA256SUMS is not "<sha256>  <path>"', path: '' });
  });
});
