import { useAppState } from './app-state';

/** Chooses the run a page shows; says what to do when there is none yet. */
export function RunPicker({ label = 'Run' }: { label?: string }) {
  const { runs, runId, selectRun, go } = useAppState();
  if (runs.length === 0) {
    return (
      <p className="empty">
        No drill has run yet. <button type="button" className="link" onClick={() => go('drills')}>Run a built-in drill</button> to see it here.
      </p>
    );
  }
  return (
    <label className="field inline">
      <span>{label}</span>
      <select value={runId ?? ''} onChange={(e) => selectRun(e.target.value)} aria-label={label}>
        {runs.map((r) => (
          <option key={r.runId} value={r.runId}>
            {r.passed ? '✓' : '✗'} {r.title} — {r.backend}, seed {r.seed} ({r.runId})
          </option>
        ))}
      </select>
    </label>
  );
}
