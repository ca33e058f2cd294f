import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

describe('the fleet availability chart of a one-cluster drill', () => {
  it('labels its series "fleet: 1 cluster", not "1 clusters"', async () => {
    const { full } = await runWhole(builtIn('vendor-iam-permission-revoke'));
    const html = renderHtmlReport(full);
    expect(html).toContain('fleet: 1 cluster<');
    expect(html).not.toContain('1 clusters');
  }, 60_000);
});
