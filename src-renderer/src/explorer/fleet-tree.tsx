import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { GraphNode } from '../hierarchy-model';
import { focusIsLost } from '../focus-is-lost';
import { STATE_WORDS, STATES, TENANT_WORDS, total, type StateCounts, type TenantGroup, type TenantState } from './fleet-model';

const ROW = 30;
const OVERSCAN = 6;

interface Row {
  id: string;
  level: 1 | 2 | 3;
  tenant: string;
  text: string;
  counts?: StateCounts | undefined;
  /** The state its colour mark shows (a tenant's, a key's, a cluster's worst). */
  state?: TenantState | undefined;
  expanded?: boolean;
}

/** The tree's rows in order: each tenant, and under an expanded one its regions (keys) and clusters (nodes). */
function rowsOf(tenants: readonly TenantGroup[], expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  for (const t of tenants) {
    const open = expanded.has(t.id);
    rows.push({ id: `t:${t.id}`, level: 1, tenant: t.id, text: t.id, counts: t.nodes, state: t.worst, expanded: open });
    if (!open) continue;
    for (const r of t.regions) {
      const keys = r.keys.map((k) => `${k.label}: ${k.stateText}`).join('; ');
      rows.push({ id: `r:${t.id}|${r.region}`, level: 2, tenant: t.id, text: `${r.region}${keys ? ` · ${keys}` : ''}`, state: r.keys[0]?.state });
      for (const c of r.clusters) rows.push({ id: `c:${t.id}|${r.region}|${c.id}`, level: 3, tenant: t.id, text: c.id, counts: c.counts, state: worstOf(c.counts) });
    }
  }
  return rows;
}

const worstOf = (c: StateCounts): GraphNode['state'] => (['lost', 'down', 'warn', 'idle'] as const).find((s) => c[s] > 0) ?? 'ok';

/**
 * The fleet as a tree: a row per tenant with its nodes counted by state, unfolding into its regions
 * (the state of its key there) and clusters. Only the rows in view are drawn, so a thousand tenants
 * scroll like ten; arrow keys move, Right/Left unfold and fold, Enter shows the tenant's keys.
 */
export function FleetTree({ tenants, expanded, onToggle, focused, onFocus, scrollTo, height = 560 }: {
  tenants: readonly TenantGroup[];
  expanded: ReadonlySet<string>;
  onToggle: (tenant: string) => void;
  /** The tenant whose key hierarchy is shown beside the tree. */
  focused: string | undefined;
  onFocus: (tenant: string) => void;
  /** Brings this tenant's row into view when it changes (a search jumped to it), and the focus to it if asked (another page sent the user here). */
  scrollTo?: { tenant: string; nonce: number; focus?: boolean } | undefined;
  height?: number;
}) {
  const rows = useMemo(() => rowsOf(tenants, expanded), [tenants, expanded]);
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [active, setActive] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + height) / ROW) + OVERSCAN);

  const reveal = (i: number) => {
    const el = box.current;
    if (!el) return;
    if (i * ROW < el.scrollTop) el.scrollTop = i * ROW;
    else if ((i + 1) * ROW > el.scrollTop + height) el.scrollTop = (i + 1) * ROW - height;
  };
  useEffect(() => {
    if (!scrollTo) return;
    const i = rows.findIndex((r) => r.id === `t:${scrollTo.tenant}`);
    if (i < 0) return;
    setActive(i);
    const el = box.current;
    if (el) el.scrollTop = Math.max(0, i * ROW - ROW);
    if (scrollTo.focus && focusIsLost()) el?.focus();
    // Only when asked again: the rows change under a scrub without moving the view.
  }, [scrollTo?.nonce]);

  const onKey = (e: KeyboardEvent) => {
    const row = rows[active];
    if (!row) return;
    const move = (i: number) => {
      const next = Math.max(0, Math.min(rows.length - 1, i));
      setActive(next);
      reveal(next);
    };
    switch (e.key) {
      case 'ArrowDown': move(active + 1); break;
      case 'ArrowUp': move(active - 1); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
      case 'PageDown': move(active + Math.floor(height / ROW)); break;
      case 'PageUp': move(active - Math.floor(height / ROW)); break;
      case 'ArrowRight': if (row.level === 1 && !row.expanded) onToggle(row.tenant); else move(active + 1); break;
      case 'ArrowLeft': if (row.level === 1 && row.expanded) onToggle(row.tenant); else move(rows.findIndex((r) => r.id === `t:${row.tenant}`)); break;
      case 'Enter': case ' ': onFocus(row.tenant); break;
      default: return;
    }
    e.preventDefault();
  };

  return (
    <div className="fleet-tree" role="tree" aria-label="Tenants" tabIndex={0} ref={box} style={{ height }} onKeyDown={onKey}
      onScroll={(e) => setTop(e.currentTarget.scrollTop)} aria-activedescendant={rows[active] && active >= first && active < last ? rowId(rows[active].id) : undefined}
      data-testid="fleet-tree">
      <div role="presentation" style={{ height: rows.length * ROW, position: 'relative' }}>
        {rows.slice(first, last).map((row, i) => {
          const index = first + i;
          return (
            <div key={row.id} id={rowId(row.id)} role="treeitem" aria-level={row.level} aria-expanded={row.level === 1 ? row.expanded : undefined}
              aria-selected={row.level === 1 ? focused === row.tenant : undefined} data-row={row.id}
              className={`tree-row level-${row.level} ${index === active ? 'active' : ''} ${row.level === 1 && focused === row.tenant ? 'focused' : ''}`}
              style={{ top: index * ROW, height: ROW }}
              onClick={() => {
                setActive(index);
                // A first click shows the tenant (and unfolds it); a click on the tenant shown folds or unfolds it.
                if (row.level === 1 && (focused === row.tenant || !row.expanded)) onToggle(row.tenant);
                onFocus(row.tenant);
              }}>
              {row.level === 1 ? <span className="twisty" aria-hidden="true">{row.expanded ? '▾' : '▸'}</span> : null}
              <span className={`swatch ${row.state ?? 'idle'}`} aria-hidden="true" title={row.level === 1 && row.state ? TENANT_WORDS[row.state] : undefined} />
              <span className="tree-text" title={row.text}>{row.text}</span>
              {row.counts ? <Counts counts={row.counts} /> : null}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const rowId = (id: string) => `fleet-row-${id.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

/** Nodes by state as small coloured counts; said in words. */
function Counts({ counts }: { counts: StateCounts }) {
  const n = total(counts);
  return (
    <span className="counts">
      <span className="sr-only">, {n} node{n === 1 ? '' : 's'}:</span>
      {STATES.filter((s) => counts[s] > 0).map((s) => (
        <span key={s} className={`count ${s}`}>{counts[s]}<span className="sr-only"> {STATE_WORDS.master[s]}</span></span>
      ))}
    </span>
  );
}
