import { memo, useEffect, useMemo, useRef } from 'react';
import type { RunOverview } from '../../src-shared/api';
import { callsAndRecords, summedUp } from '../../src-shared/record-counts';
import { stopReasonAlone } from '../../src-shared/stop-reason';
import { call } from './api-client';
import { useAppState } from './app-state';
import { useLoad } from './use-call';
import { BucketBars, type BucketAxis } from './charts/bucket-bars';
import { coarserBucket, rebucket } from './charts/chart-range';
import { LineChart } from './charts/line-chart';
import { formatDuration, formatHitRatio, formatMoment, outcomeBadge } from './format';
import { RunTenants } from './run-tenants';
import { counted } from '../../src-shared/count';
import { focusIsLost } from './focus-is-lost';

/** A finished run: its verdicts with links to their evidence events, and its charts (not redrawn while a drill's progress ticks). */
export const RunView = memo(function RunView({ record, takeFocus, onFocusTaken }: {
  record: RunOverview;
  /** Focus the run's heading (the drill run from this page just ended, and its Stop button with it). */
  takeFocus?: boolean;
  onFocusTaken?: () => void;
}) {
  const { openInAudit } = useAppState();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!takeFocus) return;
    if (focusIsLost()) heading.current?.focus();
    onFocusTaken?.();
  }, [takeFocus, onFocusTaken]);
  const t = record.totals;
  const runId = record.execution.runId;
  // Evidence cites the run's CloudTrail records by number; their event ids come from the run id.
  const cited = record.verdicts.flatMap((v) => v.evidence.records.slice(0, 4));
  const { data: ids } = useLoad(() => (cited.length ? call('runs:event-ids', { runId, records: cited }) : Promise.resolve({ eventIds: [] })), [runId]);
  const eventId = (n: number) => ids?.eventIds[cited.indexOf(n)];
  // A run that ended early (cancelled, interrupted) simulated only this far; an interrupted one's last stored record may be later than its head says.
  const played = Math.min(record.scenario.duration, Math.max(record.execution.reachedAt, record.stored?.lastRecordAt ?? 0));
  const summed = summedUp(record.execution);
  const outcome = outcomeBadge({ status: record.execution.status, passed: record.passed });
  // Still playing (here or in another process): nothing is summed up or judged *yet*; it has not failed to finish.
  const playing = record.execution.status === 'started';
  // Who stopped it, what failed, that its process died: a drill that failed to start says only this of why.
  const stopped = stopReasonAlone(record.execution);
  return (
    <section className="run-view" aria-label="Run result" data-testid="run-view">
      <header className="run-head">
        <h2 ref={heading} tabIndex={-1}>{record.scenario.title}</h2>
        <span className={`badge ${outcome.tone}`} data-testid="run-outcome">{outcome.text}</span>
        {record.dataAtRisk.length > 0 ? <span className="badge fail">{counted(record.dataAtRisk.length, 'item')} of data at risk</span> : null}
        {stopped ? <p>Why it stopped: <span data-testid="run-stop-reason">{stopped}</span></p> : null}
        <p className="muted">
          <code>{runId}</code> · {record.backend.kind} KMS · seed {record.scenario.seed} · {played < record.scenario.duration ? `${formatMoment(played)} of ${formatDuration(record.scenario.duration)}` : formatDuration(record.scenario.duration)} simulated ·{' '}
          {summed ? (
            <><span data-testid="run-calls">{callsAndRecords(t, record.eventCount)}</span> · cache hit ratio {formatHitRatio(t.cacheHitRatio)} · {t.canaries.written.toLocaleString('en')} canary records written, {record.execution.status === 'completed' ? `${t.canaries.lost.toLocaleString('en')} lost` : 'lost ones counted only at a drill\'s end'}</>
          ) : (
            <span data-testid="not-summed">
              {playing ? 'not summed up yet (the run is still playing)' : 'never summed up (the run did not finish)'}
              {record.stored ? ` · the event store holds ${record.stored.records.toLocaleString('en')} CloudTrail records of it${playing ? ' so far' : ''} and ${record.stored.observations.toLocaleString('en')} calls that never reached KMS` : ''}
            </span>
          )}
        </p>
      </header>
      {record.backend.simulated.length > 0 ? (
        <ul className="notes">{record.backend.simulated.map((n) => <li key={n.step}>timeline[{n.step}] {n.do}: {n.note}</li>)}</ul>
      ) : null}
      <h3>Verdicts</h3>
      {record.verdicts.length === 0 && record.execution.status !== 'completed' ? <p className="muted" data-testid="not-judged">{playing ? 'None yet: the run is still playing; its expectations are judged at its end.' : 'None: a run that did not play to its end judges no expectation.'}</p> : null}
      <ul className="verdicts">
        {record.verdicts.map((v, i) => (
          <li key={i} className={v.passed ? 'pass' : 'fail'} data-testid="verdict">
            <span className="mark" aria-label={v.passed ? 'passed' : 'failed'}>{v.passed ? '✓' : '✗'}</span>
            <span className="summary">{v.summary}</span>
            {v.evidence.records.length > 0 ? (
              <span className="evidence">
                evidence:{' '}
                {v.evidence.records.slice(0, 4).map((n) => {
                  const id = eventId(n);
                  return (
                    <button key={n} type="button" className="link mono" disabled={!id} title={id ? `Open CloudTrail event ${id} (record #${n} of the run) in the audit log` : `record #${n}`} onClick={() => id && openInAudit({ eventId: id })}>
                      {id ? id.slice(0, 8) : `#${n}`}
                    </button>
                  );
                })}
                {/* Beyond those shown, the others cited, and those that support the verdict but are not cited (evidence.supporting). */}
                {(v.evidence.supporting?.records ?? v.evidence.records.length) > 4 ? <span className="muted"> +{((v.evidence.supporting?.records ?? v.evidence.records.length) - 4).toLocaleString('en')} more</span> : null}
              </span>
            ) : null}
            {/* Calls that never reached KMS are evidence too (an outage refused them): no CloudTrail event, but each opens in Audit's table of the run's client-side observations. */}
            {v.evidence.observations?.length ? (
              <span className="evidence" data-testid="verdict-observations">
                {v.evidence.records.length > 0 ? ' · ' : 'evidence: '}
                {/* A sample of many says so, as the reports do ("cited: the first 3 of the 751"): three calls are not the evidence, they are its first. */}
                {observationsText(v.evidence.observations.length, v.evidence.supporting?.observations)} (client-side observations{' '}
                {v.evidence.observations.slice(0, 4).map((n, k) => (
                  <span key={n}>
                    {k > 0 ? ', ' : ''}
                    {/* Named in full: a screen reader's list of buttons would read only "#1", "#2". */}
                    <button type="button" className="link mono" aria-label={`Open client-side observation #${n} in Audit`}
                      title={`Open client-side observation #${n} of the run (a call that never reached KMS, not a CloudTrail record) in the audit log`}
                      onClick={() => openInAudit({ runId, observation: n })}>#{n}</button>
                  </span>
                ))}
                {v.evidence.observations.length > 4 ? ', …' : ''}){' '}
                <button type="button" className="link" title="Open the run's CloudTrail events and its calls that never reached KMS, charted by cause, in the audit log" onClick={() => openInAudit({ runId })}>see the run in Audit</button>
              </span>
            ) : null}
            {v.evidence.records.length === 0 && !v.evidence.observations?.length ? <span className="muted evidence">no KMS call is evidence for this one</span> : null}
          </li>
        ))}
      </ul>
      {summed && record.tenants ? <RunTenants runId={runId} tenants={record.tenants} stoppedAt={record.execution.status === 'cancelled' ? played : undefined} /> : null}
      {summed ? <RunCharts record={record} /> : (
        <p className="muted" data-testid="no-charts">
          {playing ? 'No charts yet: a run sums up its series at its end.' : 'No charts: a run that did not finish never summed up its series.'}{' '}
          {/* A drill that failed before its first KMS call left nothing in the audit log to open. */}
          {record.stored?.records === 0 ? (playing ? 'It has made no CloudTrail record yet.' : 'It made no CloudTrail record, so the audit log holds nothing of it.') : (
            <>
              {playing ? 'Its CloudTrail records so far are in the audit log:' : 'Its CloudTrail records are in the audit log:'}{' '}
              <button type="button" className="link" onClick={() => openInAudit({ runId })}>open them in Audit</button>
            </>
          )}
        </p>
      )}
      {record.dataAtRisk.length > 0 ? (
        <>
          <h3>Data at risk at the end</h3>
          <ul className="notes">{record.dataAtRisk.map((d, i) => <li key={i}><strong>{d.what}</strong> ({d.cluster}): {d.reason}</li>)}</ul>
        </>
      ) : null}
    </section>
  );
});

