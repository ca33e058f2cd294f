/**
 * Time as the core sees it. Everything that schedules (key rotation dates, deletion windows,
 * cache limits, drills) reads an injected Clock so a drill can move a year forward in
 * milliseconds of wall time, and tests can pin time exactly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to: for drills and tests. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: number | Date = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  /** Moves time forward; time never goes backwards, because scheduled work already happened. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs a non-negative duration, got ${ms}`);
    this.current += ms;
  }

  set(at: number | Date): void {
    const next = typeof at === 'number' ? at : at.getTime();
    if (next < this.current) throw new RangeError('ManualClock.set cannot move time backwards');
    this.current = next;
  }
}

export const MS_PER_DAY = 86_400_000;
