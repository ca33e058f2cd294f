import type { FrameEntry, FullRunRecord, RunRecord, StoredEvidence, TimelineEntry } from '../../src-shared/run-record';

export type { StoredEvidence };

/**
 * What a report is made from: the run record's head, and its timeline and hierarchy history read
 * lazily — a fleet drill keeps millions of entries in the run store, more than one string (or one
 * array) can hold. Each call of `timeline()` or `frames()` starts a fresh pass in order, so a report
 * may read them more than once without holding them.
 */
export interface RunSource {
  readonly head: RunRecord;
  timeline(): Iterable<TimelineEntry>;
  frames(): Iterable<FrameEntry>;
  /** For a run that never summed itself up (record-counts.ts summedUp): what the event store holds of it. */
  readonly stored?: StoredEvidence | undefined;
}

/** A run held whole in memory (tests, and small runs a caller already has). */
export function recordSource(record: FullRunRecord): RunSource {
  const { timeline, frames, stored, ...head } = record;
  return { head, timeline: () => timeline, frames: () => frames, stored };
}

/** Reports accept either: a source, or a whole record (wrapped). */
export function asSource(input: RunSource | FullRunRecord): RunSource {
  return isSource(input) ? input : recordSource(input);
}

function isSource(input: RunSource | FullRunRecord): input is RunSource {
  return typeof (input as RunSource).timeline === 'function';
}
