import { useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';

/** Where Up/Down/Home/End go from item `at` of `count`; undefined for any other key. */
export function stepOf(key: string, at: number, count: number): number | undefined {
  const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: count - 1 }[key];
  return to === undefined || count === 0 ? undefined : Math.max(0, Math.min(count - 1, to));
}

/**
 * A list or tree as one Tab stop (the ARIA "roving tabindex"): the item last focused — else the
 * selected one, else the first — has tabIndex 0, the others -1, and the arrow keys move focus
 * between them, so a long list costs a keyboard user one Tab, not one per item. Each item carries
 * its key in `attr`; moving focus does not select (Enter and Space do, as a click does), so
 * stepping past a scenario does not replace the text being edited.
 */
export function useRovingFocus<T extends Element>(keys: readonly string[], selected: string | undefined, attr: string, more?: (key: string, e: KeyboardEvent) => string | undefined) {
  const box = useRef<T>(null);
  const [last, setLast] = useState<string | undefined>();
  const stop = last !== undefined && keys.includes(last) ? last : selected !== undefined && keys.includes(selected) ? selected : keys[0];

  const onKeyDown = (e: KeyboardEvent) => {
    if (stop === undefined) return;
    const i = stepOf(e.key, keys.indexOf(stop), keys.length);
    const to = i === undefined ? more?.(stop, e) : keys[i];
    if (to === undefined) return;
    e.preventDefault();
    setLast(to);
    box.current?.querySelector<HTMLElement | SVGElement>(`[${attr}="${CSS.escape(to)}"]`)?.focus();
  };
  // A click focuses an item too: the keyboard carries on from there.
  const onFocus = (e: FocusEvent) => {
    const key = (e.target as Element).getAttribute(attr);
    if (key !== null) setLast(key);
  };
  return { box, onKeyDown, onFocus, tabIndexOf: (key: string) => (key === stop ? 0 : -1) };
}
