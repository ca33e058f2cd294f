import type { FrameEntry, FrameKey, FrameNode, FrameSnapshot, HierarchyFrame } from './run-record';

/**
 * Rebuilds the key hierarchy from a run's frame entries: start at a keyframe, apply the deltas after
 * it in order, read the hierarchy at any moment. Used by the Explorer (live and scrubbing) and by the
 * reports, so both draw exactly what the run recorded. Applying a delta costs what it changed, not
 * the size of the hierarchy; reading a frame costs the size of the hierarchy once.
 */
export class HierarchyReplay {
  private readonly keys = new Map<string, FrameKey>();
  private readonly nodes = new Map<string, FrameNode>();
  private readonly snapshots = new Map<string, FrameSnapshot>();
  /** The last entry applied (undefined before the first keyframe). */
  last: FrameEntry | undefined;

  /** Applies one entry; a delta before any keyframe is refused (the reader started in the wrong place). */
  apply(entry: FrameEntry): void {
    if (entry.keyframe) {
      this.keys.clear();
      this.nodes.clear();
      this.snapshots.clear();
    } else if (!this.last) {
      throw new Error(`frame ${entry.seq} is a delta: replay must start at a keyframe`);
    }
    for (const k of entry.keys) this.keys.set(k.arn, k);
    for (const n of entry.nodes) this.nodes.set(nodeKey(n), n);
    for (const id of entry.removedSnapshots ?? []) this.snapshots.delete(id);
    for (const s of entry.snapshots) this.snapshots.set(s.id, s);
    this.last = entry;
  }

  get started(): boolean {
    return this.last !== undefined;
  }

  /** The whole hierarchy after the last entry applied. */
  frame(): HierarchyFrame {
    const last = this.last;
    if (!last) throw new Error('no frame applied yet');
    return { at: last.at, cause: last.cause, keys: [...this.keys.values()], nodes: [...this.nodes.values()], snapshots: [...this.snapshots.values()] };
  }

  node(cluster: string, node: string): FrameNode | undefined {
    return this.nodes.get(`${cluster}/${node}`);
  }
}

export function nodeKey(n: { cluster: string; node: string }): string {
  return `${n.cluster}/${n.node}`;
}

/** The hierarchy at each entry, from a list that starts with a keyframe (small runs and tests). */
export function replayAll(entries: readonly FrameEntry[]): HierarchyFrame[] {
  const replay = new HierarchyReplay();
  return entries.map((e) => {
    replay.apply(e);
    return replay.frame();
  });
}
