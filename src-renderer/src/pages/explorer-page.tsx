import { useMemo, useRef, useState } from 'react';
import type { HierarchyFrame, RunRecord } from '../../../src-shared/api';
import { call } from '../api-client';
import { replayAll } from '../../../src-shared/hierarchy-replay';
import { momentOf, useAppState, useAppStore } from '../app-state';
import { formatUtc } from '../format';
import { HierarchyGraph } from '../hierarchy-graph';
import { dependants, hierarchyGraph, viewOfFrame, viewOfRecordEnd, type GraphNode, type HierarchyView } from '../hierarchy-model';
import { RunPicker } from '../run-picker';
import { Scrubber } from '../scrubber';
import './explorer.css';
import { useLoad } from '../use-call';
import { useDragPan } from '../use-drag-pan';

/**
 * The key hierarchy, moment by moment: the frames of a drill running now (followed live), or of a
 * saved run (scrubbed back and forth, ending on its judged end state), with a side panel for the
 * selected key.
 */
export function ExplorerPage() {
  const { runId } = useAppState();
  const job = useAppStore((s) => s.job);
  const scrubTo = useAppStore((s) => s.scrubTo);
  const [showSaved, setShowSaved] = useState(false);
  const loaded = useLoad(async () => {
    if (!runId) return undefined;
    const [head, history] = await Promise.all([call('runs:get', { runId }), call('runs:frames', { runId, at: 0, limit: 20_000 })]);
    return { record: head, frames: replayAll(history.entries) };
  }, [runId]);
  // A record still on screen while the next one loads is not the selected run's.
  const saved = loaded.data?.record.execution.runId === runId ? loaded.data : undefined;
  const record = saved?.record;
  const error = loaded.error;
  const live = job !== undefined && job.frames.length > 0 && !showSaved;
  const jobMoments = useMemo(() => (job ? liveMoments(job.frames, job.run?.startTime) : []), [job?.frames, job?.run?.startTime]);
  // The last live drill's moments, kept until its saved record has loaded: no blank flash when it ends.
  const lastLive = useRef<{ runId: string | undefined; moments: Moment[] }>({ runId: undefined, moments: [] });
  if (job?.run) lastLive.current = { runId: job.run.runId, moments: jobMoments };
  const savedMoments = useMemo(() => (saved ? recordMoments(saved.record, saved.frames) : undefined), [saved]);
  const shownRun = live ? job.run?.runId : runId;
  const moments = live ? jobMoments : savedMoments ?? (lastLive.current.runId === runId ? lastLive.current.moments : []);
  // Undefined: follow the last moment (live: the newest frame; saved: the judged end).
  const chosen = useAppStore((s) => momentOf(s, shownRun));
  const index = Math.min(chosen ?? moments.length - 1, moments.length - 1);
  const moment = moments[index];
  const nodes = useMemo(() => (moment ? hierarchyGraph(moment.view) : []), [moment]);
  const [selected, setSelected] = useState<string | undefined>();
  const [search, setSearch] = useState('');
  const [zoom, setZoom] = useState(1);
  const pan = useDragPan<HTMLDivElement>();
  const node = nodes.find((n) => n.id === selected);
  const term = search.trim().toLowerCase();

  return (
    <div className="page explorer">
      <div className="toolbar">
        {live ? (
          <p className="live-badge" role="status">● Following <strong>{job.title}</strong> live ({Math.round(job.fraction * 100)}%)
            {' '}<button type="button" className="link" onClick={() => setShowSaved(true)}>show a saved run instead</button></p>
        ) : (
          <>
            <RunPicker />
            {job ? <button type="button" className="link" onClick={() => setShowSaved(false)}>Follow the running drill</button> : null}
          </>
        )}
        <label className="field inline">
          <span>Find</span>
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="node, database, key id…" />
        </label>
        <div className="zoom" role="group" aria-label="Zoom">
          <button type="button" onClick={() => setZoom((z) => Math.max(0.4, z - 0.2))} aria-label="Zoom out">−</button>
          <span>{Math.round(zoom * 100)}%</span>
          <button type="button" onClick={() => setZoom((z) => Math.min(2, z + 0.2))} aria-label="Zoom in">+</button>
        </div>
        <ul className="legend states" aria-label="Colours">
          <li><span className="swatch ok" />serving / readable</li>
          <li><span className="swatch warn" />at risk / expired</li>
          <li><span className="swatch down" />disabled / unreachable / down</li>
          <li><span className="swatch lost" />deleted / lost / crashed</li>
          <li><span className="swatch idle" />idle</li>
        </ul>
      </div>
      {error && !live ? <p className="error" role="alert">{error}</p> : null}
      {moments.length > 1 ? <Scrubber stops={moments} index={index} onIndex={(i) => shownRun && scrubTo(shownRun, live && i === moments.length - 1 ? undefined : i)} live={live} /> : null}
      {moment ? (
        <div className="explorer-grid">
          <div className="graph-scroll" data-testid="hierarchy" {...pan}>
            <HierarchyGraph nodes={nodes} selected={selected} onSelect={setSelected} zoom={zoom}
              highlight={(n) => term !== '' && `${n.label} ${n.sub} ${n.arn ?? ''}`.toLowerCase().includes(term)} />
          </div>
          {node ? <KeyPanel node={node} nodes={nodes} runId={live ? job.run?.runId : record?.execution.runId} at={moment.at} /> : (
            <aside className="detail empty">Select a key (click it, or Tab to it and press Enter) to see its ARN, key material, what depends on it and its latest CloudTrail events.</aside>
          )}
        </div>
      ) : null}
    </div>
  );
}

