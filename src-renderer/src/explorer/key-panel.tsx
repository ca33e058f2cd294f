import { call } from '../api-client';
import { useAppState } from '../app-state';
import { formatUtc, lookupEndAt } from '../format';
import { dependants, identity, type GraphNode } from '../hierarchy-model';
import { useLoad } from '../use-call';
import type { BlastTarget } from './blast-radius';

const KIND: Record<GraphNode['kind'], string> = { cmk: 'Customer managed key', master: 'Node master key', database: 'Database key', snapshot: 'Snapshot key' };

/**
 * The selected key: what it is, its state, what depends on it, and its latest CloudTrail events up
 * to the moment shown (`start` + `at`), so they follow the scrubber and a live drill.
 */
export function KeyPanel({ node, nodes, runId, start, at, onBlast }: {
  node: GraphNode;
  nodes: readonly GraphNode[];
  runId: string | undefined;
  /** The drill's start (epoch ms), when known. */
  start: number | undefined;
  at: number;
  onBlast: (target: BlastTarget) => void;
}) {
  const { openInAudit } = useAppState();
  const deps = dependants(nodes, node.id);
  const wrapping = node.kind === 'database' ? nodes.find((n) => n.id === node.parent) : node;
  const arn = wrapping?.arn;
  // A node calls KMS in whichever region it fails over to: with a multi-Region key, each region's copy
  // of the key it is wrapped under (a CMK's own panel shows that one copy's calls).
  const arns = node.kind === 'cmk' || !arn ? (arn ? [arn] : []) : [...new Set([arn, ...nodes.filter((n) => n.kind === 'cmk' && n.arn && identity(n.arn) === identity(arn)).map((n) => n.arn as string)])];
  const until = start === undefined ? undefined : lookupEndAt(start + at);
  const events = useLoad(async (signal) => {
    const pages = await Promise.all(arns.map((value) => call('audit:lookup', { attribute: { key: 'ResourceName', value }, ...(runId ? { runId } : {}), ...(until ? { endTime: until } : {}), maxResults: 500 }, { signal })));
    const all = pages.flatMap((p) => p.events).sort((a, b) => (a.eventTime < b.eventTime ? 1 : a.eventTime > b.eventTime ? -1 : 0));
    const own = node.node ? all.filter((e) => e.encryptionContext?.node === node.node && e.encryptionContext?.cluster === node.cluster) : all;
    return own.slice(0, 8);
  }, [arns.join(' '), runId, node.id, until]);
  const parts = [deps.masters ? `${deps.masters} node master key${deps.masters === 1 ? '' : 's'}` : '', deps.databases ? `${deps.databases} database key${deps.databases === 1 ? '' : 's'}` : '', deps.snapshots ? `${deps.snapshots} snapshot${deps.snapshots === 1 ? '' : 's'}` : ''].filter(Boolean);
  return (
    <aside className="detail key-panel" aria-label="Selected key" data-testid="key-panel">
      <h3>{node.label}</h3>
      <p className="muted">{KIND[node.kind]} · {node.sub}</p>
      <p><span className={`badge ${node.state}`}>{node.stateText}</span></p>
      <dl>
        {node.arn ? <><dt>{node.kind === 'cmk' ? 'ARN' : 'Wrapped under'}</dt><dd className="mono">{node.arn}</dd></> : null}
        {node.materialId ? <><dt>Key material ID</dt><dd className="mono">{node.materialId}</dd></> : null}
        <dt>Depend on it</dt>
        <dd>{parts.length ? `${parts.join(', ')} depend${parts.length === 1 && (deps.masters + deps.databases + deps.snapshots) === 1 ? 's' : ''} on this key` : 'nothing'}</dd>
      </dl>
      {node.kind === 'cmk' && node.arn ? (
        <p className="blast-actions">
          {/* A multi-Region key: the CMK is every region's copy; the replica is the one here. */}
          <button type="button" onClick={() => onBlast({ kind: 'cmk', arn: node.arn as string, label: cmkName(node.label) })}>Blast radius of this CMK</button>{' '}
          {node.arn.includes('/mrk-') ? <button type="button" onClick={() => onBlast({ kind: 'replica', arn: node.arn as string, label: regionCopyLabel(node.label, node.sub.split(' · ')[0] ?? '') })}>… of this {node.label.endsWith('replica') ? 'replica' : 'region’s copy'} only</button> : null}
        </p>
      ) : null}
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

/** One region's copy of a multi-Region key, as the blast view heads it: "the replica of t001-cmk in us-west-2", "the us-east-1 copy of t001-cmk" (the primary is no replica). */
function regionCopyLabel(label: string, region: string): string {
  return label.endsWith(' replica') ? `replica of ${cmkName(label)} in ${region}` : `${region} copy of ${label}`;
}

/** The CMK a key box names, whichever region's copy it is ("t001-cmk replica" → "t001-cmk"). */
function cmkName(label: string): string {
  return label.replace(/ replica$/, '');
}
