import type { FrameEntry, FullRunRecord, RunRecord, TimelineEntry } from '../../src-shared/run-record';

/**
 * Where a running drill's record goes as it is made: the head when the run starts (status
 * `started`), each frame of the hierarchy history and each timeline entry as they come, and the final
 * head at the end — so a drill of any size streams to disk, and a run killed half-way keeps what it
 * did. The run store (src-main/runs) is the sink of the app and the CLI; tests and benchmarks keep
 * the run in memory.
 */
export interface RunSink {
  started(head: RunRecord): void;
  /** The head changed before the end (the keys were provisioned). */
  update(head: RunRecord): void;
  frame(entry: FrameEntry): void;
  timelineEntry(entry: TimelineEntry): void;
  /** The run ended: completed, or cancelled. Everything sent before is kept. */
  finished(head: RunRecord): void;
  /** The run could not go on (the backend failed mid-run): kept, marked interrupted with the reason. */
  failed(reason: string): void;
}

/** A run kept in memory: for tests, benchmarks, and small runs whose whole record a caller wants. */
export class MemoryRunSink implements RunSink {
  head: RunRecord | undefined;
  readonly frames: FrameEntry[] = [];
  readonly timeline: TimelineEntry[] = [];
  failure: string | undefined;

  started(head: RunRecord): void {
    this.head = head;
  }
  update(head: RunRecord): void {
    this.head = head;
  }
  frame(entry: FrameEntry): void {
    this.frames.push(entry);
  }
  timelineEntry(entry: TimelineEntry): void {
    this.timeline.push(entry);
  }
  finished(head: RunRecord): void {
    this.head = head;
  }
  failed(reason: string): void {
    this.failure = reason;
  }

  /** The whole record: head, timeline and frames. */
  full(): FullRunRecord {
    if (!this.head) throw new Error('the run has not started');
    return { ...this.head, timeline: this.timeline, frames: this.frames };
  }
}

/** Sends everything to each of several sinks (the run store and a live view, say). */
export function teeSinks(...sinks: RunSink[]): RunSink {
  return {
    started: (h) => sinks.forEach((s) => s.started(h)),
    update: (h) => sinks.forEach((s) => s.update(h)),
    frame: (e) => sinks.forEach((s) => s.frame(e)),
    timelineEntry: (e) => sinks.forEach((s) => s.timelineEntry(e)),
    finished: (h) => sinks.forEach((s) => s.finished(h)),
    failed: (r) => sinks.forEach((s) => s.failed(r)),
  };
}
