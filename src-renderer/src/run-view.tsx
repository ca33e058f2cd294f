import type { RunRecord } from '../../src-shared/api';
import { call } from './api-client';
import { useAppState } from './app-state';
import { useLoad } from './use-call';
import { LineChart } from './charts/line-chart';
import { formatDuration } from './format';

/** A finished run: its verdicts with links to their evidence events, and its charts. */
export function RunView({ record }: { record: RunRecord }) {
  const { openInAudit } = useAppState();
  const t = record.totals;
  const runId = record.execution.runId;
  // Evidence cites the run's CloudTrail records by number; their event ids come from the run id.
  const cited = record.verdicts.flatMap((v) => v.evidence.records.slice(0, 4));
  const { data: ids } = useLoad(() => (cited.length ? call('runs:event-ids', { runId, records: cited }) : Promise.resolve({ eventIds: [] })), [runId]);
  const eventId = (n: number) => ids?.eventIds[cited.indexOf(n)];
  return (
    <section className="run-view" aria-label="Run result" data-testid="run-view">
      <header className="run-head">
        <h2>{record.scenario.title}</h2>
        <span className={`badge ${record.execution.status !== 'completed' ? 'fail' : record.passed ? 'pass' : 'fail'}`}>{record.execution.status === 'cancelled' ? 'cancelled: no expectation judged' : record.execution.status === 'interrupted' ? 'interrupted: the drill did not finish' : record.passed ? 'all expectations met' : 'some expectations failed'}</span>
        {record.dataAtRisk.length > 0 ? <span className="badge fail">{record.dataAtRisk.length} item(s) of data at risk</span> : null}
        <p className="muted">
          <code>{runId}</code> · {record.backend.kind} KMS · seed {record.scenario.seed} · {formatDuration(record.scenario.duration)} simulated ·{' '}
          {t.kmsCalls.toLocaleString()} KMS calls · cache hit ratio {(t.cacheHitRatio * 100).toFixed(2)}% · {t.canaries.written} canary records written, {t.canaries.lost} lost
        </p>
      </header>
      {record.backend.simulated.length > 0 ? (
        <ul className="notes">{record.backend.simulated.map((n) => <li key={n.step}>timeline[{n.step}] {n.do}: {n.note}</li>)}</ul>
      ) : null}
      <h3>Verdicts</h3>
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
                {v.evidence.records.length > 4 ? <span className="muted"> +{v.evidence.records.length - 4} more</span> : null}
              </span>
            ) : <span className="muted evidence">no KMS call is evidence for this one</span>}
          </li>
        ))}
      </ul>
      <div className="charts">
        <LineChart title="Availability per cluster" unit="% of each bucket serving" series={record.series.availability} keep="min" yMax={100} testId="chart-availability" />
        <LineChart title="KMS calls by region" unit="calls per bucket" series={record.series.kmsCallsByRegion} testId="chart-kms-calls" />
        {record.series.errorsByCode.length > 0 ? <LineChart title="Failed KMS calls by error code" unit="errors per bucket" series={record.series.errorsByCode} /> : null}
      </div>
      {record.dataAtRisk.length > 0 ? (
        <>
          <h3>Data at risk at the end</h3>
          <ul className="notes">{record.dataAtRisk.map((d, i) => <li key={i}><strong>{d.what}</strong> ({d.cluster}): {d.reason}</li>)}</ul>
        </>
      ) : null}
    </section>
  );
}
