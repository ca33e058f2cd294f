import type { RunRecord, TimelineEntry } from '../../src-shared/run-record';
import { offset } from './html/format-text';

export interface FaultWindow {
  from: number;
  to: number;
  label: string;
}

/**
 * The spans during which faults with a declared `duration` were in force, read from the scenario
 * definition the record carries (the timeline entry says when a fault began, the step how long it
 * lasts). Charts shade them so a dip or a spike can be read against its cause.
 */
export function faultWindows(record: Pick<RunRecord, 'scenario'>, timeline: Iterable<TimelineEntry>): FaultWindow[] {
  const steps = record.scenario.definition.timeline;
  if (!Array.isArray(steps)) return [];
  const windows: FaultWindow[] = [];
  for (const entry of timeline) {
    if (entry.kind !== 'fault' || entry.step === undefined) continue;
    const step: unknown = steps[entry.step];
    const duration = step && typeof step === 'object' ? (step as Record<string, unknown>).duration : undefined;
    if (typeof duration !== 'number' || duration <= 0) continue;
    const to = Math.min(entry.at + duration, Math.max(record.scenario.duration, entry.at));
    windows.push({ from: entry.at, to, label: `${entry.name}: ${entry.detail} (${offset(entry.at)}–${offset(to)})` });
  }
  return windows;
}
