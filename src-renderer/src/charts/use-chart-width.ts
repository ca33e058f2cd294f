import { useCallback, useRef, useState } from 'react';

/**
 * The width a chart has to draw in, from its box, ignoring the zero width it gets while its page
 * is hidden: a tab switch then does not redraw every chart of the page left behind (recharts'
 * own `responsive` sizing re-renders on every resize, including to nothing). `ref` is a callback
 * ref, so a box that appears later (a chart that had nothing to draw) is measured too.
 */
export function useChartWidth<T extends HTMLElement>(): { ref: (el: T | null) => void; width: number | undefined } {
  const [width, setWidth] = useState<number | undefined>();
  const observer = useRef<ResizeObserver | undefined>(undefined);
  const ref = useCallback((el: T | null) => {
    observer.current?.disconnect();
    observer.current = undefined;
    if (!el) return;
    const take = (w: number) => {
      if (w > 0) setWidth((old) => (old !== undefined && Math.abs(old - w) < 1 ? old : Math.floor(w)));
    };
    take(el.clientWidth);
    observer.current = new ResizeObserver((entries) => take(entries[0]?.contentRect.width ?? 0));
    observer.current.observe(el);
  }, []);
  return { ref, width };
}