/** The run's own series, on drill time from 0 to its end: availability, and sums per bucket of its calls (not redrawn when the evidence links arrive). */
const RunCharts = memo(function RunCharts({ record }: { record: RunOverview }) {
  const duration = record.scenario.duration;
  const { series, totals } = record;
  // Bars a reader can see: the record's buckets summed into round ones, at most ~100 across the drill.
  const bucket = coarserBucket(series.bucket, duration, 100);
  const axis = useMemo((): BucketAxis => ({ kind: 'drill', from: 0, to: duration, bucketMs: bucket }), [duration, bucket]);
  const bars = useMemo(() => ({ region: rebucket(series.kmsCallsByRegion, bucket), errors: rebucket(series.errorsByCode, bucket), clientSide: rebucket(series.clientSideByCode, bucket) }), [series, bucket]);
  // A fleet has one availability line for all its clusters; the tenants table above says which were down.
  const perCluster = series.availability.length > 0;
  return (
    <div className="charts">
      <LineChart title={perCluster ? 'Availability per cluster' : `Fleet availability (${record.clusterCount.toLocaleString('en')} clusters)`} unit="% of each bucket serving"
        series={perCluster ? series.availability : [series.fleetAvailability]} keep="min" yMax={100} duration={duration} playedTo={record.execution.reachedAt} bucketMs={series.bucket} testId="chart-availability" />
      <BucketBars title="KMS calls by region" series={bars.region} axis={axis} empty="No call reached KMS." testId="chart-kms-calls" />
      <BucketBars title="Failed KMS calls by error code" series={bars.errors} axis={axis} noun="failed calls" empty="No KMS call failed." testId="chart-errors" />
      {totals.clientSideCalls > 0 ? (
        <BucketBars title="Calls that never reached KMS (client-side, not CloudTrail records) by error" series={bars.clientSide} axis={axis} noun="calls"
          empty="Every call reached KMS." testId="chart-client-side" />
      ) : null}
    </div>
  );
});

/** "3 calls that never reached KMS", or "the first 3 of the 751 calls that never reached KMS" when more support the verdict than it cites. */
function observationsText(cited: number, supporting: number | undefined): string {
  const calls = (n: number) => `${n.toLocaleString('en')} call${n === 1 ? '' : 's'} that never reached KMS`;
  return supporting !== undefined && supporting > cited ? `the first ${cited.toLocaleString('en')} of the ${calls(supporting)}` : calls(cited);
}
