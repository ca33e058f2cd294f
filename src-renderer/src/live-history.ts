import type { FrameEntry, HierarchyFrame } from '../../src-shared/api';
import { HierarchyReplay } from '../../src-shared/hierarchy-replay';

/** Beyond this many clusters the live chart counts the whole fleet's serving nodes. */
export const MAX_CLUSTER_LINES = 8;

/** Nodes with their master key cached at one moment: per cluster (a small drill) or for the fleet. */
export interface ServingPoint {
  at: number;
  counts: Record<string, number>;
}

/**
 * What a running drill has pushed of its hierarchy history: every entry (small deltas between
 * keyframes), the hierarchy now, and how many nodes serve over time — kept as entries arrive, so
 * a 1,000-tenant drill costs what changed per entry, not a copy of the fleet per entry.
 */
export class LiveHistory {
  readonly entries: FrameEntry[] = [];
  readonly keyframes: number[] = [];
  readonly at: number[] = [];
  readonly serving: ServingPoint[] = [];
  private readonly replay = new HierarchyReplay();
  private readonly cached = new Map<string, boolean>();
  private readonly perCluster = new Map<string, number>();
  private latestFrame: HierarchyFrame | undefined;

  get started(): boolean {
    return this.replay.started;
  }

  get length(): number {
    return this.entries.length;
  }

  /** Takes the next entry; false when it cannot be used (a delta before the first keyframe: the drill started before we listened). */
  add(entry: FrameEntry): boolean {
    if (!entry.keyframe && !this.replay.started) return false;
    if (entry.keyframe) {
      this.cached.clear();
      this.perCluster.clear();
    }
    for (const n of entry.nodes) {
      const id = `${n.cluster}/${n.node}`;
      const now = n.cache === 'cached';
      if (this.cached.get(id) === now) continue;
      const before = this.cached.get(id) ?? false;
      this.cached.set(id, now);
      this.perCluster.set(n.cluster, (this.perCluster.get(n.cluster) ?? 0) + (now ? 1 : 0) - (before ? 1 : 0));
    }
    this.replay.apply(entry);
    this.latestFrame = undefined;
    if (entry.keyframe) this.keyframes.push(this.entries.length);
    this.entries.push(entry);
    this.at.push(entry.at);
    const counts: Record<string, number> = {};
    if (this.perCluster.size > MAX_CLUSTER_LINES) {
      let total = 0;
      for (const v of this.perCluster.values()) total += v;
      counts['all clusters'] = total;
    } else for (const [c, v] of this.perCluster) counts[c] = v;
    // One point per moment: several entries at the same instant leave the last state.
    if (this.serving.at(-1)?.at === entry.at) this.serving[this.serving.length - 1] = { at: entry.at, counts };
    else this.serving.push({ at: entry.at, counts });
    return true;
  }

  /** The hierarchy after the newest entry. */
  latest(): HierarchyFrame | undefined {
    if (!this.replay.started) return undefined;
    this.latestFrame ??= this.replay.frame();
    return this.latestFrame;
  }

  /** The entries of the segment that starts at keyframe `seq` (up to the next keyframe). */
  segment(seq: number): FrameEntry[] {
    const next = this.keyframes.find((k) => k > seq) ?? this.entries.length;
    return this.entries.slice(seq, next);
  }
}
