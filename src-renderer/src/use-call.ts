import { startTransition, useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when `deps` change, keeping the last result, the error and a reload function. The
 * signal given to `load` aborts when the deps change again or the component goes: pass it to
 * `call` so superseded requests are dropped.
 *
 * What arrives is drawn in a transition, which yields to the user's next click — except with
 * `{ urgent: true }`, for what the first screen shows: a transition renders in 5 ms slices with the
 * browser's turns between them, which made the launch's scenario list appear ~60 ms later, and
 * there is nothing on that screen yet for a click to reach. `initial`: what is already known when
 * the component first renders (drawn at once; `load` runs only when deps change or on reload).
 */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], options: { urgent?: boolean; initial?: () => T | undefined } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined; loading: boolean }>(() => {
    const data = options.initial?.();
    return { data, error: undefined, loading: data === undefined };
  });
  const [tick, setTick] = useState(0);
  const known = useRef(state.data !== undefined);
  useEffect(() => {
    if (known.current) {
      known.current = false;
      return;
    }
    let live = true;
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(abort.signal).then(
      // A transition: drawing what arrived (a run's charts, say) yields to the user's next click.
      (data) => {
        if (!live) return;
        const show = () => setState({ data, error: undefined, loading: false });
        if (options.urgent) show();
        else startTransition(show);
      },
      (err: Error) => live && setState((s) => ({ data: s.data, error: err.message, loading: false })),
    );
    return () => {
      live = false;
      abort.abort();
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
