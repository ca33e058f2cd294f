import { useRef, type PointerEvent } from 'react';

/**
 * Drag to pan a scrollable area (the hierarchy graph): the pointer held on the background moves
 * the view. A press on a key box is left alone, so clicking to select still works; the scroll
 * bars and the keyboard still pan as well.
 */
export function useDragPan<T extends HTMLElement>() {
  const drag = useRef<{ x: number; y: number; left: number; top: number; id: number } | undefined>(undefined);
  const onPointerDown = (e: PointerEvent<T>) => {
    if (e.button !== 0 || (e.target as Element).closest('[role="treeitem"]')) return;
    const el = e.currentTarget;
    drag.current = { x: e.clientX, y: e.clientY, left: el.scrollLeft, top: el.scrollTop, id: e.pointerId };
    el.setPointerCapture(e.pointerId);
    el.classList.add('panning');
  };
  const onPointerMove = (e: PointerEvent<T>) => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    e.currentTarget.scrollLeft = d.left - (e.clientX - d.x);
    e.currentTarget.scrollTop = d.top - (e.clientY - d.y);
  };
  const end = (e: PointerEvent<T>) => {
    if (drag.current?.id !== e.pointerId) return;
    drag.current = undefined;
    e.currentTarget.classList.remove('panning');
  };
  return { onPointerDown, onPointerMove, onPointerUp: end, onPointerCancel: end };
}
