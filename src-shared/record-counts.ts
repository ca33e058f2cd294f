import { count } from './count';

/**
 * How a run's CloudTrail records add up, in words: beside its KMS calls, the records KMS wrote on its
 * own (a scheduled rotation or deletion) and the copies delivered to a key owner's account for calls
 * made from another account. Undefined when every record is a call. The CLI's closing line and the
 * report's KMS-calls card say the same.
 */
export function recordsBesideCalls(totals: { kmsCalls: number; keyOwnerCopies?: number | undefined }, eventCount: number): string | undefined {
  const copies = totals.keyOwnerCopies ?? 0;
  const byKms = eventCount - totals.kmsCalls - copies;
  const parts = [
    ...(byKms > 0 ? [`${count(byKms)} written by KMS on its own`] : []),
    ...(copies > 0 ? [`${count(copies)} delivered to the key owner's account for calls made from another account`] : []),
  ];
  return parts.length ? parts.join(', ') : undefined;
}

/**
 * Whether a run summed itself up. A completed or cancelled run did. One whose process died, or whose
 * drill failed, or that is still playing did not: its head keeps the zeros it started with, so what it
 * recorded must be counted where it went (the event store), never read from those zeros.
 */
export function summedUp(execution: { status: string }): boolean {
  return execution.status === 'completed' || execution.status === 'cancelled';
}

/**
 * A run's calls and records in one phrase — "1,175 KMS calls · 1,177 CloudTrail records (2 written by
 * KMS on its own)", or "3,600 KMS calls (CloudTrail records)" when every record is a call — as the
 * CLI prints it when a drill ends and when the run is shown again.
 */
export function callsAndRecords(totals: { kmsCalls: number; keyOwnerCopies?: number | undefined }, eventCount: number): string {
  const beside = recordsBesideCalls(totals, eventCount);
  return beside ? `${count(totals.kmsCalls)} KMS calls · ${count(eventCount)} CloudTrail records (${beside})` : `${count(totals.kmsCalls)} KMS calls (CloudTrail records)`;
}
