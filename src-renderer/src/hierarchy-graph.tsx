import type { KeyboardEvent } from 'react';
import type { GraphNode } from './hierarchy-model';
import { onActivate } from './format';
import { useRovingFocus } from './use-roving-focus';

export const BOX_W = 220;
const BOX_H = 40;
const COL_GAP = 32;
const ROW_GAP = 12;
const COLUMN_TITLES = ['CMK per region', 'Node master keys', 'Database keys', 'Snapshots'];
/** How many characters fit a box's width at each line's font size (12.5 px bold, 11 px). */
const LABEL_CHARS = 27;
const SUB_CHARS = 34;

const x = (column: number) => 10 + column * (BOX_W + COL_GAP);
const y = (row: number) => 34 + row * (BOX_H + ROW_GAP);

/**
 * The key hierarchy as SVG: boxes coloured by state, an edge from each key to the key that wraps it.
 * One Tab stop: Up/Down step through the keys in order, Right goes to the first key a key wraps,
 * Left to the key wrapping it, Enter selects.
 */
export function HierarchyGraph({ nodes, selected, onSelect, highlight, zoom }: {
  nodes: readonly GraphNode[];
  selected: string | undefined;
  onSelect: (id: string) => void;
  highlight: (node: GraphNode) => boolean;
  zoom: number;
}) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const columns = Math.max(...nodes.map((n) => n.column)) + 1;
  const rows = Math.max(...nodes.map((n) => n.row)) + 1;
  const width = x(columns) - COL_GAP + 20;
  const height = y(rows) + 10;
  const across = (id: string, e: KeyboardEvent) => {
    const to = e.key === 'ArrowRight' ? nodes.find((n) => n.parent === id)?.id : e.key === 'ArrowLeft' ? byId.get(id)?.parent : undefined;
    return to !== undefined && byId.has(to) ? to : undefined;
  };
  const roving = useRovingFocus<SVGSVGElement>(nodes.map((n) => n.id), selected, 'data-node', across);
  return (
    <svg className="hierarchy" width={width * zoom} height={height * zoom} viewBox={`0 0 ${width} ${height}`} role="tree" aria-label="Key hierarchy"
      ref={roving.box} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus}>
      {COLUMN_TITLES.slice(0, columns).map((t, i) => <text key={t} x={x(i)} y={18} className="col-title" aria-hidden="true">{t}</text>)}
      {nodes.map((n) => {
        const p = n.parent ? byId.get(n.parent) : undefined;
        if (!p) return null;
        const x1 = x(p.column) + BOX_W;
        const y1 = y(p.row) + BOX_H / 2;
        const x2 = x(n.column);
        const y2 = y(n.row) + BOX_H / 2;
        // A snapshot skips two columns: its edge bends above the others.
        const mid = (x1 + x2) / 2;
        return <path key={`e-${n.id}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} className={`edge ${n.kind === 'snapshot' ? 'pinned' : ''}`} aria-hidden="true" />;
      })}
      {nodes.map((n) => {
        // Its name comes from its text: what it shows, then its state (invisible: the colour says it),
        // so what is read out starts with what is seen. A label too long for the box is cut with "…",
        // and said whole.
        const label = clip(n.label, LABEL_CHARS);
        const sub = clip(n.sub, SUB_CHARS);
        return (
          <g key={n.id} role="treeitem" tabIndex={roving.tabIndexOf(n.id)} aria-selected={selected === n.id} data-node={n.id}
            className={`box ${n.state} ${selected === n.id ? 'selected' : ''} ${highlight(n) ? 'match' : ''}`}
            transform={`translate(${x(n.column)},${y(n.row)})`} onClick={() => onSelect(n.id)} onKeyDown={onActivate(() => onSelect(n.id))}>
            <rect width={BOX_W} height={BOX_H} rx={6} />
            <text>
              <tspan x={10} y={16} className="label">{label}</tspan>{' '}
              <tspan x={10} y={31} className="sub">{sub}</tspan>{' '}
              <tspan className="state-text">{`${label === n.label && sub === n.sub ? '' : `(${n.label} · ${n.sub}) `}${n.stateText}`}</tspan>
            </text>
          </g>
        );
      })}
    </svg>
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
