import { useState, type FormEvent } from 'react';
import type { BackendKind, LookupImportQuery } from '../../src-shared/api';
import { call } from './api-client';
import { useLoad } from './use-call';
import { parseUtcRange, UtcTimeInput } from './utc-time';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * What LookupEvents reads on each backend, as it is: AWS answers it; LocalStack's free edition has
 * no CloudTrail ("not included in your current license plan"); the embedded KMS keeps its CloudTrail
 * in this app's own event store, so its events are on the Audit page already (`keydrill kms serve`
 * answers LookupEvents from that store for other tools).
 */
const BACKEND_NOTES: Record<BackendKind, { note: string; canImport: boolean }> = {
  aws: { note: 'Reads CloudTrail LookupEvents in AWS', canImport: true },
  localstack: { note: 'Asks LocalStack for CloudTrail LookupEvents: only LocalStack Pro serves them (the free edition answers that CloudTrail is not in its plan)', canImport: true },
  embedded: {
    note: 'The embedded KMS writes its CloudTrail into this app’s own event store, so its events are already on the Audit page: there is nothing to import. To pull events from AWS CloudTrail, choose the AWS backend on the Settings page, or import log files above.',
    canImport: false,
  },
};

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
    const range = parseUtcRange(start, end);
    if ('error' in range) return setError(range.error);
    const query: LookupImportQuery = { region: shownRegion, ...range };
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
      <UtcTimeInput label="From" value={start} onChange={setStart} />
      <UtcTimeInput label="To" value={end} onChange={setEnd} />
      <label className="field">
        <span>Max pages of 50</span>
        <input type="number" min={1} max={10_000} value={maxPages} onChange={(e) => setMaxPages(e.target.value)} style={{ width: 90 }} />
      </label>
      <button type="submit" className="primary" disabled={busy || (backend !== undefined && !BACKEND_NOTES[backend.kind].canImport)}>{busy ? 'Starting…' : 'Import from LookupEvents'}</button>
      <span className="muted" data-testid="lookup-backend-note">
        {backend ? `${BACKEND_NOTES[backend.kind].note}${backend.kind === 'aws' && backend.profile ? ` (profile ${backend.profile})` : ''}${BACKEND_NOTES[backend.kind].canImport ? ', the backend chosen on the Settings page.' : ''}` : ''}
      </span>
      {error ? <p className="error" role="alert">{error}</p> : null}
    </form>
  );
}
