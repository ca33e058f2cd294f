import type { FramesPage, MomentsPage, RunOverview, RunRecord, RunSummary, TimelinePage } from '../../src-shared/api';
import type { TimelineEntry } from '../../src-shared/run-record';
import { eventIdOf, observationIdOf } from '../drill/run-trail';
import type { EventStore } from '../audit/event-store';
import type { RunSource } from '../report/run-source';
import { storedEvidence } from '../report/stored-evidence';
import { RunStore, type TimelineQuery } from '../runs/run-store';
import { AppError } from './app-error';

/**
 * The runs of this data folder (`<home>/runs.sqlite`): the list, a run's head, its timeline and
 * hierarchy history in pages, the event ids its evidence cites, and deletion. The store opens on first use.
 */
export class RunService {
  private store: RunStore | undefined;

  constructor(readonly file: string) {}

  runStore(): RunStore {
    this.store ??= RunStore.open(this.file);
    return this.store;
  }

  list(): RunSummary[] {
    return this.runStore().list();
  }

  get(runId: string): RunRecord {
    const head = this.runStore().head(runId);
    if (!head) throw this.noSuchRun(runId);
    return head;
  }

  /** What the Drills page shows of a run: its head without what grows with the topology. */
  /** Given the event store, a run that never summed itself up is counted there (stored-evidence.ts). */
  overview(runId: string, events?: EventStore): RunOverview {
    const overview = this.runStore().overview(runId);
    if (!overview) throw this.noSuchRun(runId);
    const stored = events ? storedEvidence(events, overview) : undefined;
    return stored ? { ...overview, stored } : overview;
  }

  /**
   * The whole run for exports: its head, and its timeline and frames read a page at a time as a report
   * asks for them. Given the event store, a run that never summed itself up is counted there (stored-evidence.ts).
   */
  source(runId: string, events?: EventStore): RunSource {
    const head = this.get(runId);
    const store = this.runStore();
    return { head, timeline: () => store.allTimeline(runId), frames: () => store.allFrames(runId), stored: events ? storedEvidence(events, head) : undefined };
  }

  /** The scenario steps that failed when the drill played them (see RunStore.failedSteps). */
  failedSteps(runId: string): TimelineEntry[] {
    this.mustExist(runId);
    return this.runStore().failedSteps(runId);
  }

  timeline(runId: string, query: TimelineQuery): TimelinePage {
    this.mustExist(runId);
    return this.runStore().timeline(runId, query);
  }

  frames(runId: string, from: number | { at: number } | { seq: number } | { after: number }, limit?: number): FramesPage {
    this.mustExist(runId);
    return this.runStore().frames(runId, from, limit);
  }

  moments(runId: string, offset?: number, limit?: number): MomentsPage {
    this.mustExist(runId);
    return this.runStore().moments(runId, offset, limit);
  }

  /** The CloudTrail eventIDs of records `n` of the run (derived from its run id: nothing to look up). */
  eventIds(runId: string, records: readonly number[]): string[] {
    const head = this.overview(runId);
    return records.map((n) => {
      if (n > head.eventCount && head.execution.status === 'completed') throw new AppError('bad-request', `Run ${runId} made ${head.eventCount} CloudTrail records; there is no record ${n}.`);
      return eventIdOf(runId, n);
    });
  }

  /** The ids of client-side observations `n` of the run (derived from its run id, as the records' are). */
  observationIds(runId: string, observations: readonly number[]): string[] {
    const head = this.overview(runId);
    return observations.map((n) => {
      if (n > head.observationCount && head.execution.status === 'completed') throw new AppError('bad-request', `Run ${runId} made ${head.observationCount} client-side observations; there is no observation ${n}.`);
      return observationIdOf(runId, n);
    });
  }

  /**
   * A not-found error unless the run is stored: from its summary row, not its head, which at 1,000
   * tenants is megabytes of JSON to parse for each page of frames the Explorer asks for.
   */
  private mustExist(runId: string): void {
    if (!this.runStore().summary(runId)) throw this.noSuchRun(runId);
  }

  /**
   * "There is no run X", and when X is the start of stored run ids (a run id cut short, or the
   * scenario-and-seed part copied without its time), the whole ids it starts.
   */
  private noSuchRun(runId: string): AppError {
    const starting = runId ? this.runStore().list().filter((r) => r.runId.startsWith(runId)).map((r) => r.runId) : [];
    const hint = starting.length === 0 ? '' : starting.length === 1 ? ` Did you mean ${starting[0]}? A run id is given whole.` : ` ${starting.length} runs start with it, e.g. ${starting.slice(0, 3).join(', ')}; a run id is given whole.`;
    return new AppError('not-found', `There is no run ${runId}.${hint}`);
  }

  delete(runId: string): boolean {
    try {
      return this.runStore().delete(runId);
    } catch (err) {
      throw new AppError('bad-request', (err as Error).message);
    }
  }

  /** Deletes the runs all together or none (see RunStore.deleteAll): the ids that name no run, or [] when all were deleted. */
  deleteAll(runIds: readonly string[]): string[] {
    try {
      return this.runStore().deleteAll(runIds);
    } catch (err) {
      throw new AppError('bad-request', (err as Error).message);
    }
  }

  close(): void {
    this.store?.close();
    this.store = undefined;
  }
}
