import { memo, useCallback, useEffect, useRef, useState } from 'react';
import type { ObservationRow } from '../../src-shared/api';
import { causeText, injectedCause } from '../../src-shared/client-observation';
import { call } from './api-client';
import { focusIsLost } from './focus-is-lost';
import { formatTime } from './format';
import { callerText, observationCountText, verifiedNumbers } from './observation-text';
import { VirtualTable, type Column } from './virtual-table';

/** Rows per page: at most what one `runs:event-ids` call numbers (1,000). */
const PAGE_ROWS = 500;
/** Pages read to reach a cited observation before giving up (50,000 observations). */
const MAX_PAGES_TO_CITED = 100;

/** A verdict's observation to open: its number in the run; `nonce` tells a new ask from one carried out. */
export interface ObservationCite {
  n: number;
  nonce: number;
}

type Numbered = ObservationRow & { n: number | undefined };

const COLUMNS: Column<Numbered>[] = [
  { key: 'n', label: '#', width: '64px', render: (o) => (o.n === undefined ? '—' : `#${o.n}`) },
  { key: 'time', label: 'Time (UTC)', width: '150px', render: (o) => formatTime(o.time) },
  { key: 'region', label: 'Region', width: 'minmax(90px, 0.8fr)', render: (o) => o.region },
  { key: 'operation', label: 'Operation', width: 'minmax(120px, 1fr)', render: (o) => o.operation },
  { key: 'caller', label: 'Tenant · node', width: 'minmax(120px, 1fr)', render: (o) => <span title={callerText(o)}>{callerText(o)}</span> },
  { key: 'error', label: 'Error (client-side)', width: 'minmax(130px, 1fr)', render: (o) => <span className="error-code" title={o.errorCode}>{o.errorCode}</span> },
  { key: 'cause', label: 'Cause', width: 'minmax(150px, 1.3fr)', render: (o) => <span title={causeText(o.cause)}>{causeText(o.cause)}</span> },
];

/**
 * A run's client-side observations — calls that never reached KMS, which CloudTrail has no record
 * of — in a table of their own, apart from the CloudTrail events, numbered as the run's evidence
 * cites them, and one of them in full. Asked to open a cited one, it pages to it and selects it.
 */
