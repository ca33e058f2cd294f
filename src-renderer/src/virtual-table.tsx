import { memo, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  label: string;
  /** CSS grid track, e.g. "180px" or "1fr". */
  width: string;
  render: (row: T) => ReactNode;
}

export const ROW_HEIGHT = 28;

/**
 * The narrowest a row can be: each column's fixed or least width ("150px", "minmax(90px, 1fr)"; a
 * bare "1fr" counts 0). The rows are never narrower, so a column squeezed by its neighbours never
 * spills past the table's box: the table scrolls sideways inside it instead.
 */
function narrowest(columns: readonly { width: string }[]): number {
  return columns.reduce((sum, c) => sum + Number(/^(?:minmax\()?(\d+)px/.exec(c.width)?.[1] ?? 0), 0);
}
/** The column headers' row, which stays on top as the grid scrolls (styles.css .vhead). */
const HEAD_HEIGHT = 30;
const OVERSCAN = 8;

/**
 * A table that renders only the rows in view (fixed row height), so a million rows scroll as
 * smoothly as fifty. Arrow keys, Page Up/Down, Home/End move the selection; `onNearEnd` asks for
 * the next page when the last rows come into view. Memoized: a page that re-renders for a form
 * beside it does not draw the table again while its rows, columns and handlers are the same.
 */
export const VirtualTable = memo(VirtualTableOf) as typeof VirtualTableOf;

function VirtualTableOf<T>({ rows, columns, rowKey, selected, onSelect, onNearEnd, height = 440, label, minWidth }: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T) => string;
  selected: number | undefined;
  onSelect: (index: number) => void;
  onNearEnd?: () => void;
  height?: number;
  label: string;
  /** Below this width the columns scroll sideways rather than squeeze (default: the sum of the columns' narrowest widths). */
  minWidth?: number;
}) {
  const body = useRef<HTMLDivElement>(null);
  // Row ids unique to this table: with two tables on a page (Audit's CloudTrail events and calls
  // that never reached KMS), `vrow-1` of one made the other's active row the first table's.
  const rowId = `${useId()}vrow-`;
  const [scrollTop, setScrollTop] = useState(0);
  const template = columns.map((c) => c.width).join(' ');
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    if (onNearEnd && rows.length > 0 && last >= rows.length - OVERSCAN) onNearEnd();
  }, [last, rows.length, onNearEnd]);

  // Keep the selected row in view when the keyboard moves it.
  useEffect(() => {
    const el = body.current;
    if (!el || selected === undefined) return;
    const top = selected * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + height) el.scrollTop = top + ROW_HEIGHT - height;
  }, [selected, height]);

  const onKey = (e: KeyboardEvent) => {
    if (rows.length === 0) return;
    const page = Math.floor(height / ROW_HEIGHT);
    const at = selected ?? -1;
    const next = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: rows.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    onSelect(Math.min(rows.length - 1, Math.max(0, next)));
  };

  // The grid is one focusable scroller (so the keyboard reaches everything it holds, as axe asks),
  // owning aria-activedescendant as the ARIA grid pattern has it; the header row sticks to its top.
  // The inner box keeps every column wide enough to read, scrolling sideways in a narrow window.
  return (
    <div className="vtable" role="grid" aria-label={label} aria-rowcount={rows.length + 1} tabIndex={0} onKeyDown={onKey} ref={body}
      style={{ height: height + HEAD_HEIGHT + 2 }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      aria-activedescendant={selected !== undefined && selected >= first && selected < last ? `${rowId}${selected}` : undefined}>
      <div className="vtable-inner" role="presentation" style={{ minWidth: minWidth ?? narrowest(columns) }}>
        <div className="vhead-group" role="rowgroup">
          <div className="vhead" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, height: HEAD_HEIGHT }}>
            {columns.map((c) => <div key={c.key} role="columnheader">{c.label}</div>)}
          </div>
        </div>
        <div className="vbody" role="rowgroup" style={{ height: rows.length * ROW_HEIGHT }}>
          {rows.slice(first, last).map((row, i) => {
            const index = first + i;
            return (
              <div key={rowKey(row)} id={`${rowId}${index}`} role="row" aria-rowindex={index + 2} aria-selected={index === selected}
                className={`vrow ${index === selected ? 'selected' : ''} ${index % 2 ? 'odd' : ''}`}
                style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT, gridTemplateColumns: template }} onClick={() => onSelect(index)}>
                {columns.map((c) => <div key={c.key} role="gridcell">{c.render(row)}</div>)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
