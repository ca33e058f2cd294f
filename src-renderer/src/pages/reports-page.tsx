import { useEffect, useRef, useState } from 'react';
import type { ExportedReport, ReportFormat } from '../../../src-shared/api';
import { REPORT_FORMATS } from '../../../src-shared/api-lists';
import { summedUp } from '../../../src-shared/record-counts';
import { stopReasonText } from '../../../src-shared/stop-reason';
import { call, transportName } from '../api-client';
import { useAppState, useAppStore } from '../app-state';
import { BundleVerify } from '../bundle-verify';
import { CloudTrailImport } from '../cloudtrail-import';
import { expectationsText, formatBytes, formatUtc } from '../format';
import { RunPicker } from '../run-picker';

const DESCRIPTIONS: Record<ReportFormat, string> = {
  html: 'Self-contained HTML with charts and the hierarchy diagram; opens in any browser.',
  pdf: 'The HTML report printed to A4 by Chromium, for the audit file.',
  json: 'The run record as stable JSON: the same scenario and seed give the same bytes.',
  csv: 'Long-format CSV of verdicts, timeline and series, for spreadsheets.',
  cloudtrail: 'The run’s KMS calls as CloudTrail log files in the S3 AWSLogs/ layout, for Athena or CloudTrail Lake.',
  bundle: 'For the auditor: every report and the CloudTrail logs in one folder, sealed by a SHA256SUMS manifest (check it under Verify an audit bundle below, with keydrill verify, or with sha256sum -c SHA256SUMS in the folder).',
};

const LABELS: Partial<Record<ReportFormat, string>> = { cloudtrail: 'CloudTrail logs', bundle: 'audit bundle' };

/** The desktop window asks where to save; a browser gets the file from the data folder's reports/ through a download link. */
const desktop = transportName === 'desktop';

/** Exports the selected run in each format, and imports CloudTrail logs into the event store. */
export function ReportsPage() {
  const { runId, runs } = useAppState();
  const exportRequest = useAppStore((s) => s.exportRequest);
  const [busy, setBusy] = useState<ReportFormat | undefined>();
  const [done, setDone] = useState<ExportedReport[]>([]);
  const [notes, setNotes] = useState<Partial<Record<ReportFormat, { text: string; error: boolean }>>>({});
  const exportsRef = useRef<HTMLElement>(null);
  const summary = runs.find((r) => r.runId === runId);

  // File › Export Report… lands here: bring the export buttons into view and focus the first.
  useEffect(() => {
    if (exportRequest === 0) return;
    exportsRef.current?.scrollIntoView({ block: 'start' });
    exportsRef.current?.querySelector<HTMLButtonElement>('button[data-format]')?.focus();
  }, [exportRequest]);

  const exportAs = async (format: ReportFormat) => {
    if (!runId) return;
    setBusy(format);
    setNotes((n) => ({ ...n, [format]: undefined }));
    try {
      const out = await call('reports:export', { runId, format, ...(desktop ? { saveAs: true } : {}) });
      if (out.cancelled) {
        setNotes((n) => ({ ...n, [format]: { text: 'Not exported: the save dialog was closed.', error: false } }));
        return;
      }
      const { cancelled: _cancelled, ...report } = out;
      setDone((d) => [report, ...d]);
    } catch (err) {
      setNotes((n) => ({ ...n, [format]: { text: (err as Error).message, error: true } }));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <div className="page reports">
      <section className="exports" ref={exportsRef} aria-label="Export a run's report">
        <RunPicker label="Export run" />
        {summary ? (
          <p className="muted">
            {summary.title} · {expectationsText(summary)} ·{' '}
            {/* A run still playing is not a dead one: it is summed up at its end (the Drills page's words). */}
            {summedUp(summary) ? `${summary.kmsCalls.toLocaleString('en')} KMS calls` : summary.status === 'started' ? 'not summed up yet (the run is still playing; a report now counts its records so far in the event store)' : 'calls never summed up (its report counts its records in the event store)'}
            {summary.status === 'started' ? '' : ` · ${stopReasonText(summary) ?? summary.status}`} · started {formatUtc(summary.startedAt)}
          </p>
        ) : null}
        {runId ? (
          <ul className="formats">
            {REPORT_FORMATS.map((f) => (
              <li key={f}>
                {/* aria-disabled, not disabled: a disabled button drops the focus the keyboard user pressed it with. */}
                <button type="button" className="primary" aria-disabled={busy !== undefined} onClick={() => void (busy === undefined && exportAs(f))} data-format={f}>
                  {busy === f ? 'Exporting…' : `Export ${LABELS[f] ?? f.toUpperCase()}${desktop ? '…' : ''}`}
                </button>
                <span className="muted">{DESCRIPTIONS[f]}</span>
                {notes[f] ? <p className={notes[f].error ? 'error' : 'muted'} role={notes[f].error ? 'alert' : 'status'}>{notes[f].text}</p> : null}
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
                  {d.sealSha256 ? <> <span className="muted">seal (SHA-256 of SHA256SUMS)</span> <code className="mono" data-testid="exported-seal">{d.sealSha256}</code></> : null}
                  {d.notes?.map((note) => <p key={note} className="muted">{note}</p>)}
                  {/* A folder (log files, a bundle) has no single download; it stays in the data folder. */}
                  {!desktop && d.format !== 'cloudtrail' && d.format !== 'bundle' ? <> <a href={`/downloads/reports/${encodeURIComponent(baseName(d.path))}`} download data-testid="exported-download">Download</a></> : null}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>
      <BundleVerify />
      <CloudTrailImport />
    </div>
  );
}

/** The file's own name, whichever separator the main process's platform uses. */
function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}
