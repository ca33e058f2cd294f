import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { liveElapsed, momentOf, useAppState, useAppStore } from '../app-state';
import { blastRadius, type BlastTarget } from '../explorer/blast-radius';
import { BlastView } from '../explorer/blast-view';
import { findTenants } from '../explorer/find-tenant';
import { fleetTopology, inTrouble, type TenantGroup } from '../explorer/fleet-model';
import { FleetCounts } from '../explorer/fleet-counts';
import { FleetState } from '../explorer/fleet-state';
import { FleetTree } from '../explorer/fleet-tree';
import { KeyPanel } from '../explorer/key-panel';
import { timelineOf, useMoment, useRunHistory, type RunHistory } from '../explorer/use-run-history';
import { formatDuration, formatMoment } from '../format';
import { HierarchyGraph } from '../hierarchy-graph';
import { hierarchyGraph, viewOfFrame, viewOfRecordEnd, type HierarchyView } from '../hierarchy-model';
import { RunPicker } from '../run-picker';
import { Scrubber } from '../scrubber';
import { useDragPan } from '../use-drag-pan';
import './explorer.css';

/** Tenants up to this many start unfolded. */
const UNFOLDED = 3;
const NO_TENANTS: TenantGroup[] = [];

/**
 * The key hierarchy, moment by moment, at any fleet size: a tree of tenants (regions, clusters)
 * with their nodes counted by state, the chosen tenant's keys as a graph, a search that jumps to a
 * tenant, and the blast radius of a CMK, a replica or a region. It follows a drill running now,
 * or scrubs through a saved run to its judged end, loading the history as the scrubber reaches it.
 */
