import type { FrameEntry, HierarchyFrame } from '../../../src-shared/api';
import { HierarchyReplay } from '../../../src-shared/hierarchy-replay';

/** One moment of a run's hierarchy history: when it happened (ms into the drill). */
export interface MomentIndex {
  /** `at[seq]`: when entry `seq` happened. */
  at: readonly number[];
  /** Entry numbers of the keyframes, ascending (entry 0 is one). */
  keyframes: readonly number[];
}

/** The entries of one keyframe's segment: from keyframe `seq` up to the next keyframe (loaded, or at hand). */
export type SegmentLoader = (keyframeSeq: number) => Promise<readonly FrameEntry[]> | readonly FrameEntry[];

/** The rest of a segment: the entries after entry `lastSeq`, up to the next keyframe (runs:frames with `after`). */
export type SegmentTailLoader = (lastSeq: number) => Promise<readonly FrameEntry[]>;

/**
 * A run's key hierarchy at any moment, for the Explorer's scrubber at fleet size: the history is a
 * keyframe now and then with small deltas between (run-record.ts), loaded a keyframe's segment at a
 * time as the scrubber reaches it and kept (the few most recent segments), and replayed from the
 * nearest keyframe — or, stepping forward, from where it stands: a step costs what changed, not
 * the size of the fleet.
 */
export class FrameHistory {
  private readonly segments = new Map<number, readonly FrameEntry[]>();
  private readonly loading = new Map<number, Promise<readonly FrameEntry[]>>();
  private replay = new HierarchyReplay();
  /** The entry the replay stands at (-1: none applied). */
  private position = -1;
  /** The moments as grown by `grow`, in arrays of this history's own. */
  private grown: { at: number[]; keyframes: number[] } | undefined;

  /**
   * `keep`: segments kept once loaded (0: ask the loader every time, as for a live drill's growing
   * history in memory). `loadTail`: how a segment read before the history grew (grow) gets its new
   * entries; without it the segment is read again whole.
   */
  constructor(private index: MomentIndex, private readonly load: SegmentLoader, private readonly keep = 4, private readonly loadTail?: SegmentTailLoader) {}

  get length(): number {
    return this.index.at.length;
  }

  /** When entry `seq` happened. */
  atOf(seq: number): number {
    return this.index.at[seq] ?? 0;
  }

  /** A live drill's history grows: its moments now. */
  extend(index: MomentIndex): void {
    this.index = index;
    this.grown = undefined;
  }

  /**
   * A saved run another process still plays has more moments: `page` lists them from entry
   * `offset` on (runs:moments). What was known stays as it was — entries never change once written
   * — and a segment read before it gained entries is read again only when a moment past what it
   * held is asked for (frameAt). Returns how many moments were added.
   */
  grow(page: { at: readonly number[]; keyframes: readonly number[] }, offset: number): number {
    const known = this.length;
    const skip = known - offset;
    if (skip < 0 || skip >= page.at.length) return 0;
    // Copied once into arrays of its own, then added to in place: a look costs what was added.
    if (!this.grown) this.grown = { at: [...this.index.at], keyframes: [...this.index.keyframes] };
    for (let i = skip; i < page.at.length; i++) this.grown.at.push(page.at[i] as number);
    for (const k of page.keyframes) if (k >= known) this.grown.keyframes.push(k);
    this.index = this.grown;
    return this.length - known;
  }

  /** The keyframe at or before `seq`. */
  keyframeOf(seq: number): number {
    const k = this.index.keyframes;
    let lo = 0;
    let hi = k.length - 1;
    let found = k[0] ?? 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = k[mid] as number;
      if (v <= seq) {
        found = v;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The last entry at or before `at` ms (a drag on a time axis), or 0. */
  seqAtOrBefore(at: number): number {
    const a = this.index.at;
    let lo = 0;
    let hi = a.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((a[mid] as number) <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The hierarchy after entry `seq`, and the entry itself (its cause). */
  async frameAt(seq: number): Promise<{ frame: HierarchyFrame; entry: FrameEntry }> {
    const target = Math.max(0, Math.min(seq, this.length - 1));
    const keyframe = this.keyframeOf(target);
    let entries = await this.segment(keyframe);
    // A segment read before the history grew (grow), or while it grew: its new entries read and added.
    if (target - keyframe >= entries.length && this.keep > 0) entries = await this.grownSegment(keyframe, entries);
    // Forward within the same segment: apply only what lies between; otherwise start at the keyframe.
    const from = this.position >= keyframe && this.position <= target && this.keyframeOf(this.position) === keyframe ? this.position + 1 : keyframe;
    if (from === keyframe) this.replay = new HierarchyReplay();
    for (let s = from; s <= target; s++) {
      const entry = entries[s - keyframe];
      if (!entry) throw new Error(`the history has no entry ${s} (its segment from keyframe ${keyframe} holds ${entries.length})`);
      this.replay.apply(entry);
    }
    this.position = target;
    const entry = entries[target - keyframe] as FrameEntry;
    return { frame: this.replay.frame(), entry };
  }

  /** A cached segment with the entries written since it was read: only those when a tail loader is given, else the whole segment again. */
  private async grownSegment(keyframe: number, had: readonly FrameEntry[]): Promise<readonly FrameEntry[]> {
    if (this.loadTail && had.length > 0) {
      const tail = await this.loadTail(keyframe + had.length - 1);
      // Another caller may have grown or replaced it meanwhile: keep the longer.
      const now = this.segments.get(keyframe) ?? had;
      const grown = now.length > had.length ? now : [...had, ...tail];
      this.segments.set(keyframe, grown);
      return grown;
    }
    this.segments.delete(keyframe);
    return this.segment(keyframe);
  }

  private async segment(keyframe: number): Promise<readonly FrameEntry[]> {
    if (this.keep === 0) return this.load(keyframe);
    const have = this.segments.get(keyframe);
    if (have) {
      // Most recently used last, so the oldest is the one forgotten.
      this.segments.delete(keyframe);
      this.segments.set(keyframe, have);
      return have;
    }
    let pending = this.loading.get(keyframe);
    if (!pending) {
      pending = Promise.resolve(this.load(keyframe)).finally(() => this.loading.delete(keyframe));
      this.loading.set(keyframe, pending);
    }
    const entries = await pending;
    this.segments.set(keyframe, entries);
    for (const k of this.segments.keys()) if (this.segments.size > this.keep && k !== keyframe) this.segments.delete(k);
    return entries;
  }
}
