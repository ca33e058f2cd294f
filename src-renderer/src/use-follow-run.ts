import { useCallback, useEffect, useRef, useState, type FocusEvent } from 'react';
import type { DrillJob } from './app-state';
import { focusIsLost } from './focus-is-lost';

/**
 * Where the keyboard goes as a drill runs from the Drills page. Run is disabled as the drill starts,
 * which drops its focus: it moves to Stop. Stop goes when the drill ends: the focus moves on to the
 * run's result, but only if it was still on the progress line and has been dropped — a user who has
 * Tabbed elsewhere meanwhile stays where they are.
 */
export function useFollowRun(job: DrillJob | undefined) {
  const stopButton = useRef<HTMLButtonElement>(null);
  const [asked, setAsked] = useState(0);
  const [resultFor, setResultFor] = useState<string | undefined>();
  const onProgress = useRef(false);
  const lastRun = useRef<string | undefined>(undefined);
  if (job?.run) lastRun.current = job.run.runId;

  useEffect(() => {
    if (asked) stopButton.current?.focus();
  }, [asked]);
  const jobId = job?.jobId;
  useEffect(() => {
    if (jobId !== undefined) return;
    if (onProgress.current && focusIsLost()) setResultFor(lastRun.current);
    onProgress.current = false;
  }, [jobId]);

  return {
    stopButton,
    /** The run whose result takes the focus once it shows. */
    resultFor,
    ranHere: () => {
      setResultFor(undefined);
      setAsked((n) => n + 1);
    },
    taken: useCallback(() => setResultFor(undefined), []),
    onFocus: () => {
      onProgress.current = true;
    },
    onBlur: (e: FocusEvent<HTMLElement>) => {
      // Moved elsewhere on the page (not dropped: then there is nowhere it went).
      if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget as Node)) onProgress.current = false;
    },
  };
}
