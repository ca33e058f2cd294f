import { useEffect, useMemo, useState } from 'react';
import type { HierarchyFrame, RunRecord } from '../../../src-shared/api';
import { call } from '../api-client';
import { playedElsewhere, useAppStore, type DrillJob } from '../app-state';
import type { Timeline } from '../scrubber-axis';
import { useLoad } from '../use-call';
import { FrameHistory } from './frame-history';

/** Entries fetched per runs:frames call: a keyframe's whole segment at fleet size. */
const SEGMENT_LIMIT = 20_000;
const MOMENTS_PAGE = 200_000;

/** A run the Explorer shows: its head (when known), its history, and how many moments the scrubber has. */
export interface RunHistory {
  record: RunRecord | undefined;
  history: FrameHistory | undefined;
  /** Moments to scrub through: every history entry, and the judged end of a completed run. */
  moments: number;
  /** The last moment is the run's end as judged (snapshots tried for restore). */
  judgedEnd: boolean;
  error: string | undefined;
  /** Changes when a live drill's history grows. */
  version: number;
}

/**
 * The history of a saved run (its moments listed once, its frames loaded a keyframe's segment at a
 * time as the scrubber reaches them), or of the drill running now (the entries it pushed).
 */
export function useRunHistory(job: DrillJob | undefined, runId: string | undefined): RunHistory {
  // A run is read whole when picked and again once it has ended (its status changes).
  const status = useAppStore((s) => s.runs.find((r) => r.runId === runId)?.status);
  const saved = useLoad(async (signal) => {
    if (job || !runId) return undefined;
    const record = await call('runs:get', { runId }, { signal });
    const history = new FrameHistory(
      { at: [], keyframes: [] },
      (seq) => call('runs:frames', { runId, seq, limit: SEGMENT_LIMIT }).then((p) => p.entries),
      undefined,
      (after) => call('runs:frames', { runId, after, limit: SEGMENT_LIMIT }).then((p) => p.entries),
    );
    await readNewMoments(runId, history, signal);
    return { runId, record, history };
  }, [job ? undefined : runId, status]);
  const data = saved.data?.runId === runId ? saved.data : undefined;

  // While another process plays it (the CLI), each look at the runs reads only the moments added
  // since, and a moment past what a segment held reads only that segment's new entries: at fleet
  // size its head is ~2 MB and a keyframe's segment more, which reading the whole run again every
  // few seconds fetched and replayed each time. Its topology and scenario do not
  // change while it plays; what it ended as is read whole when its status changes.
  const elsewhere = useAppStore((s) => (playedElsewhere(s, runId) ? s.elsewhereTick : -1));
  const [grown, setGrown] = useState(0);
  useEffect(() => {
    if (elsewhere < 0 || !data) return;
    const abort = new AbortController();
    readNewMoments(data.runId, data.history, abort.signal).then(
      (added) => added > 0 && !abort.signal.aborted && setGrown((g) => g + 1),
      () => undefined, // the next look tries again
    );
    return () => abort.abort();
  }, [elsewhere, data]);

  // A running drill: its head once the run store has it (the topology names each cluster's tenant).
  const liveRun = job?.run?.runId;
  const [liveRecord, setLiveRecord] = useState<RunRecord | undefined>();
  useEffect(() => {
    setLiveRecord(undefined);
    if (!liveRun) return;
    let live = true;
    const abort = new AbortController();
    const fetchHead = (tries: number) => call('runs:get', { runId: liveRun }, { signal: abort.signal }).then(
      (r) => live && setLiveRecord(r),
      () => live && tries > 0 && setTimeout(() => fetchHead(tries - 1), 500),
    );
    void fetchHead(10);
    return () => {
      live = false;
      abort.abort();
    };
  }, [liveRun]);
  const liveHistory = useMemo(() => (job ? new FrameHistory({ at: job.history.at, keyframes: job.history.keyframes }, (k) => job.history.segment(k), 0) : undefined), [job?.jobId, job?.history]);

  if (job) {
    return { record: liveRecord?.topology.keys.length ? liveRecord : undefined, history: liveHistory, moments: job.history.length, judgedEnd: false, error: undefined, version: job.version };
  }
  const judgedEnd = data?.record.execution.status === 'completed';
  return {
    record: data?.record, history: data?.history, moments: data ? data.history.length + (judgedEnd ? 1 : 0) : 0, judgedEnd,
    error: saved.error, version: grown,
  };
}

/** Adds to `history` the moments the run store holds past it, a page at a time; how many were added. */
async function readNewMoments(runId: string, history: FrameHistory, signal: AbortSignal): Promise<number> {
  let added = 0;
  for (;;) {
    const offset = history.length;
    const page = await call('runs:moments', { runId, offset, limit: MOMENTS_PAGE }, { signal });
    if (signal.aborted) return added;
    const n = history.grow(page, offset);
    added += n;
    if (n === 0 || page.at.length < MOMENTS_PAGE || history.length >= page.total) return added;
  }
}

/** What the scrubber points at: the hierarchy after an entry, or the judged end. */
export interface ShownMoment {
  index: number;
  at: number;
  cause: string;
  frame: HierarchyFrame;
  judgedEnd: boolean;
}

/** Replays the history to moment `index` whenever it changes; keeps the last moment shown while the next one loads. */
export function useMoment(run: RunHistory, index: number, duration: number | undefined, snapshots = 0): { shown: ShownMoment | undefined; error: string | undefined } {
  const [shown, setShown] = useState<ShownMoment | undefined>();
  const [error, setError] = useState<string | undefined>();
  const { history, judgedEnd, moments, version } = run;
  useEffect(() => {
    if (!history || moments === 0) {
      setShown(undefined);
      return;
    }
    let live = true;
    const end = judgedEnd && index >= moments - 1;
    const seq = end ? history.length - 1 : Math.min(index, history.length - 1);
    history.frameAt(seq).then(({ frame, entry }) => {
      if (!live) return;
      setError(undefined);
      setShown(end
        ? { index, at: duration ?? frame.at, cause: `the end of the run, as judged${snapshots > 0 ? ' (snapshots tried for restore)' : ''}`, frame, judgedEnd: true }
        : { index, at: entry.at, cause: entry.cause, frame, judgedEnd: false });
    }, (err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [history, index, moments, judgedEnd, version, duration, snapshots]);
  return { shown, error };
}

/**
 * When each of the scrubber's moments happened: an entry's time, and for a completed run's judged
 * end the drill's duration (`duration`, ms).
 */
export function timelineOf(run: RunHistory, duration: number | undefined): Timeline {
  const { history, judgedEnd, moments } = run;
  const lastEntry = (history?.length ?? 1) - 1;
  return {
    timeOf: (i) => (judgedEnd && i >= moments - 1 ? Math.max(duration ?? 0, history?.atOf(lastEntry) ?? 0) : (history?.atOf(i) ?? 0)),
    indexAtOrBefore: (t) => history?.seqAtOrBefore(t) ?? 0,
  };
}
