import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditQuery, AuditRow } from '../../../src-shared/api';
import { call, subscribe } from '../api-client';
import { useAppState, useAppStore } from '../app-state';
import { AuditFilterForm, EMPTY_FILTERS, toQuery, type FilterField, type Filters } from '../audit-filters';
import { lookupRequest, takeEarlyAnswer } from '../audit-first-page';
import { OutsideTheRangeNote } from '../audit-outside-range';
import { focusIsLost } from '../focus-is-lost';
import { RunObservations, type ObservationCite } from '../run-observations';
import { formatTime } from '../format';
import { useLoad } from '../use-call';
import { VirtualTable, type Column } from '../virtual-table';

/** The charts (recharts) load after the rows: opening the page does not wait for them. */
const AuditCharts = lazy(() => import('../charts/audit-charts').then((m) => ({ default: m.AuditCharts })));

/** A column never narrower than `least` px, taking `share` of the width the others leave. */
const track = (least: number, share: number) => `minmax(${least}px, ${share}fr)`;

// At 1440 px the table's box beside the record is 955–985 px (less the scrollbars, where they take
// room): the least widths add up to 860 px, so every column fits there, error code included, and
// shares what is left. A code or context cut short shows whole in its tooltip and in the record.
const COLUMNS: Column<AuditRow>[] = [
  { key: 'time', label: 'Event time (UTC)', width: '150px', render: (r) => formatTime(r.eventTime) },
  { key: 'name', label: 'Event name', width: track(150, 1.3), render: (r) => r.eventName },
  { key: 'region', label: 'Region', width: track(90, 0.8), render: (r) => r.region },
  { key: 'user', label: 'User name', width: track(110, 1), render: (r) => r.username },
  // KeyDrill's store holds every account's trail: a vendor's call on its customer's key is in both, the customer's record marked as such.
  { key: 'account', label: 'Trail of account', width: track(110, 1), render: (r) => (r.keyOwnerCopy ? <span title="The key owner's record of a call made from another account (same sharedEventID as the caller's record)">{r.account} <span className="muted">key owner</span></span> : (r.account ?? '')) },
  { key: 'error', label: 'Error code', width: track(150, 1.3), render: (r) => (r.errorCode ? <span className="error-code" title={r.errorCode}>{r.errorCode}</span> : '') },
  { key: 'context', label: 'Encryption context', width: track(100, 1), render: (r) => (r.encryptionContext ? <TextWithTitle text={contextText(r.encryptionContext)} /> : '') },
];

/** Text cut at its column's width, whole in its tooltip. */
function TextWithTitle({ text }: { text: string }) {
  return <span title={text}>{text}</span>;
}

function contextText(context: Record<string, string>): string {
  return Object.entries(context).map(([k, v]) => `${k}=${v}`).join(', ');
}

type Order = NonNullable<AuditQuery['order']>;

