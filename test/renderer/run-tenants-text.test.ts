import { describe, expect, it } from 'vitest';
import { summariseTenants } from '../../src-shared/tenant-ranking';
import type { ClusterSummary } from '../../src-shared/run-record';
import { tenantsSentence } from '../../src-renderer/src/run-tenants-text';

const cluster = (id: string, minutesUnavailable: number, nodesDownAtEnd = 0): ClusterSummary => ({
  cluster: id, tenant: id, nodes: 3, availabilityPercent: 100 - minutesUnavailable / 432, minutesUnavailable, downIntervals: minutesUnavailable > 0 ? [[3_600_000, 3_600_000 + minutesUnavailable * 60_000]] : [],
  nodesDownAtEnd, dataAtRisk: 0, kmsCalls: 10, failedKmsCalls: 0,
});

/** A UI trial: a fleet drill stopped at +10d2h of 30d said "All 300 tenants (clusters) served throughout". */
describe('the Drills page\'s tenants sentence', () => {
  const calm = summariseTenants([cluster('a', 0), cluster('b', 0)], 10);
  const hurt = summariseTenants([cluster('a', 90, 1), cluster('b', 0)], 10);

  it('of a run played to its end: served throughout, or how many were hurt', () => {
    expect(tenantsSentence(calm)).toBe('All 2 tenants (clusters) served throughout; none has data at risk or nodes down at the end.');
    expect(tenantsSentence(hurt)).toBe('1 of 2 tenants (clusters) were not serving at some moment, 90 minutes in all; 0 with data at risk, 1 with nodes down at the end.');
  });

  it('of a run stopped part-way: up to where it stopped, and no word on data at risk, which it never checked', () => {
    const stoppedAt = (10 * 24 + 2) * 3_600_000;
    expect(tenantsSentence(calm, stoppedAt)).toBe('All 2 tenants (clusters) served up to +10d2h, where the run was stopped; data at risk is checked only at a drill\'s end.');
    expect(tenantsSentence(hurt, stoppedAt)).toBe('1 of 2 tenants (clusters) were not serving at some moment up to +10d2h, where the run was stopped, 90 minutes in all; 1 with nodes down when it stopped.');
    // Summed up as unchecked (withDataAtRisk null), it gives no count of data at risk either.
    expect(tenantsSentence({ ...hurt, withDataAtRisk: null })).not.toMatch(/data at risk/);
  });
});
