/**
 * Availability as intervals: each cluster (and database) is up or down from one instant to the
 * next, so availability over any window is exact — no sampling — and costs nothing per idle hour.
 */
export class UptimeTrack {
  private readonly changes: [number, boolean][] = [];

  constructor(start: number, up: boolean) {
    this.changes.push([start, up]);
  }

  get up(): boolean {
    return (this.changes[this.changes.length - 1] as [number, boolean])[1];
  }

  set(at: number, up: boolean): void {
    if (up === this.up) return;
    const last = this.changes[this.changes.length - 1] as [number, boolean];
    if (at < last[0]) throw new RangeError('uptime changes must come in time order');
    if (at === last[0]) this.changes.pop();
    if (this.changes.length === 0 || this.up !== up) this.changes.push([at, up]);
  }

  /** Fraction of [from, to) spent up, in percent. */
  percentUp(from: number, to: number): number {
    if (to <= from) return 100;
    let upTime = 0;
    this.changes.forEach(([at, up], i) => {
      const next = this.changes[i + 1]?.[0] ?? Infinity;
      const start = Math.max(at, from);
      const end = Math.min(next, to);
      if (up && end > start) upTime += end - start;
    });
    return (upTime / (to - from)) * 100;
  }

  /** The first instant at or after `from` when the state is `up`; undefined if never before `until`. */
  firstTime(up: boolean, from: number, until: number): number | undefined {
    for (let i = 0; i < this.changes.length; i++) {
      const [at, state] = this.changes[i] as [number, boolean];
      const next = this.changes[i + 1]?.[0] ?? Infinity;
      if (state === up && next > from) {
        const t = Math.max(at, from);
        return t <= until ? t : undefined;
      }
    }
    return undefined;
  }

  /** The [from, to) stretches spent down before `until`, in time order. */
  downIntervals(until: number): [number, number][] {
    const out: [number, number][] = [];
    this.changes.forEach(([at, up], i) => {
      if (up || at >= until) return;
      const next = Math.min(this.changes[i + 1]?.[0] ?? until, until);
      if (next > at) out.push([at, next]);
    });
    return out;
  }
}
