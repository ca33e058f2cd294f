import type { RunSummary } from '../../src-shared/api';
import { useAppState, useAppStore } from './app-state';
import { formatUtc } from './format';

/** A run as one line of the picker: its outcome, title, backend and seed, and when it ran (UTC). */
export function runOptionText(r: RunSummary): string {
  const outcome = r.status === 'completed' ? (r.passed ? '✓' : '✗') : r.status === 'started' ? '● running' : r.status;
  // To the second: two runs of one scenario and seed in the same minute read alike to the minute.
  return `${outcome} ${r.title} · ${r.backend}, seed ${r.seed} · ${formatUtc(r.startedAt).slice(0, 19)} UTC`;
}

/** Chooses the run a page shows; says what to do when there is none yet. */
export function RunPicker({ label = 'Run' }: { label?: string }) {
  const { runs, runId, selectRun } = useAppState();
  const offerScenarios = useAppStore((s) => s.offerScenarios);
  if (runs.length === 0) {
    return (
      <p className="empty">
        No drill has run yet. <button type="button" className="link" onClick={offerScenarios}>Run a built-in drill</button> to see it here.
      </p>
    );
  }
  return (
    <label className="field inline run-picker">
      <span>{label}</span>
      <select value={runId ?? ''} onChange={(e) => selectRun(e.target.value)} title={runId} aria-label={label}>
        {runs.map((r) => <option key={r.runId} value={r.runId} title={r.runId}>{runOptionText(r)}</option>)}
      </select>
    </label>
  );
}
