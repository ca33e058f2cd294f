import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { LOOKUP_ATTRIBUTES, type AuditQuery, type AuditRow, type LookupAttribute } from '../../../src-shared/api';
import { call, subscribe } from '../api-client';
import { useAppState, useAppStore } from '../app-state';
import { AuditCharts } from '../charts/audit-charts';
import { formatTime } from '../format';
import { useLoad } from '../use-call';
import { VirtualTable, type Column } from '../virtual-table';

interface Filters {
  attribute: LookupAttribute | '';
  value: string;
  start: string;
  end: string;
  errorsOnly: boolean;
  runId: string;
}

const EMPTY: Filters = { attribute: '', value: '', start: '', end: '', errorsOnly: false, runId: '' };
const PAGE = 500;

const COLUMNS: Column<AuditRow>[] = [
  { key: 'time', label: 'Event time (UTC)', width: '160px', render: (r) => formatTime(r.eventTime) },
  { key: 'name', label: 'Event name', width: '170px', render: (r) => r.eventName },
  { key: 'region', label: 'Region', width: '100px', render: (r) => r.region },
  { key: 'user', label: 'User name', width: '150px', render: (r) => r.username },
  { key: 'context', label: 'Encryption context', width: 'minmax(160px, 1fr)', render: (r) => (r.encryptionContext ? Object.entries(r.encryptionContext).map(([k, v]) => `${k}=${v}`).join(', ') : '') },
  { key: 'error', label: 'Error code', width: '170px', render: (r) => (r.errorCode ? <span className="error-code">{r.errorCode}</span> : '') },
];

