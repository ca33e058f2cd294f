/** When each moment of a run happened, for a scrubber that moves through time. */
export interface Timeline {
  /** When moment `i` happened, ms into the drill. */
  timeOf(i: number): number;
  /** The last moment at or before `t` ms (0 when none is). */
  indexAtOrBefore(t: number): number;
}

/** How the slider's positions map to moments. */
export interface TimeAxis {
  /** The slider's last position (its first is 0). */
  positions: number;
  /** Positions Page Up/Down move: a hundredth of the run. */
  page: number;
  positionOf(index: number): number;
  /** The moment a pointer on `position` shows: the last at or before its time. */
  indexAtPosition(position: number): number;
  /** Page Up/Down and Play: `positions` further from the moment `current` (negative: back), and at least one moment on, so a quiet stretch never stops them. */
  indexFrom(current: number, positions: number): number;
}

/** Enough positions for a minute of a day-long drill, and a thumb that lands where the pointer does at any width. */
const POSITIONS = 1000;

/**
 * A slider over the run's time: position p stands for p/1000 of the way from the start to the
 * last moment, and shows the last moment at or before that time. Paging and playing move at least
 * one moment, so a quiet stretch never stops them. A run whose moments all share
 * one time (a live drill's first instant) gets one position per moment instead.
 */
export function timeAxis(timeline: Timeline, count: number): TimeAxis {
  const last = Math.max(0, count - 1);
  const clamp = (i: number) => Math.max(0, Math.min(last, i));
  const span = timeline.timeOf(last);
  if (!(span > 0)) {
    return { positions: last, page: Math.max(1, Math.round(last / 100)), positionOf: clamp, indexAtPosition: (p) => clamp(Math.round(p)), indexFrom: (i, by) => clamp(i + by) };
  }
  const positionOf = (i: number) => (i >= last ? POSITIONS : Math.max(0, Math.min(POSITIONS, Math.round((timeline.timeOf(i) / span) * POSITIONS))));
  const indexAtPosition = (position: number) => {
    if (position <= 0) return 0;
    if (position >= POSITIONS) return last;
    return clamp(timeline.indexAtOrBefore((position / POSITIONS) * span));
  };
  return {
    positions: POSITIONS,
    page: POSITIONS / 100,
    positionOf,
    indexAtPosition,
    indexFrom: (current, by) => {
      // From the moment's own time, not its rounded position.
      const i = indexAtPosition((Math.min(timeline.timeOf(current), span) / span) * POSITIONS + by);
      if (by > 0) return i > current ? i : clamp(current + 1);
      return i < current ? i : clamp(current - 1);
    },
  };
}
