/** Small display helpers shared by the pages. */
import type { RunSummary, ScenarioSummary } from '../../src-shared/api';
import { ratioPercent } from '../../src-shared/ratio-percent';

/** 5400000 → "1h30m", 0 → "0s"; the two largest units unless `units` says more. */
export function formatDuration(ms: number, units = 2): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.slice(0, units).join('');
}

/** An offset into a run to the second ("10d2h30m"): moments half an hour apart must not read alike. */
export function formatMoment(ms: number): string {
  return formatDuration(ms, 4);
}

/** "2026-01-01T01:05:00Z" → "2026-01-01 01:05:00" (UTC, 24-hour; where a column or label already says UTC). */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');
}

/** "2026-01-01T01:05:00Z" → "2026-01-01 01:05:00 UTC": a time shown on its own. */
export function formatUtc(iso: string): string {
  return `${formatTime(new Date(iso).toISOString())} UTC`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Enter or Space on an element that acts as a button. */
export function onActivate(action: () => void): (e: { key: string; preventDefault(): void }) => void {
  return (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      action();
    }
  };
}

/** "2/2 expectations met" for a completed run; a stopped, dead or running one has judged none (not "0/0 met"). */
export function expectationsText(r: Pick<RunSummary, 'status' | 'verdicts' | 'verdictsPassed'>): string {
  return r.status === 'completed' ? `${r.verdictsPassed}/${r.verdicts} expectations met` : 'no expectation judged';
}

/**
 * A run's outcome as its badge says it, with the badge's tone. A run still playing — in this
 * window or in another process, such as `keydrill drill run` — has judged nothing yet: it is
 * neither failed nor cut short.
 */
export function outcomeBadge(r: { status: RunSummary['status']; passed: boolean }): { text: string; tone: 'pass' | 'fail' | 'idle' } {
  switch (r.status) {
    case 'started': return { text: 'running: not judged yet', tone: 'idle' };
    case 'cancelled': return { text: 'cancelled: no expectation judged', tone: 'fail' };
    case 'interrupted': return { text: 'interrupted: the drill did not finish', tone: 'fail' };
    default: return r.passed ? { text: 'all expectations met', tone: 'pass' } : { text: 'some expectations failed', tone: 'fail' };
  }
}

/** "3 expectations", "1 step", "0 steps". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A built-in scenario's line under its title: "node-address-change · 6h · 1 step · 4 expectations". */
export function scenarioFacts(s: Pick<ScenarioSummary, 'name' | 'durationMs' | 'steps' | 'expectations'>): string {
  return `${s.name} · ${formatDuration(s.durationMs)} · ${count(s.steps, 'step')} · ${count(s.expectations, 'expectation')}`;
}

/** A cache hit ratio as the Drills page shows it: never 100% while the cache missed (ratio-percent.ts). */
export function formatHitRatio(ratio: number): string {
  return ratioPercent(ratio, 2);
}

/**
 * The lookup's end for events up to a moment (epoch ms): a CloudTrail eventTime is cut to its second
 * and a lookup's end counts whole seconds, so the moment's own second is the last one asked for.
 * (A second's worth added on top showed the calls of the second after the scrubber's moment.)
 */
export function lookupEndAt(moment: number): string {
  return new Date(Math.floor(moment / 1000) * 1000).toISOString();
}
