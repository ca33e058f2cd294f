import { useMemo } from 'react';
import type { GraphNode } from '../hierarchy-model';
import { VirtualTable, type Column } from '../virtual-table';
import { blastItemName, blastTitle, type BlastItem, type BlastRadius, type BlastTarget } from './blast-radius';
import { countsText, STATE_WORDS, total } from './fleet-model';

const KIND: Record<GraphNode['kind'], string> = { cmk: 'CMK', master: 'Node master key', database: 'Database key', snapshot: 'Snapshot' };

const COLUMNS: Column<BlastItem>[] = [
  { key: 'tenant', label: 'Tenant', width: '110px', render: (i) => i.tenant },
  { key: 'what', label: 'What', width: '140px', render: (i) => KIND[i.box.kind] },
  { key: 'name', label: 'Name', width: 'minmax(180px, 1fr)', render: (i) => blastItemName(i.box) },
  { key: 'state', label: 'State at this moment', width: 'minmax(220px, 1.4fr)', render: (i) => <StateCell box={i.box} /> },
];

/** Everything that depends on a CMK, a replica or a region, coloured by its state at the moment shown. */
export function BlastView({ target, radius, at, onClose }: { target: BlastTarget; radius: BlastRadius; at: string; onClose: () => void }) {
  const keys = useMemo(() => countsOf(radius.keys), [radius.keys]);
  const { master, database, snapshot } = radius.counts;
  return (
    <section className="blast" aria-label="Blast radius" data-testid="blast-radius">
      <header className="blast-head">
        <h2>Blast radius of {blastTitle(target)} <span className="muted">at {at}</span></h2>
        <button type="button" onClick={onClose}>Back to the tenant</button>
      </header>
      <dl className="blast-counts">
        <dt>Keys</dt><dd data-testid="blast-keys">{radius.keys.length.toLocaleString('en')} ({countsText(keys, 'cmk')})</dd>
        <dt>Tenants</dt><dd>{radius.tenants.toLocaleString('en')}</dd>
        <dt>Node master keys</dt><dd data-testid="blast-nodes">{total(master).toLocaleString('en')} ({countsText(master, 'master')})</dd>
        <dt>Database keys</dt><dd data-testid="blast-databases">{total(database).toLocaleString('en')} ({countsText(database, 'database')})</dd>
        <dt>Snapshots</dt><dd data-testid="blast-snapshots">{total(snapshot).toLocaleString('en')} ({countsText(snapshot, 'snapshot')})</dd>
      </dl>
      {radius.items.length === 0 ? <p className="empty">Nothing depends on it at this moment.</p> : (
        <VirtualTable label="What depends on it" rows={radius.items} columns={COLUMNS} rowKey={(i) => i.box.id} selected={undefined} onSelect={() => undefined} height={360} minWidth={650} />
      )}
    </section>
  );
}

function countsOf(boxes: readonly GraphNode[]) {
  const c = { ok: 0, warn: 0, down: 0, lost: 0, idle: 0 };
  for (const b of boxes) c[b.state]++;
  return c;
}

/**
 * A dependant's state: the word its colour means for its kind, which always fits, then the whole
 * account ("running: its master key is unwrapped and cached"), cut to the column with the rest in
 * its tooltip.
 */
function StateCell({ box }: { box: GraphNode }) {
  const word = STATE_WORDS[box.kind][box.state];
  // "unreadable while its node…" after the badge "unreadable" reads as "while its node…".
  const rest = box.stateText.startsWith(word) ? box.stateText.slice(word.length).replace(/^[:,]?\s*/, '') : box.stateText;
  return (
    <span className="state-cell" title={box.stateText}>
      <span className={`badge ${box.state}`}>{word}</span>
      {rest ? <span className="muted"> {rest}</span> : null}
    </span>
  );
}
