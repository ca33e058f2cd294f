import type { GraphNode } from './hierarchy-model';
import { onActivate } from './format';

export const BOX_W = 190;
const BOX_H = 40;
const COL_GAP = 70;
const ROW_GAP = 12;
const COLUMN_TITLES = ['CMK per region', 'Node master keys', 'Database keys', 'Snapshots'];

const x = (column: number) => 10 + column * (BOX_W + COL_GAP);
const y = (row: number) => 34 + row * (BOX_H + ROW_GAP);

/** The key hierarchy as SVG: boxes coloured by state, an edge from each key to the key that wraps it. */
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
  return (
    <svg className="hierarchy" width={width * zoom} height={height * zoom} viewBox={`0 0 ${width} ${height}`} role="tree" aria-label="Key hierarchy">
      {COLUMN_TITLES.slice(0, columns).map((t, i) => <text key={t} x={x(i)} y={18} className="col-title">{t}</text>)}
      {nodes.map((n) => {
        const p = n.parent ? byId.get(n.parent) : undefined;
        if (!p) return null;
        const x1 = x(p.column) + BOX_W;
        const y1 = y(p.row) + BOX_H / 2;
        const x2 = x(n.column);
        const y2 = y(n.row) + BOX_H / 2;
        // A snapshot skips two columns: its edge bends above the others.
        const mid = (x1 + x2) / 2;
        return <path key={`e-${n.id}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} className={`edge ${n.kind === 'snapshot' ? 'pinned' : ''}`} />;
      })}
      {nodes.map((n) => (
        <g key={n.id} role="treeitem" tabIndex={0} aria-selected={selected === n.id} aria-label={`${n.label}: ${n.stateText}`} data-node={n.id}
          className={`box ${n.state} ${selected === n.id ? 'selected' : ''} ${highlight(n) ? 'match' : ''}`}
          transform={`translate(${x(n.column)},${y(n.row)})`} onClick={() => onSelect(n.id)} onKeyDown={onActivate(() => onSelect(n.id))}>
          <rect width={BOX_W} height={BOX_H} rx={6} />
          <text x={10} y={16} className="label">{clip(n.label, 23)}</text>
          <text x={10} y={31} className="sub">{clip(n.sub, 31)}</text>
        </g>
      ))}
    </svg>
  );
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
