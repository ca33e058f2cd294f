import type { RunRecord, TimelineEntry } from '../../src-shared/run-record';
import { offset } from './html/format-text';

export interface FaultWindow {
  from: number;
  to: number;
  label: string;
}

/**
 * Faults that last until a later step undoes them — on the same key, when they name one — rather than
 * for a declared `duration`: a revocation is in force from its step until access is restored.
 */
const UNDONE_BY: Readonly<Record<string, readonly string[]>> = {
  'key-disable': ['enable-key'],
  'key-policy-revoke': ['restore-access'],
  'grant-revoke': ['restore-access'],
  'iam-permission-revoke': ['iam-permission-restore'],
  'key-schedule-deletion': ['cancel-key-deletion'],
};

function stepAt(steps: readonly unknown[], index: number | undefined): Record<string, unknown> | undefined {
  const step: unknown = index === undefined ? undefined : steps[index];
  return step && typeof step === 'object' ? (step as Record<string, unknown>) : undefined;
}

/**
 * The spans during which faults were in force, read from the scenario definition the record carries
 * (the timeline entry says when a fault began): a fault with a declared `duration` for that long, a
 * revocation (key disabled, policy or grant or IAM permission revoked, deletion scheduled) until the
 * step that undoes it, or to the end of the drill. Charts shade them so a dip or a spike can be read
 * against its cause.
 */
export function faultWindows(record: Pick<RunRecord, 'scenario'>, timeline: Iterable<TimelineEntry>): FaultWindow[] {
  const steps = record.scenario.definition.timeline;
  if (!Array.isArray(steps)) return [];
  const end = (at: number) => Math.max(record.scenario.duration, at);
  const windows: FaultWindow[] = [];
  const open: { entry: TimelineEntry; undoneBy: readonly string[]; key: unknown }[] = [];
  for (const entry of timeline) {
    const step = stepAt(steps, entry.step);
    if (!step) continue;
    if (entry.kind === 'fault') {
      const duration = step.duration;
      if (typeof duration === 'number' && duration > 0) {
        const to = Math.min(entry.at + duration, end(entry.at));
        windows.push({ from: entry.at, to, label: `${entry.name}: ${entry.detail} (${offset(entry.at)}–${offset(to)})` });
      } else {
        const undoneBy = typeof step.do === 'string' ? UNDONE_BY[step.do] : undefined;
        if (undoneBy && entry.outcome !== 'failed') open.push({ entry, undoneBy, key: step.key });
      }
    } else if (entry.kind === 'action' && entry.outcome !== 'failed' && typeof step.do === 'string') {
      for (let i = open.length - 1; i >= 0; i--) {
        const fault = open[i]!;
        if (!fault.undoneBy.includes(step.do) || fault.key !== step.key) continue;
        open.splice(i, 1);
        windows.push({ from: fault.entry.at, to: entry.at, label: `${fault.entry.name}: ${fault.entry.detail} (${offset(fault.entry.at)}–${offset(entry.at)}, until ${entry.name})` });
      }
    }
  }
  for (const { entry } of open) {
    const to = end(entry.at);
    windows.push({ from: entry.at, to, label: `${entry.name}: ${entry.detail} (${offset(entry.at)}–${offset(to)}, to the end of the drill)` });
  }
  return windows.sort((a, b) => a.from - b.from);
}