/** The CloudTrail event history: calls per minute charted, console lookups, a virtualized table of the results, one event's full JSON. */
export function AuditPage() {
  const { runs, auditPreset } = useAppState();
  // The charts count a whole store's calls per minute: wait until the page is first shown, so a
  // launch over a million events is not kept waiting by a page nobody has opened yet.
  const visible = useAppStore((s) => s.page === 'audit');
  const [shown, setShown] = useState(visible);
  useEffect(() => {
    if (visible) setShown(true);
  }, [visible]);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [query, setQuery] = useState<AuditQuery>({});
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  // The query the charts draw: set once the table has its rows, so the rows never wait behind the counting.
  const [chartQuery, setChartQuery] = useState<AuditQuery | undefined>();
  const generation = useRef(0);

  const fetchPage = useCallback(async (q: AuditQuery, token: string | undefined, append: boolean) => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await call('audit:lookup', { ...q, maxResults: PAGE, ...(token ? { nextToken: token } : {}) });
      if (mine !== generation.current) return;
      setRows((old) => (append ? [...old, ...page.events] : page.events));
      setNext(page.nextToken);
      setError(undefined);
      if (!append) setChartQuery(q);
      if (!append) setSelected(page.events.length > 0 && q.attribute?.key === 'EventId' ? 0 : undefined);
    } catch (err) {
      if (mine === generation.current) {
        setError((err as Error).message);
        if (!append) setChartQuery(q);
      }
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const apply = useCallback((f: Filters) => {
    const q: AuditQuery = {};
    if (f.attribute && f.value.trim()) q.attribute = { key: f.attribute, value: f.value.trim() };
    if (f.start) q.startTime = `${f.start}:00Z`;
    if (f.end) q.endTime = `${f.end}:59Z`;
    if (f.errorsOnly) q.errorsOnly = true;
    if (f.runId) q.runId = f.runId;
    setQuery(q);
    setRows([]);
    void fetchPage(q, undefined, false);
  }, [fetchPage]);

  useEffect(() => {
    const f: Filters = auditPreset?.eventId ? { ...EMPTY, attribute: 'EventId', value: auditPreset.eventId } : { ...EMPTY, runId: auditPreset?.runId ?? '' };
    setFilters(f);
    apply(f);
  }, [auditPreset, apply]);

  // A drill that just finished added events: look again with the filters on screen.
  const applied = useRef(filters);
  applied.current = filters;
  const runCount = runs.length;
  useEffect(() => {
    if (runCount > 0) apply(applied.current);
  }, [runCount, apply]);
  // So did an import (from the Reports page or the desktop File menu).
  useEffect(() => subscribe('import:finished', (f) => {
    if (f.stored > 0) apply(applied.current);
  }), [apply]);

  const onNearEnd = useCallback(() => {
    if (next && !loading) void fetchPage(query, next, true);
  }, [next, loading, query, fetchPage]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    apply(filters);
  };
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((f) => ({ ...f, [key]: value }));
  const row = selected !== undefined ? rows[selected] : undefined;

  return (
    <div className="page audit">
      <form className="filters" onSubmit={submit} aria-label="Filter the event history">
        <label className="field">
          <span>Lookup attribute</span>
          <select value={filters.attribute} onChange={(e) => set('attribute', e.target.value as LookupAttribute | '')}>
            <option value="">(any)</option>
            {LOOKUP_ATTRIBUTES.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Value</span>
          <input value={filters.value} onChange={(e) => set('value', e.target.value)} placeholder={filters.attribute ? `${filters.attribute} equals…` : 'choose an attribute first'} disabled={!filters.attribute} />
        </label>
        <label className="field">
          <span>From (UTC)</span>
          <input type="datetime-local" value={filters.start} onChange={(e) => set('start', e.target.value)} />
        </label>
        <label className="field">
          <span>To (UTC)</span>
          <input type="datetime-local" value={filters.end} onChange={(e) => set('end', e.target.value)} />
        </label>
        <label className="field">
          <span>Run</span>
          <select value={filters.runId} onChange={(e) => set('runId', e.target.value)}>
            <option value="">(all events)</option>
            {runs.map((r) => <option key={r.runId} value={r.runId}>{r.runId}</option>)}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={filters.errorsOnly} onChange={(e) => set('errorsOnly', e.target.checked)} /> Errors only
        </label>
        <button type="submit" className="primary">Apply</button>
        <button type="button" onClick={() => { setFilters(EMPTY); apply(EMPTY); }}>Reset</button>
      </form>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {/* The applied query, not the form being edited: the charts and the table show the same filter. */}
      {shown && chartQuery ? <AuditCharts startTime={chartQuery.startTime} endTime={chartQuery.endTime} runId={chartQuery.runId} version={chartQuery} /> : null}
      <p className="muted count" aria-live="polite" data-testid="audit-count">
        {loading && rows.length === 0 ? 'Looking up…' : `${rows.length.toLocaleString()}${next ? '+' : ''} event${rows.length === 1 ? '' : 's'}`}
      </p>
      {!loading && rows.length === 0 && !error ? (
        <p className="empty">No CloudTrail events match. {runs.length === 0 ? 'Run a drill on the Drills page: every KMS call it makes lands here.' : 'Loosen the filters, or press Reset.'}</p>
      ) : null}
      <div className="audit-grid">
        {rows.length > 0 ? (
          <VirtualTable label="CloudTrail events" rows={rows} columns={COLUMNS} rowKey={(r) => r.eventId} selected={selected} onSelect={setSelected} onNearEnd={onNearEnd} />
        ) : <div />}
        <EventDetail eventId={row?.eventId} />
      </div>
    </div>
  );
}

function EventDetail({ eventId }: { eventId: string | undefined }) {
  const { data, error } = useLoad(() => (eventId ? call('audit:event', { eventId }) : Promise.resolve(undefined)), [eventId]);
  if (!eventId) return <aside className="detail empty">Select an event (click, or the arrow keys in the table) to see its full CloudTrail record.</aside>;
  return (
    <aside className="detail" aria-label="Event record" data-testid="event-detail">
      <h3>{data?.record.eventName ?? 'Event'} <code className="muted">{eventId}</code></h3>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {data ? <pre>{JSON.stringify(data.record, null, 2)}</pre> : null}
    </aside>
  );
}
