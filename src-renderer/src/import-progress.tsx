import { useAppState, type AuditPreset } from './app-state';
import type { ImportJob } from './import-jobs';

/**
 * One import as it runs and how it ended: a progress bar (indeterminate while LookupEvents pages
 * keep coming), the counts, each refused file with its error, and a way into the Audit page.
 */
export function ImportProgressView({ job, expectedFiles }: { job: ImportJob; expectedFiles?: number | undefined }) {
  const { openInAudit } = useAppState();
  const { progress, finished } = job;
  if (finished && !finished.ok) {
    return (
      <div className="import-status failed" data-testid="import-status" data-state="failed" role="alert">
        <p className="error">The import stopped: {finished.error}</p>
        {finished.stored > 0 ? <p><span data-testid="import-stored">{finished.stored.toLocaleString()} stored</span> before it stopped. <AuditButton open={() => openInAudit({})} /></p> : null}
      </div>
    );
  }
  if (finished?.ok) {
    const read = finished.stored + finished.duplicates + (finished.observations ?? 0);
    return (
      <div className="import-status done" data-testid="import-status" data-state="done" aria-live="polite">
        <p>
          <strong data-testid="import-stored">{finished.stored.toLocaleString()} stored</strong>
          {' · '}{finished.duplicates.toLocaleString()} already stored (duplicates, not stored twice)
          {finished.observations ? <span data-testid="import-observations"> · {finished.observations.toLocaleString()} call{finished.observations === 1 ? '' : 's'} that never reached KMS (an older KeyDrill&apos;s export) kept as client-side observations, not as CloudTrail</span> : null}
          {finished.failed.length > 0 ? <span className="error"> · {finished.failed.length} file{finished.failed.length === 1 ? '' : 's'} refused</span> : null}
        </p>
        {finished.failed.length > 0 ? (
          <ul className="import-failed" data-testid="import-failed" aria-label="Files not imported">
            {finished.failed.map((f) => (
              <li key={f.file}><code>{f.file}</code> — nothing from it was stored: <span className="error">{f.error}</span></li>
            ))}
          </ul>
        ) : null}
        {read > 0 ? <AuditButton open={() => openInAudit(finished.span ? { range: auditRange(finished.span) } : {})} span={finished.span} /> : finished.failed.length === 0 ? <p className="muted">No events were found.</p> : null}
      </div>
    );
  }
  const total = progress?.total ?? (progress?.source === 'lookup-events' ? null : expectedFiles ?? null);
  const done = progress?.done ?? 0;
  return (
    <div className="import-status running progress" data-testid="import-status" data-state="running" aria-live="polite">
      {total === null ? <progress aria-label="Import progress" /> : <progress aria-label="Import progress" value={done} max={Math.max(total, 1)} />}
      <span>
        {progress?.source === 'lookup-events' ? `${progress.current} read` : total === null ? 'Starting…' : `${done} of ${total} file${total === 1 ? '' : 's'}`}
        {progress ? ` · ${progress.stored.toLocaleString()} stored · ${progress.duplicates.toLocaleString()} duplicates` : ''}
      </span>
      {progress && progress.source === 'files' ? <span className="muted current">{progress.current}</span> : null}
    </div>
  );
}

/**
 * The Audit page at the minutes the imported files' events were made, not at every event in the
 * store (a drill's, or another import's, would bury them): those of other sources made in the same
 * minutes still show, so the button says what it opens.
 */
function AuditButton({ open, span }: { open: () => void; span?: { first: string; last: string } | undefined }) {
  const range = span ? auditRange(span) : undefined;
  return (
    <button type="button" onClick={open} data-testid="import-open-audit">
      {range ? `Open the Audit page at their times, ${range.start} to ${range.end} UTC` : 'Open the events in the Audit page'}
    </button>
  );
}

/** The minutes from the first event's to the last's, as the Audit page's From/To fields take them. */
function auditRange(span: { first: string; last: string }): NonNullable<AuditPreset['range']> {
  const minute = (iso: string): string => new Date(Date.parse(iso)).toISOString().slice(0, 16);
  const start = minute(span.first);
  const end = minute(span.last);
  return { start: start.replace('T', ' '), end: end.replace('T', ' '), startTime: `${start}:00Z`, endTime: `${end}:59Z` };
}