/** Memoized: the Audit page re-renders as its filter form is typed in. */
export const RunObservations = memo(function RunObservations({ runId, cite }: { runId: string; cite: ObservationCite | undefined }) {
  const [rows, setRows] = useState<Numbered[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  const [missing, setMissing] = useState<number | undefined>();
  const section = useRef<HTMLElement>(null);
  const generation = useRef(0);
  const loaded = useRef<Numbered[]>([]);
  // Once the cited row is rendered, not before (the grid appears with its first rows): the pressed
  // link is on a hidden page, so the focus is on <body> unless the user has put it somewhere since.
  const [focusAsked, setFocusAsked] = useState(0);
  useEffect(() => {
    if (focusAsked && focusIsLost()) section.current?.querySelector<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
  }, [focusAsked]);

  /** One more page, oldest first, numbered where main's ids for those numbers match. */
  const loadPage = useCallback(async (token: string | undefined, mine: number): Promise<string | undefined> => {
    const page = await call('audit:observations', { runId, order: 'oldest', maxResults: PAGE_ROWS, ...(token ? { nextToken: token } : {}) });
    const offset = loaded.current.length;
    const numbers = await call('runs:event-ids', { runId, records: [], observations: page.observations.map((_, i) => offset + i + 1) })
      .then((r) => verifiedNumbers(page.observations, offset, r.observationIds ?? []))
      // Observations of something that is not a stored run (an import) have no numbers.
      .catch(() => new Map<string, number>());
    if (mine !== generation.current) return undefined;
    loaded.current = [...loaded.current, ...page.observations.map((o) => ({ ...o, n: numbers.get(o.observationId) }))];
    setRows(loaded.current);
    setNext(page.nextToken);
    return page.nextToken;
  }, [runId]);

  useEffect(() => {
    const mine = ++generation.current;
    loaded.current = [];
    setRows([]);
    setNext(undefined);
    setSelected(undefined);
    setMissing(undefined);
    setError(undefined);
    setLoading(true);
    void (async () => {
      try {
        const citedId = cite ? (await call('runs:event-ids', { runId, records: [], observations: [cite.n] })).observationIds?.[0] : undefined;
        let token = await loadPage(undefined, mine);
        const at = () => loaded.current.findIndex((o) => o.observationId === citedId);
        for (let pages = 1; citedId && at() < 0 && token && pages < MAX_PAGES_TO_CITED && mine === generation.current; pages++) token = await loadPage(token, mine);
        if (mine !== generation.current || !cite) return;
        const index = at();
        if (index < 0) {
          setMissing(cite.n);
          return;
        }
        setSelected(index);
        // Brought into view and given the keyboard, as the CloudTrail event of a verdict is.
        if (section.current) keepInView(section.current);
        setFocusAsked((n) => n + 1);
      } catch (err) {
        if (mine === generation.current) setError((err as Error).message);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    })();
  }, [runId, cite, loadPage]);

  const onNearEnd = useCallback(() => {
    if (!next || loading) return;
    setLoading(true);
    const mine = generation.current;
    loadPage(next, mine)
      .catch((err: unknown) => mine === generation.current && setError((err as Error).message))
      .finally(() => mine === generation.current && setLoading(false));
  }, [next, loading, loadPage]);

  // A run with none (most runs) shows nothing here, so the CloudTrail log reads as before.
  if (!loading && !error && rows.length === 0 && missing === undefined) return null;
  const row = selected !== undefined ? rows[selected] : undefined;
  return (
    <section className="observations" ref={section} aria-labelledby="observations-title" data-testid="run-observations">
      <h3 id="observations-title">Calls that never reached KMS <span className="badge">client-side observations · not CloudTrail records</span></h3>
      <p className="muted">
        KMS never saw these calls (an unreachable region, a step the drill played on the client), so CloudTrail has no record of them and they are not in
        the CloudTrail events above or in a CloudTrail export. Numbered as the run&apos;s verdicts cite them.
      </p>
      {error ? <p className="error" role="alert">The observations could not be listed: {error}</p> : null}
      {missing !== undefined ? <p className="error" role="alert" data-testid="observation-missing">The event store holds no observation #{missing} of this run.</p> : null}
      <p className="muted count" aria-live="polite" data-testid="observation-count">{loading && rows.length === 0 ? 'Looking up…' : observationCountText(rows.length, next !== undefined)}</p>
      <div className="audit-grid">
        {rows.length > 0 ? (
          <VirtualTable label="Calls that never reached KMS (client-side observations)" rows={rows} columns={COLUMNS} rowKey={(o) => o.observationId}
            selected={selected} onSelect={setSelected} onNearEnd={onNearEnd} height={280} />
        ) : <div />}
        <ObservationDetail observation={row} />
      </div>
    </section>
  );
});

/** How long the page may still grow above a cited observation (the charts and records loading) before it stays where it is. */
const SETTLE_MS = 5_000;

/**
 * Scrolls `el` to the top of the window, and again as the page above it grows (its charts and
 * CloudTrail rows arrive after it), until the user scrolls, clicks or types, or the page settles.
 */
function keepInView(el: HTMLElement): void {
  el.scrollIntoView({ block: 'start' });
  const doc = el.ownerDocument;
  const grown = new ResizeObserver(() => el.scrollIntoView({ block: 'start' }));
  grown.observe(doc.body);
  const stop = () => {
    grown.disconnect();
    clearTimeout(timer);
    for (const type of USER_MOVES) doc.removeEventListener(type, stop, true);
  };
  const timer = setTimeout(stop, SETTLE_MS);
  for (const type of USER_MOVES) doc.addEventListener(type, stop, true);
}
const USER_MOVES = ['wheel', 'pointerdown', 'keydown', 'touchstart'] as const;

function ObservationDetail({ observation: o }: { observation: Numbered | undefined }) {
  if (!o) return <aside className="detail empty">Select a call (click, or the arrow keys in the table) to read it in full.</aside>;
  const c = o.encryptionContext ?? {};
  const facts: [string, string | undefined][] = [
    ['Number', o.n === undefined ? undefined : `#${o.n} of the run`],
    ['Time (UTC)', formatTime(o.time)],
    ['Region', o.region],
    ['Operation', o.operation],
    ['Key', o.keyId],
    ['Tenant', c.tenant],
    ['Cluster', c.cluster],
    ['Node', c.node],
    ['Caller', o.principal],
    ['Error', o.errorCode],
    ['Message', o.errorMessage],
    ['Cause', `${causeText(o.cause)}${injectedCause(o.cause) ? ' — made by the drill' : ' — a real failure'}`],
    ['Observation id', o.observationId],
  ];
  return (
    <aside className="detail" aria-label="Call that never reached KMS" data-testid="observation-detail">
      <h3>{o.operation} in {o.region} {o.n === undefined ? null : <span className="muted">observation #{o.n}</span>}</h3>
      <p className="muted">A client-side observation: this call never reached KMS, so there is no CloudTrail record of it.</p>
      <dl className="facts">
        {facts.filter((f): f is [string, string] => f[1] !== undefined && f[1] !== '').map(([k, v]) => (
          <div key={k}><dt>{k}</dt><dd>{v}</dd></div>
        ))}
      </dl>
    </aside>
  );
}
