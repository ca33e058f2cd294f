import { useState } from 'react';
import { REPORT_FORMATS, type ExportedReport, type ReportFormat } from '../../../src-shared/api';
import { call } from '../api-client';
import { useAppState } from '../app-state';
import { formatBytes, formatTime } from '../format';
import { RunPicker } from '../run-picker';

const DESCRIPTIONS: Record<ReportFormat, string> = {
  html: 'Self-contained HTML with charts and the hierarchy diagram; opens in any browser.',
  pdf: 'The HTML report printed to A4 by Chromium, for the audit file.',
  json: 'The run record as stable JSON: the same scenario and seed give the same bytes.',
  csv: 'Long-format CSV of verdicts, timeline and series, for spreadsheets.',
  cloudtrail: 'The run’s KMS calls as CloudTrail log files in the S3 AWSLogs/ layout, for Athena or CloudTrail Lake.',
};

/** Exports the selected run in each format, into the data folder's reports/. */
export function ReportsPage() {
  const { runId, runs } = useAppState();
  const [busy, setBusy] = useState<ReportFormat | undefined>();
  const [done, setDone] = useState<ExportedReport[]>([]);
  const [errors, setErrors] = useState<Partial<Record<ReportFormat, string>>>({});
  const summary = runs.find((r) => r.runId === runId);

  const exportAs = async (format: ReportFormat) => {
    if (!runId) return;
    setBusy(format);
    setErrors((e) => ({ ...e, [format]: undefined }));
    try {
      const out = await call('reports:export', { runId, format });
      setDone((d) => [out, ...d]);
    } catch (err) {
      setErrors((e) => ({ ...e, [format]: (err as Error).message }));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="page reports">
      <RunPicker label="Export run" />
      {summary ? (
        <p className="muted">{summary.title} · {summary.verdictsPassed}/{summary.verdicts} expectations met · {summary.kmsCalls.toLocaleString()} KMS calls · saved {formatTime(summary.savedAt)}</p>
      ) : null}
      {runId ? (
        <ul className="formats">
          {REPORT_FORMATS.map((f) => (
            <li key={f}>
              <button type="button" className="primary" disabled={busy !== undefined} onClick={() => void exportAs(f)} data-format={f}>
                {busy === f ? 'Exporting…' : `Export ${f === 'cloudtrail' ? 'CloudTrail logs' : f.toUpperCase()}`}
              </button>
              <span className="muted">{DESCRIPTIONS[f]}</span>
              {errors[f] ? <p className="error" role="alert">{errors[f]}</p> : null}
            </li>
          ))}
        </ul>
      ) : null}
      {done.length > 0 ? (
        <>
          <h3>Written</h3>
          <ul className="written" data-testid="exported">
            {done.map((d, i) => (
              <li key={`${d.path}-${i}`}>
                <strong>{d.format.toUpperCase()}</strong> <code className="mono" data-testid="exported-path">{d.path}</code>{' '}
                <span className="muted">({d.files > 1 ? `${d.files} files, ` : ''}{formatBytes(d.bytes)})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
