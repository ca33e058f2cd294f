import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

/** The titles of the shaded "fault in force" windows of one chart. */
function windows(html: string, chart: string): string[] {
  const start = html.indexOf(`<svg id="chart-${chart}"`);
  const svg = html.slice(start, html.indexOf('</svg>', start));
  return [...svg.matchAll(/<rect [^>]*opacity="0\.75"><title>([^<]*)<\/title><\/rect>/g)].map((m) => m[1] ?? '');
}

/**
 * The availability charts say "orange: faults in force". A revocation is in force from its step until
 * the step that undoes it — access restored, the key enabled again, its deletion cancelled — and the
 * charts shade it, so the dip reads against its cause instead of beside an empty legend entry.
 */
describe('faults in force on the availability charts', () => {
  it('the vendor\'s IAM permission revoked at 1h and restored at 3h is shaded from 1h to 3h', async () => {
    const { full } = await runWhole(builtIn('vendor-iam-permission-revoke'));
    const html = renderHtmlReport(full);
    expect(windows(html, 'availability')).toEqual([expect.stringMatching(/^iam-permission-revoke: .*\(1h–3h, until iam-permission-restore\)$/)]);
  }, 60_000);

  it('a key policy revoked and restored in revocation-and-restore is shaded until access is restored', async () => {
    const { full } = await runWhole(builtIn('revocation-and-restore'));
    // One panel per cluster (globex-prod, globex-analytics), each shaded the same.
    expect(new Set(windows(renderHtmlReport(full), 'availability'))).toEqual(new Set([expect.stringMatching(/^key-policy-revoke: .*\(1h–3h, until restore-access\)$/)]));
  }, 60_000);
});
