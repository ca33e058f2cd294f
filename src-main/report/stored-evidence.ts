import type { RunRecord } from '../../src-shared/run-record';
import { summedUp } from '../../src-shared/record-counts';
import type { EventStore } from '../audit/event-store';
import type { StoredEvidence } from './run-source';

/**
 * What the event store holds of a run that never summed itself up (its process died, its drill
 * failed, it is still playing): its records and observations went to the store as they were made,
 * while its head kept the zeros it started with. Undefined for a run that summed itself up: its
 * head's totals are the run's own.
 */
export function storedEvidence(store: EventStore, head: Pick<RunRecord, 'execution' | 'startTime'>): StoredEvidence | undefined {
  if (summedUp(head.execution)) return undefined;
  const runId = head.execution.runId;
  const held = store.runRecords(runId);
  return { records: held?.records ?? 0, observations: store.countObservations(runId), lastRecordAt: held ? held.lastEventTime - Date.parse(head.startTime) : undefined };
}
