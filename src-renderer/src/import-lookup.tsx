import { useState, type FormEvent } from 'react';
import type { LookupImportQuery } from '../../src-shared/api';
import { call } from './api-client';
import { useLoad } from './use-call';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const BACKEND_NAMES = { embedded: 'the embedded KMS', localstack: 'LocalStack', aws: 'AWS' } as const;

/**
 * Pulls KMS events from CloudTrail's LookupEvents API of the backend chosen on the Settings page
 * (`audit:import-lookup`): a region, an optional UTC time range, and how many pages of 50 at most
 * (AWS answers 2 requests a second, so 100 pages take about a minute).
 */
export function ImportLookupForm({ onStarted }: { onStarted: (jobId: string) => void }) {
  const settings = useLoad(() => call('settings:get', {}), []);
  const backend = settings.data?.backend;
  const [region, setRegion] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [maxPages, setMaxPages] = useState('20');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const shownRegion = region || (backend?.kind === 'aws' ? backend.regions[0] ?? '' : 'us-east-1');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    if (!REGION.test(shownRegion)) return setError(`"${shownRegion}" is not an AWS region like us-east-1.`);
    const pages = maxPages.trim() === '' ? undefined : Number(maxPages);
    if (pages !== undefined && !(Number.isInteger(pages) && pages >= 1 && pages <= 10_000)) return setError('Max pages is a whole number from 1 to 10000, or empty for every page.');
    const query: LookupImportQuery = { region: shownRegion };
    if (start) query.startTime = `${start}:00Z`;
    if (end) query.endTime = `${end}:59Z`;
    if (pages !== undefined) query.maxPages = pages;
    setBusy(true);
    try {
      onStarted((await call('audit:import-lookup', query)).jobId);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="filters import-lookup" onSubmit={(e) => void submit(e)} aria-label="Import from CloudTrail LookupEvents">
      <label className="field">
        <span>Region</span>
        <input value={shownRegion} onChange={(e) => setRegion(e.target.value.trim())} size={14} />
      </label>
      <label className="field">
        <span>From (UTC, optional)</span>
        <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
      </label>
      <label className="field">
        <span>To (UTC, optional)</span>
        <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
      </label>
      <label className="field">
        <span>Max pages of 50</span>
        <input type="number" min={1} max={10_000} value={maxPages} onChange={(e) => setMaxPages(e.target.value)} style={{ width: 90 }} />
      </label>
      <button type="submit" className="primary" disabled={busy}>{busy ? 'Starting…' : 'Import from LookupEvents'}</button>
      <span className="muted">
        {backend ? `Reads the CloudTrail of ${BACKEND_NAMES[backend.kind]}${backend.kind === 'aws' && backend.profile ? ` (profile ${backend.profile})` : ''}, as chosen on the Settings page.` : ''}
      </span>
      {error ? <p className="error" role="alert">{error}</p> : null}
    </form>
  );
}