export function ExplorerPage() {
  const { runId } = useAppState();
  const job = useAppStore((s) => s.job);
  const scrubTo = useAppStore((s) => s.scrubTo);
  const [showSaved, setShowSaved] = useState(false);
  const live = job !== undefined && job.history.length > 0 && !showSaved;
  const loaded = useRunHistory(live ? job : undefined, runId);
  const shownRun = live ? job.run?.runId : runId;
  // A drill that just finished stays on screen, as it was, until its saved run has loaded: no blank flash.
  const last = useRef<{ runId: string | undefined; run: RunHistory } | undefined>(undefined);
  if (loaded.history) last.current = { runId: shownRun, run: loaded };
  const run = loaded.history || last.current?.runId !== shownRun ? loaded : (last.current?.run ?? loaded);
  // Undefined: follow the last moment (live: the newest; saved: the judged end).
  const chosen = useAppStore((s) => momentOf(s, shownRun));
  const index = Math.max(0, Math.min(chosen ?? run.moments - 1, run.moments - 1));
  const record = run.record;
  const { shown, error: momentError } = useMoment(run, index, record?.scenario.duration, record?.hierarchy.snapshots.length);

  const start = record ? Date.parse(record.startTime) : live && job.run ? Date.parse(job.run.startTime) : undefined;
  const view = useMemo((): HierarchyView | undefined => {
    if (!shown) return undefined;
    if (shown.judgedEnd && record) return viewOfRecordEnd(record, shown.frame);
    return viewOfFrame(shown.frame, record, live ? job.run?.startTime : undefined);
  }, [shown, record]);
  const topology = useMemo(() => fleetTopology(record?.topology), [record]);
  const fleetState = useMemo(() => new FleetState(topology), [topology]);
  const fleet = useMemo(() => (view ? fleetState.at(view) : undefined), [view, fleetState]);
  const allTenants = fleet?.tenants ?? NO_TENANTS;

  const [focus, setFocus] = useState<string | undefined>();
  const [expanded, setExpanded] = useState<ReadonlySet<string> | undefined>();
  const [onlyTrouble, setOnlyTrouble] = useState(false);
  const [selected, setSelected] = useState<string | undefined>();
  const [blast, setBlast] = useState<BlastTarget | undefined>();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<{ tenant: string; nonce: number; term?: string; nth?: number; focus?: boolean } | undefined>();
  const [searchNote, setSearchNote] = useState<string | undefined>();
  const [zoom, setZoom] = useState(1);
  const pan = useDragPan<HTMLDivElement>();

  const tenants = useMemo(() => (onlyTrouble ? allTenants.filter(inTrouble) : allTenants), [onlyTrouble, allTenants]);
  const focused = allTenants.find((t) => t.id === focus) ?? allTenants[0];
  // A small run starts unfolded; a fleet starts folded, and stays as the user leaves it.
  const open = useMemo(() => expanded ?? new Set(allTenants.length <= UNFOLDED ? allTenants.map((t) => t.id) : []), [expanded, allTenants.length <= UNFOLDED]);
  const toggle = useCallback((tenant: string) => setExpanded((e) => {
    const next = new Set(e ?? open);
    if (next.has(tenant)) next.delete(tenant);
    else next.add(tenant);
    return next;
  }), [open]);
  const showTenant = useCallback((tenant: string) => {
    setFocus(tenant);
    setBlast(undefined);
    setSelected(undefined);
  }, []);

  // A tenant asked for from elsewhere (the Drills page's tenants table): shown, unfolded and scrolled
  // to, at the moment asked for, once the run's moments and its tenants have loaded; asked once.
  const focusAsk = useAppStore((s) => s.explorerFocus);
  const carriedOut = useRef(0);
  const timeline = useMemo(() => timelineOf(run, record?.scenario.duration), [run, record]);
  useEffect(() => {
    if (!focusAsk || focusAsk.nonce === carriedOut.current) return;
    if (live) {
      setShowSaved(true);
      return;
    }
    if (focusAsk.runId !== shownRun || run.moments === 0 || !allTenants.some((t) => t.id === focusAsk.tenant)) return;
    carriedOut.current = focusAsk.nonce;
    setOnlyTrouble(false);
    setExpanded((x) => new Set([...(x ?? open), focusAsk.tenant]));
    showTenant(focusAsk.tenant);
    // The link that asked is on a page now hidden: the focus goes to the tenant's row.
    setFound((f) => ({ tenant: focusAsk.tenant, nonce: (f?.nonce ?? 0) + 1, focus: true }));
    scrubTo(focusAsk.runId, focusAsk.at === undefined ? undefined : timeline.indexAtOrBefore(focusAsk.at));
  }, [focusAsk, live, shownRun, run.moments, allTenants, timeline]);

  // The chosen tenant's own hierarchy, drawn as a graph.
  const part = focused ? fleet?.parts.get(focused.id) : undefined;
  const tenantBoxes = useMemo(() => (part ? hierarchyGraph(part.view) : []), [part]);
  const radius = useMemo(() => (blast && fleet ? blastRadius(fleet.boxes(), fleet.placement(), blast) : undefined), [blast, fleet]);
  const regions = useMemo(() => [...new Set(view?.keys.map((k) => k.region) ?? [])].sort(), [view]);
  const node = tenantBoxes.find((n) => n.id === selected);
  const term = search.trim().toLowerCase();
  // A search that named the tenant shown would mark every box of it: mark boxes only for other words.
  const mark = term !== '' && term !== focused?.id.toLowerCase() ? term : '';

  const find = (e: FormEvent) => {
    e.preventDefault();
    // An empty box finds nothing, and a note about the last words would stay under it as if it still applied.
    if (!term) {
      setSearchNote('Type a tenant, cluster, node, key or region to find.');
      return;
    }
    // A region's name is in every ARN there: it names the region, whose blast radius is the answer, not its first tenant.
    const region = regions.find((r) => r.toLowerCase() === term);
    if (region) {
      setSearchNote(undefined);
      setBlast({ kind: 'region', region });
      return;
    }
    const matches = findTenants(allTenants, term);
    // Go again with the same words: the next tenant they name, round to the first.
    const nth = found?.term === term ? ((found.nth ?? 0) + 1) % Math.max(1, matches.length) : 0;
    const match = matches[nth];
    if (!match) {
      setSearchNote(`No tenant, cluster, node, key or region matches “${search.trim()}”.`);
      return;
    }
    setSearchNote(matches.length > 1 ? `Tenant ${match.id}: ${(nth + 1).toLocaleString('en')} of ${matches.length.toLocaleString('en')} tenants “${search.trim()}” names. Go again for the next.` : undefined);
    setOnlyTrouble(false);
    setExpanded((x) => new Set([...(x ?? open), match.id]));
    showTenant(match.id);
    setFound({ tenant: match.id, nonce: (found?.nonce ?? 0) + 1, term, nth });
  };

  const at = shown ? `+${formatMoment(shown.at)}` : '';
  return (
    <div className="page explorer">
      <div className="toolbar">
        {live ? (
          <p className="live-badge" role="status">● Following <strong>{job.title}</strong> live{job.durationMs ? ` at +${formatDuration(liveElapsed(job))} of ${formatDuration(job.durationMs)}` : ''} ({Math.round(job.fraction * 100)}%)
            {' '}<button type="button" className="link" onClick={() => setShowSaved(true)}>show a saved run instead</button></p>
        ) : (
          <>
            <RunPicker />
            {job ? <button type="button" className="link" onClick={() => setShowSaved(false)}>Follow the running drill</button> : null}
          </>
        )}
      </div>
      {run.error && !live ? <p className="error" role="alert">{run.error}</p> : null}
      {momentError ? <p className="error" role="alert">The hierarchy at this moment could not be read: {momentError}</p> : null}
      {run.moments > 1 ? (
        <Scrubber count={run.moments} index={index} live={live} current={shown ? { index: shown.index, at: shown.at, cause: shown.cause } : undefined}
          timeline={timeline}
          onIndex={(i) => shownRun && scrubTo(shownRun, live && i === run.moments - 1 ? undefined : i)} />
      ) : null}
      {view ? (
        <>
          <div className="toolbar fleet-bar">
            <form className="find" onSubmit={find} role="search" aria-label="Find a tenant">
              <label className="field inline">
                <span>Find</span>
                <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="tenant, cluster, node, key id, region…" list="explorer-tenants" />
              </label>
              <datalist id="explorer-tenants">{allTenants.length > 1 ? allTenants.slice(0, 2000).map((t) => <option key={t.id} value={t.id} />) : null}</datalist>
              <button type="submit">Go</button>
            </form>
            <label className="check"><input type="checkbox" checked={onlyTrouble} onChange={(e) => setOnlyTrouble(e.target.checked)} /> Only tenants with something down or at risk</label>
            <label className="field inline">
              <span>Blast radius of a region</span>
              <select value={blast?.kind === 'region' ? blast.region : ''} onChange={(e) => setBlast(e.target.value ? { kind: 'region', region: e.target.value } : undefined)}>
                <option value="">(choose a region)</option>
                {regions.map((r) => <option key={r} value={r}>{r}</option>)}
              </select>
            </label>
            <div className="zoom" role="group" aria-label="Zoom">
              <button type="button" onClick={() => setZoom((z) => Math.max(0.4, z - 0.2))} aria-label="Zoom out">−</button>
              <span>{Math.round(zoom * 100)}%</span>
              <button type="button" onClick={() => setZoom((z) => Math.min(2, z + 0.2))} aria-label="Zoom in">+</button>
            </div>
            <ul className="legend states" aria-label="Colours">
              <li><span className="swatch ok" />serving / readable</li>
              <li><span className="swatch warn" />at risk / expired</li>
              <li><span className="swatch down" />disabled / unreachable / down / crashed</li>
              <li><span className="swatch lost" />deleted / lost</li>
              <li><span className="swatch idle" />idle</li>
              <li><span className="swatch degraded" />tenant degraded: a key region out of reach, served from another</li>
            </ul>
          </div>
          {searchNote ? <p className="muted" role="status">{searchNote}</p> : null}
          <div className="explorer-grid">
            <div className="fleet-column">
              <p className="muted fleet-summary" data-testid="fleet-summary">
                {allTenants.length.toLocaleString('en')} tenant{allTenants.length === 1 ? '' : 's'}
                {onlyTrouble ? ` · ${tenants.length.toLocaleString('en')} with something down or at risk` : ''}
              </p>
              {allTenants.length > 1 ? <FleetCounts tenants={allTenants} /> : null}
              {onlyTrouble && tenants.length === 0 ? (
                <p className="empty" data-testid="fleet-none">No tenant has anything down or at risk at this moment.</p>
              ) : <FleetTree tenants={tenants} expanded={open} onToggle={toggle} focused={focused?.id} onFocus={showTenant} scrollTo={found} />}
            </div>
            {radius && blast ? (
              <BlastView target={blast} radius={radius} at={at} onClose={() => setBlast(undefined)} />
            ) : (
              <div className="tenant-graph">
                {focused && allTenants.length > 1 ? <h2 className="tenant-title">Tenant {focused.id}</h2> : null}
                {tenantBoxes.length > 0 ? (
                  <div className="graph-scroll" data-testid="hierarchy" {...pan}>
                    <HierarchyGraph nodes={tenantBoxes} selected={selected} onSelect={setSelected} zoom={zoom}
                      highlight={(n) => mark !== '' && `${n.label} ${n.sub} ${n.arn ?? ''}`.toLowerCase().includes(mark)} />
                  </div>
                ) : <p className="empty">This tenant has no keys at this moment.</p>}
              </div>
            )}
            {node ? <KeyPanel node={node} nodes={tenantBoxes} runId={shownRun} start={start} at={shown?.at ?? 0} onBlast={setBlast} /> : (
              <aside className="detail empty">Select a key (click it, or Tab to the graph, move to it with the arrow keys and press Enter) to see its ARN, key material, what depends on it, its blast radius and its latest CloudTrail events.</aside>
            )}
          </div>
        </>
      ) : run.moments > 0 ? <p className="muted">Loading the hierarchy…</p> : null}
    </div>
  );
}
