import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../src-main/report/html-report';
import { builtIn, runWhole } from '../support/drill-run';

/**
 * After a failover the diagram draws each node's edge from the replica in the region it now calls,
 * while the nodes table still names the primary's ARN its master key was wrapped under: the caption
 * must say which the edge shows, or the two read as a contradiction.
 */
describe('the key hierarchy after a failover', () => {
  it('the caption says an edge leads to the key in the region the node calls, and the table names the ARN the master key is wrapped under', async () => {
    const { full } = await runWhole(builtIn('regional-outage-multi-region-key'));
    const html = renderHtmlReport(full);
    const caption = /<figcaption>(The key hierarchy at the end[^<]*)<\/figcaption>/.exec(html)?.[1] ?? '';
    // The node's edge: from the replica in us-west-2, where it calls KMS after the reconfiguration.
    expect(html).toMatch(/wrapped by arn:aws:kms:us-east-1:\d{12}:key\/mrk-[0-9a-f]+ via us-west-2/);
    expect(caption).not.toMatch(/the key and region each node(&#39;|')s master key is wrapped under/);
    expect(caption).toContain('the region the node calls KMS in');
  }, 60_000);
});