/** The CloudTrail event history: calls over time charted, console lookups, a virtualized table of the results, one event's full JSON. */
export function AuditPage() {
  const { runs, auditPreset } = useAppState();
  // The charts count the matching calls: wait until the page is first shown, so a launch over
  // millions of events is not kept waiting by a page nobody has opened yet.
  const visible = useAppStore((s) => s.page === 'audit');
  const [shown, setShown] = useState(visible);
  useEffect(() => {
    if (visible) setShown(true);
  }, [visible]);
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [formError, setFormError] = useState<{ error: string; field: FilterField } | undefined>();
  const [query, setQuery] = useState<AuditQuery>({});
  const [order, setOrder] = useState<Order>('newest');
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  // The query the charts draw: set once the table has its rows, so the rows never wait behind the counting.
  const [chartQuery, setChartQuery] = useState<AuditQuery | undefined>();
  // The charts' count, with the query it counted: shown only beside the rows of that same query.
  const [total, setTotal] = useState<{ of: AuditQuery; n: number } | undefined>();
  // A new query's charts first say they are counting (undefined), then the count: a number heard
  // before that is the last query's, still on screen for a render.
  const counting = useRef<AuditQuery | undefined>(undefined);
  const onTotal = useCallback((n: number | undefined) => {
    if (n === undefined) counting.current = chartQuery;
    setTotal(n === undefined || !chartQuery || counting.current !== chartQuery ? undefined : { of: chartQuery, n });
  }, [chartQuery]);
  const generation = useRef(0);
  const inflight = useRef<AbortController | undefined>(undefined);
  // A link on another page opened this one (a verdict's evidence, a key's events): the rows it
  // asked for take the keyboard once they are here, as the link that was pressed is now hidden.
  const focusRows = useRef(false);
  const [rowsAsked, setRowsAsked] = useState(0);
  const table = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (rowsAsked && focusIsLost()) table.current?.querySelector<HTMLElement>('[role="grid"]')?.focus();
  }, [rowsAsked]);

  const fetchPage = useCallback(async (q: AuditQuery, o: Order, token: string | undefined, append: boolean) => {
    const mine = ++generation.current;
    // A lookup the user has moved on from is dropped rather than answered first.
    inflight.current?.abort();
    const abort = new AbortController();
    inflight.current = abort;
    setLoading(true);
    try {
      const request = lookupRequest(q, o, token);
      // The first rows may already be on their way: asked as the tab opened (audit-first-page.ts).
      const page = await (takeEarlyAnswer(request) ?? call('audit:lookup', request, { signal: abort.signal }));
      if (mine !== generation.current) return;
      setRows((old) => (append ? [...old, ...page.events] : page.events));
      setNext(page.nextToken);
      setError(undefined);
      if (!append) setChartQuery((old) => (old === q ? old : q));
      if (!append) setSelected(page.events.length > 0 && q.attribute?.key === 'EventId' ? 0 : undefined);
      if (!append && focusRows.current && page.events.length > 0) setRowsAsked((n) => n + 1);
      if (!append) focusRows.current = false;
    } catch (err) {
      if (mine === generation.current) {
        focusRows.current = false;
        setError((err as Error).message);
        // Nothing of an earlier query stays beside the error: no rows, no further pages, no count or
        // charts (which would only ask the refused query again).
        if (!append) {
          setRows([]);
          setNext(undefined);
          setSelected(undefined);
          setChartQuery(undefined);
        }
      }
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  const apply = useCallback((f: Filters, o: Order = 'newest') => {
    const checked = toQuery(f);
    if ('error' in checked) {
      setFormError(checked);
      return;
    }
    setFormError(undefined);
    setQuery(checked.query);
    setOrder(o);
    setRows([]);
    void fetchPage(checked.query, o, undefined, false);
  }, [fetchPage]);

  useEffect(() => {
    const f: Filters = auditPreset?.eventId
      ? { ...EMPTY_FILTERS, attribute: 'EventId', value: auditPreset.eventId }
      : auditPreset?.range
        ? { ...EMPTY_FILTERS, start: auditPreset.range.start, end: auditPreset.range.end }
        : { ...EMPTY_FILTERS, runId: auditPreset?.runId ?? '' };
    // Through the form, the query presetQuery (audit-first-page.ts) asks for as the tab opens.
    // A cited observation takes the keyboard in its own table (RunObservations).
    focusRows.current = auditPreset !== undefined && auditPreset.observation === undefined;
    setFilters(f);
    apply(f);
  }, [auditPreset, apply]);

  // A drill that just finished added events: look again with the filters on screen.
  const applied = useRef(filters);
  applied.current = filters;
  const runCount = useRef(runs.length);
  useEffect(() => {
    if (runs.length === runCount.current) return;
    runCount.current = runs.length;
    apply(applied.current);
  }, [runs.length, apply]);
  // So did an import (from the Reports page or the desktop File menu).
  useEffect(() => subscribe('import:finished', (f) => {
    if (f.stored > 0) apply(applied.current);
  }), [apply]);

  const onNearEnd = useCallback(() => {
    if (next && !loading) void fetchPage(query, order, next, true);
  }, [next, loading, query, order, fetchPage]);

  /** Same filters, the other end of the history first. */
  const flip = () => {
    const o: Order = order === 'newest' ? 'oldest' : 'newest';
    setOrder(o);
    setRows([]);
    void fetchPage(query, o, undefined, false);
  };

  // A verdict's observation opens with its run's; the run filter changed since, it is no longer asked for.
  const presetObservation = auditPreset?.observation;
  const presetNonce = auditPreset?.nonce ?? 0;
  const cite = useMemo((): ObservationCite | undefined => (presetObservation !== undefined ? { n: presetObservation, nonce: presetNonce } : undefined), [presetObservation, presetNonce]);
  const citedRun = cite && query.runId === auditPreset?.runId ? cite : undefined;
  const row = selected !== undefined ? rows[selected] : undefined;
  // The same object while the applied query is: the charts (memoized) are not drawn again as the form is typed in.
  const chartFilter = useMemo(() => (chartQuery ? chartFilterOf(chartQuery) : undefined), [chartQuery]);
  const counted = total && total.of === query ? total.n : undefined;
  const ranged = query.startTime !== undefined || query.endTime !== undefined;
  return (
    <div className="page audit">
      <AuditFilterForm filters={filters} onChange={setFilters} onApply={() => apply(filters)} onReset={() => { setFilters(EMPTY_FILTERS); apply(EMPTY_FILTERS); }}
        runs={runs} invalid={formError?.field} />
      {formError ? <p className="error" role="alert" data-testid="audit-filter-error">Not applied: {formError.error}</p> : null}
      {error ? <p className="error" role="alert" data-testid="audit-lookup-error">The lookup failed: {error}</p> : null}
      {/* The applied query, not the form being edited: the charts and the table show the same filter. */}
      {shown && chartQuery ? (
        <Suspense fallback={<p className="muted" data-testid="audit-charts-loading">Counting the records…</p>}>
          <AuditCharts filter={chartFilter ?? {}} version={chartQuery} onTotal={onTotal} />
        </Suspense>
      ) : null}
      <div className="count-bar">
        <p className="muted count" aria-live="polite" data-testid="audit-count">{error && rows.length === 0 ? 'No events shown.' : countText(loading, rows.length, next !== undefined, counted, order)}</p>
        {rows.length > 0 && (next !== undefined || order === 'oldest') ? (
          <button type="button" onClick={flip} data-testid="audit-order">{order === 'newest' ? 'Jump to the oldest' : 'Back to the newest'}</button>
        ) : null}
      </div>
      {!loading && rows.length === 0 && !error && ranged ? (
        <OutsideTheRangeNote query={query} onClearRange={() => {
          const f = { ...filters, start: '', end: '' };
          setFilters(f);
          apply(f);
        }} />
      ) : !loading && rows.length === 0 && !error ? (
        <p className="empty">No CloudTrail events match. {runs.length === 0 ? 'Run a drill on the Drills page: every KMS call it makes lands here.' : 'Loosen the filters, or press Reset.'}</p>
      ) : null}
      <div className="audit-grid" ref={table}>
        {rows.length > 0 ? (
          <VirtualTable label="CloudTrail events" rows={rows} columns={COLUMNS} rowKey={eventIdOf} selected={selected} onSelect={setSelected} onNearEnd={onNearEnd} />
        ) : <div />}
        <EventDetail eventId={row?.eventId} eventTime={row?.eventTime} />
      </div>
      {/* Not CloudTrail: the run's calls that never reached KMS, in a table of their own below its records. */}
      {query.runId ? <RunObservations runId={query.runId} cite={citedRun} /> : null}
    </div>
  );
}

const eventIdOf = (r: AuditRow): string => r.eventId;

function chartFilterOf(q: AuditQuery) {
  return { startTime: q.startTime, endTime: q.endTime, runId: q.runId, attribute: q.attribute, errorsOnly: q.errorsOnly, region: q.region };
}

/** "1,234 events", or "500 of 1,000,000 events shown, newest first" while more pages remain; the total comes from the charts' count. */
function countText(loading: boolean, loaded: number, more: boolean, total: number | undefined, order: Order): string {
  if (loading && loaded === 0) return 'Looking up…';
  const events = (n: number) => `${n.toLocaleString('en')} event${n === 1 ? '' : 's'}`;
  if (!more && order === 'newest') return events(loaded);
  const of = total === undefined ? `${events(loaded)} shown of more (counting…)` : `${loaded.toLocaleString('en')} of ${events(total)} shown`;
  return `${of}, ${order} first`;
}

function EventDetail({ eventId, eventTime }: { eventId: string | undefined; eventTime: string | undefined }) {
  const { data, error } = useLoad(() => (eventId ? call('audit:event', { eventId, ...(eventTime ? { eventTime } : {}) }) : Promise.resolve(undefined)), [eventId, eventTime]);
  if (!eventId) return <aside className="detail empty">Select an event (click, or the arrow keys in the table) to see its full CloudTrail record.</aside>;
  return (
    <aside className="detail" aria-label="Event record" data-testid="event-detail">
      <h3>{data?.record.eventName ?? 'Event'} <code className="muted">{eventId}</code></h3>
      {error ? <p className="error" role="alert">{error}</p> : null}
      {/* Focusable, so the record can be scrolled from the keyboard. */}
      {data ? <pre tabIndex={0} aria-label="The CloudTrail record as JSON">{JSON.stringify(data.record, null, 2)}</pre> : null}
    </aside>
  );
}