interface Moment {
  at: number;
  cause: string;
  view: HierarchyView;
}

function liveMoments(frames: readonly HierarchyFrame[], startTime: string | undefined): Moment[] {
  return frames.map((f) => ({ at: f.at, cause: f.cause, view: viewOfFrame(f, undefined, startTime) }));
}

/** A saved run's frames, then its end state as judged (which snapshots restore); old records have only the end. */
function recordMoments(record: RunRecord, history: readonly HierarchyFrame[]): Moment[] {
  const frames = history.map((f) => ({ at: f.at, cause: f.cause, view: viewOfFrame(f, record) }));
  if (record.execution.status !== 'completed') return frames;
  return [...frames, { at: record.scenario.duration, cause: 'the end of the run, as judged (snapshots tried for restore)', view: viewOfRecordEnd(record, history.at(-1)) }];
}

const KIND: Record<GraphNode['kind'], string> = { cmk: 'Customer managed key', master: 'Node master key', database: 'Database key', snapshot: 'Snapshot key' };

/** `at`: the moment shown, so the latest events follow the scrubber and a live drill. */
function KeyPanel({ node, nodes, runId, at }: { node: GraphNode; nodes: readonly GraphNode[]; runId: string | undefined; at: number }) {
  const { openInAudit } = useAppState();
  const deps = dependants(nodes, node.id);
  const wrapping = node.kind === 'database' ? nodes.find((n) => n.id === node.parent) : node;
  const arn = wrapping?.arn;
  const events = useLoad(async () => {
    if (!arn) return [];
    const page = await call('audit:lookup', { attribute: { key: 'ResourceName', value: arn }, ...(runId ? { runId } : {}), maxResults: 500 });
    const own = node.node ? page.events.filter((e) => e.encryptionContext?.node === node.node && e.encryptionContext?.cluster === node.cluster) : page.events;
    return own.slice(0, 8);
  }, [arn, runId, node.id, at]);
  const parts = [deps.masters ? `${deps.masters} node master key${deps.masters === 1 ? '' : 's'}` : '', deps.databases ? `${deps.databases} database key${deps.databases === 1 ? '' : 's'}` : '', deps.snapshots ? `${deps.snapshots} snapshot${deps.snapshots === 1 ? '' : 's'}` : ''].filter(Boolean);
  return (
    <aside className="detail key-panel" aria-label="Selected key" data-testid="key-panel">
      <h3>{node.label}</h3>
      <p className="muted">{KIND[node.kind]} · {node.sub}</p>
      <p><span className={`badge ${node.state}`}>{node.stateText}</span></p>
      <dl>
        {node.arn ? <><dt>{node.kind === 'cmk' ? 'ARN' : 'Wrapped under'}</dt><dd className="mono">{node.arn}</dd></> : null}
        {node.materialId ? <><dt>Key material</dt><dd className="mono">{node.materialId}</dd></> : null}
        <dt>Depend on it</dt>
        <dd>{parts.length ? `${parts.join(', ')} depend${parts.length === 1 && (deps.masters + deps.databases + deps.snapshots) === 1 ? 's' : ''} on this key` : 'nothing'}</dd>
      </dl>
      <h4>{node.node ? `Latest KMS calls of ${node.cluster}/${node.node}` : 'Latest CloudTrail events'}</h4>
      {events.error ? <p className="error" role="alert">{events.error}</p> : null}
      {events.data && events.data.length === 0 ? <p className="muted">No KMS call names this key in this run{node.kind === 'database' ? ' (database keys are wrapped locally by the master key)' : ''}.</p> : null}
      <ul className="event-list">
        {(events.data ?? []).map((e) => (
          <li key={e.eventId}>
            <button type="button" className="link" onClick={() => openInAudit({ eventId: e.eventId })}>
              {formatUtc(e.eventTime)} {e.eventName}{e.errorCode ? <span className="error-code"> {e.errorCode}</span> : null}
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
