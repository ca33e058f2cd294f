/**
 * The simulator's agenda: events ordered by time, then by their rank at an instant (what must come
 * first when several are due at once, e.g. the end of a fault before what it would block), then by
 * the order they were scheduled, so two events at the same instant always run in the same order (a
 * drill is deterministic for a seed). A binary heap: the cost of a drill grows with its number of
 * events, not with simulated time.
 */
export interface Scheduled<T> {
  at: number;
  rank: number;
  seq: number;
  event: T;
}

export class EventQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private seq = 0;

  /** `rank`: lower goes first among events due at the same instant; all equal by default (scheduling order). */
  constructor(private readonly rank: (event: T) => number = () => 0) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(at: number, event: T): void {
    if (!Number.isFinite(at)) throw new RangeError(`cannot schedule an event at ${at}`);
    this.heap.push({ at, rank: this.rank(event), seq: this.seq++, event });
    this.up(this.heap.length - 1);
  }

  peek(): Scheduled<T> | undefined {
    return this.heap[0];
  }

  pop(): Scheduled<T> | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top && last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Drops every scheduled event that matches (e.g. the health checks of a node that crashed). */
  cancel(match: (event: T) => boolean): number {
    const kept = this.heap.filter((s) => !match(s.event));
    const dropped = this.heap.length - kept.length;
    if (dropped > 0) {
      this.heap.length = 0;
      for (const s of kept.sort((a, b) => before(a, b) ? -1 : 1)) this.heap.push(s);
    }
    return dropped;
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Scheduled<T>, heap[parent] as Scheduled<T>)) break;
      [heap[i], heap[parent]] = [heap[parent] as Scheduled<T>, heap[i] as Scheduled<T>];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < heap.length && before(heap[l] as Scheduled<T>, heap[best] as Scheduled<T>)) best = l;
      if (r < heap.length && before(heap[r] as Scheduled<T>, heap[best] as Scheduled<T>)) best = r;
      if (best === i) return;
      [heap[i], heap[best]] = [heap[best] as Scheduled<T>, heap[i] as Scheduled<T>];
      i = best;
    }
  }
}

function before<T>(a: Scheduled<T>, b: Scheduled<T>): boolean {
  if (a.at !== b.at) return a.at < b.at;
  return a.rank < b.rank || (a.rank === b.rank && a.seq < b.seq);
}
