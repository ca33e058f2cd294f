import { memo, useEffect } from 'react';
import type { AggregateDimension, AggregateQuery, AggregateResult } from '../../../src-shared/api';
import { causeText } from '../../../src-shared/client-observation';
import { call } from '../api-client';
import { useLoad } from '../use-call';
import { BucketBars, type CountSeries } from './bucket-bars';
import { chartRanges, DIMENSIONS, iso, MINUTE_MS, toCountSeries, type ChartFilter, type ChartRange } from './chart-range';
import { utcLabel } from './time-ticks';

/** A stretch's wall-clock axis: buckets on multiples of their size since the epoch, as the store counts them. */
function axisOf(range: ChartRange) {
  const size = range.bucketMinutes * MINUTE_MS;
  return { kind: 'wall' as const, from: range.start, to: range.end, bucketMs: size, origin: Math.floor(range.start / size) * size };
}

/** How long the filters stay unchanged before the counting starts. */
const SETTLE_MS = 250;

const TITLES: Record<AggregateDimension, { title: string; noun: string; empty: string }> = {
  // Records, as the table lists them: a vendor's call on its customer's key is two records (one per account's trail), what KMS did on its own is a record but no call.
  eventName: { title: 'CloudTrail records by operation', noun: 'records', empty: 'No records in this range.' },
  region: { title: 'CloudTrail records by region', noun: 'records', empty: 'No records in this range.' },
  errorCode: { title: 'Records of failed calls by error code', noun: 'records of failed calls', empty: 'No call failed in this range.' },
};

interface Stretch {
  range: ChartRange;
  /** Made once with the data: the memoized charts redraw only when their data does. */
  axis: ReturnType<typeof axisOf>;
  charts: Record<AggregateDimension, CountSeries[]>;
  /** Calls that never reached KMS (client-side observations, kept apart from CloudTrail), by cause. */
  observations: CountSeries[];
  /** Every matching call in the stretch (each call has exactly one operation). */
  total: number;
}

interface Loaded {
  stretches: Stretch[];
  /** Stretches of events too small to get charts of their own. */
  leftOut: number;
}

/**
 * The Audit page's charts for its applied filter: every filter the table follows (time, run,
 * attribute, errors only, region) narrows what is counted, bars are sums per round bucket, and
 * events that lie months apart (the drill clock, the wall clock) are charted as separate stretches.
 * `onTotal` hears how many events match in all, for the table's count.
 * `version` changes on every Apply, so pressing it again after a drill or an import redraws.
 * Memoized: typing in the filter form re-renders the page, and a fleet's charts hold thousands of
 * bars (measured: 0.2–0.4 s a keystroke at 229,000 records when they were drawn again each time).
 */
export const AuditCharts = memo(function AuditCharts({ filter, version, onTotal }: { filter: ChartFilter; version: unknown; onTotal: (total: number | undefined) => void }) {
  const { data, error, loading } = useLoad(async (signal): Promise<Loaded> => {
    // The table's rows come first: counting waits until the filters have been still for a moment,
    // and then asks one question at a time, so a filter applied meanwhile is answered at once and
    // the counting it made pointless is dropped (the signal aborts).
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    signal.throwIfAborted();
    const aggregate = (q: AggregateQuery) => call('audit:aggregate', q, { signal });
    const { ranges, leftOut } = await chartRanges(aggregate, filter);
    const { startTime: _s, endTime: _e, ...rest } = filter;
    const stretches: Stretch[] = [];
    for (const range of ranges) {
      const results: AggregateResult[] = [];
      for (const by of DIMENSIONS) results.push(await aggregate({ ...rest, by, startTime: iso(range.start), endTime: iso(range.end - 1), bucketMinutes: range.bucketMinutes }));
      const [eventName, region, errorCode] = results.map(toCountSeries) as [CountSeries[], CountSeries[], CountSeries[]];
      const total = eventName.reduce((n, s) => n + s.points.reduce((m, [, c]) => m + c, 0), 0);
      // Observations have no CloudTrail attributes: they follow the time range and the run only.
      const observed = await call('audit:observation-aggregate', { by: 'cause', startTime: iso(range.start), endTime: iso(range.end - 1), bucketMinutes: range.bucketMinutes, ...(filter.runId ? { runId: filter.runId } : {}) }, { signal });
      stretches.push({ range, axis: axisOf(range), charts: { eventName, region, errorCode }, observations: toCountSeries(observed).map((o) => ({ ...o, label: causeText(o.label) })), total });
    }
    return { stretches, leftOut };
  }, [version]);
  // The count is known only when every stretch was charted.
  const total = data && data.leftOut === 0 ? data.stretches.reduce((n, s) => n + s.total, 0) : undefined;
  useEffect(() => onTotal(loading ? undefined : total), [total, loading, onTotal]);

  if (error) return <p className="error" role="alert">The charts could not be drawn: {error}</p>;
  if (!data) return loading ? <p className="muted" data-testid="audit-charts-loading">Counting the records…</p> : null;
  const narrowed = Boolean(filter.startTime || filter.endTime || filter.runId || filter.attribute || filter.errorsOnly || filter.region);
  if (data.stretches.every((s) => s.total === 0)) {
    return (
      <p className="empty" data-testid="audit-charts-empty">
        No CloudTrail records {narrowed ? 'match these filters' : 'yet'}, so there is nothing to chart.{' '}
        {narrowed ? 'Loosen the filters, or press Reset.' : 'Run a drill on the Drills page or import CloudTrail logs on the Reports page.'}
      </p>
    );
  }
  const split = data.stretches.length > 1;
  return (
    <section className="audit-charts" aria-label="CloudTrail records over time" data-testid="audit-charts" aria-busy={loading}>
      {split ? (
        <p className="muted" data-testid="audit-stretches">
          {/* As drill-runner.ts stamps them: every drill on its virtual clock (watched ones too), started at a fixed moment on the
              embedded KMS and at the wall-clock moment of its start on LocalStack or AWS; only imported logs and keydrill kms serve keep the wall clock. */}
          These events lie in {data.stretches.length} stretches of time months apart — a drill&apos;s records carry its simulated time (on the embedded KMS
          from the same fixed start every run; on LocalStack or AWS from the moment it started, so up to the drill&apos;s length ahead of the wall clock),
          imported CloudTrail logs and <code>keydrill kms serve</code> the wall clock — so each stretch is charted on its own axis.{data.leftOut ? ` ${data.leftOut} smaller stretch${data.leftOut === 1 ? '' : 'es'} not charted: choose a run or a time range to see them.` : ''}
        </p>
      ) : null}
      {data.stretches.map((s) => (
        <div key={s.range.start} className="stretch" data-testid="audit-stretch">
          {split ? <h3 className="stretch-title">{utcLabel(s.range.start)} to {utcLabel(s.range.end)} · {s.total.toLocaleString('en')} record{s.total === 1 ? '' : 's'}</h3> : null}
          <div className="charts">
            {DIMENSIONS.map((by) => <BucketBars key={by} title={TITLES[by].title} noun={TITLES[by].noun} empty={TITLES[by].empty} series={s.charts[by]} testId={`chart-calls-${by}`} axis={s.axis} />)}
            {s.observations.length > 0 ? (
              <BucketBars title="Calls that never reached KMS by cause" note={`client-side observations, not CloudTrail records${filter.attribute || filter.errorsOnly || filter.region ? '; by time and run only' : ''}`}
                noun="calls" empty="Every call reached KMS." series={s.observations} testId="chart-observations" axis={s.axis} />
            ) : null}
          </div>
        </div>
      ))}
    </section>
  );
});
