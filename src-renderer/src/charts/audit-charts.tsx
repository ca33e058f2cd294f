import type { AggregateDimension } from '../../../src-shared/api';
import { call } from '../api-client';
import { useLoad } from '../use-call';
import { CallsChart } from './calls-chart';
import { chartRange, DIMENSIONS, iso, toChartData, type ChartData, type ChartRange } from './chart-range';

const TITLES: Record<AggregateDimension, { title: string; empty: string }> = {
  eventName: { title: 'KMS calls per minute by operation', empty: 'No calls in this range.' },
  region: { title: 'KMS calls per minute by region', empty: 'No calls in this range.' },
  errorCode: { title: 'Failed KMS calls per minute by error code', empty: 'No call failed in this range.' },
};

interface Loaded {
  range: ChartRange;
  charts: Record<AggregateDimension, ChartData>;
}

/**
 * The Audit page's charts for its applied filter's time range and run (the event-name and
 * errors-only filters narrow the table only: the counts behind the charts are per minute, not per event).
 * `version` changes on every Apply, so pressing it again after a drill or an import redraws.
 */
export function AuditCharts({ startTime, endTime, runId, version }: { startTime?: string | undefined; endTime?: string | undefined; runId?: string | undefined; version: unknown }) {
  const { data, error, loading } = useLoad(async (): Promise<Loaded | undefined> => {
    const run = runId ? { runId } : {};
    const range = await chartRange((q) => call('audit:aggregate', q), { startTime, endTime, runId });
    if (!range) return undefined;
    const results = await Promise.all(DIMENSIONS.map((by) => call('audit:aggregate', { by, startTime: iso(range.start), endTime: iso(range.end - 1), bucketMinutes: range.bucketMinutes, ...run })));
    const [eventName, region, errorCode] = results.map((r) => toChartData(r, range)) as [ChartData, ChartData, ChartData];
    return { range, charts: { eventName, region, errorCode } };
  }, [startTime, endTime, runId, version]);

  if (error) return <p className="error" role="alert">The charts could not be drawn: {error}</p>;
  if (!data) {
    if (loading) return <p className="muted" data-testid="audit-charts-loading">Counting calls per minute…</p>;
    return (
      <p className="empty" data-testid="audit-charts-empty">
        No KMS calls {startTime || endTime ? 'in this time range' : runId ? 'in this run' : 'recorded yet'}, so there is nothing to chart.{' '}
        Run a drill on the Drills page or import CloudTrail logs on the Reports page{startTime || endTime || runId ? ', or widen the time range and run filter (Reset)' : ''}.
      </p>
    );
  }
  if (data.charts.region.total === 0) {
    return <p className="empty" data-testid="audit-charts-empty">No KMS calls between {iso(data.range.start)} and {iso(data.range.end - 1)}. Widen the time range, or press Reset.</p>;
  }
  return (
    <section className="charts audit-charts" aria-label="KMS calls per minute" data-testid="audit-charts">
      {DIMENSIONS.map((by) => (
        <CallsChart key={by} title={TITLES[by].title} empty={TITLES[by].empty} data={data.charts[by]} range={data.range} testId={`chart-calls-${by}`} />
      ))}
    </section>
  );
}
