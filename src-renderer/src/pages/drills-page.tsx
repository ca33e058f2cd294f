import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendKind, ScenarioSummary } from '../../../src-shared/api';
import { call, subscribe } from '../api-client';
import { useAppState } from '../app-state';
import { formatDuration, onActivate } from '../format';
import { RunPicker } from '../run-picker';
import { RunView } from '../run-view';
import { ScenarioEditor, type Validation } from '../scenario-editor';
import { useLoad } from '../use-call';

type Job = { jobId: string; title: string; fraction: number } | undefined;

/** Built-in and edited scenarios, run on a chosen backend with progress, and the selected run's result. */
export function DrillsPage() {
  const { runId, selectRun, refreshRuns } = useAppState();
  const scenarios = useLoad(() => call('drills:list', {}).then((r) => r.scenarios), []);
  const settings = useLoad(() => call('settings:get', {}), []);
  const [chosen, setChosen] = useState<ScenarioSummary | undefined>();
  const [text, setText] = useState('');
  const [validation, setValidation] = useState<Validation | undefined>();
  const [backend, setBackend] = useState<BackendKind | undefined>();
  const [seed, setSeed] = useState('');
  const [job, setJob] = useState<Job>();
  const [runError, setRunError] = useState<string | undefined>();
  const jobRef = useRef<Job>(undefined);
  jobRef.current = job;

  useEffect(() => {
    const offProgress = subscribe('drill:progress', (p) => {
      if (jobRef.current?.jobId === p.jobId) setJob({ ...jobRef.current, fraction: p.fraction });
    });
    const offFinished = subscribe('drill:finished', (p) => {
      if (jobRef.current?.jobId !== p.jobId) return;
      setJob(undefined);
      if (p.ok) {
        refreshRuns();
        selectRun(p.runId);
      } else {
        setRunError(p.error);
      }
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [refreshRuns, selectRun]);

  const pick = (s: ScenarioSummary) => {
    setChosen(s);
    setText(s.text);
  };
  const onValidated = useCallback((v: Validation | undefined) => setValidation(v), []);

  const run = async () => {
    setRunError(undefined);
    const seedNumber = seed.trim() === '' ? undefined : Number(seed);
    if (seedNumber !== undefined && (!Number.isInteger(seedNumber) || seedNumber < 0)) {
      setRunError('The seed is a whole number from 0, or empty for the scenario’s own.');
      return;
    }
    const scenario = chosen && text === chosen.text ? { name: chosen.name } : { text };
    try {
      const started = await call('drills:run', { scenario, backend: backend ?? settings.data?.backend.kind, seed: seedNumber });
      setJob({ ...started, fraction: 0 });
    } catch (err) {
      setRunError((err as Error).message);
    }
  };

  const { data: record, error: recordError } = useLoad(() => (runId ? call('runs:get', { runId }) : Promise.resolve(undefined)), [runId]);
  const canRun = !job && text.trim() !== '' && validation?.valid === true;

  return (
    <div className="page drills">
      <div className="drill-grid">
        <nav className="scenario-list" aria-label="Built-in scenarios">
          <h2>Built-in scenarios</h2>
          {scenarios.error ? <p className="error" role="alert">{scenarios.error}</p> : null}
          {scenarios.loading && !scenarios.data ? <p className="muted">Loading…</p> : null}
          <ul role="listbox" aria-label="Built-in scenarios">
            {(scenarios.data ?? []).map((s) => (
              <li key={s.name} role="option" tabIndex={0} aria-selected={chosen?.name === s.name} data-scenario={s.name}
                onClick={() => pick(s)} onKeyDown={onActivate(() => pick(s))}>
                <strong>{s.title}</strong>
                <span className="muted">{s.name} · {formatDuration(s.durationMs)} · {s.steps} steps · {s.expectations} expectations</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => { setChosen(undefined); setText(''); }}>Clear the editor</button>
        </nav>
        <section className="editor-column" aria-label="Scenario">
          <ScenarioEditor text={text} onChange={setText} onValidated={onValidated} />
          <div className="run-bar">
            <label className="field inline">
              <span>Backend</span>
              <select value={backend ?? settings.data?.backend.kind ?? 'embedded'} onChange={(e) => setBackend(e.target.value as BackendKind)}>
                <option value="embedded">Embedded KMS</option>
                <option value="localstack">LocalStack</option>
                <option value="aws">AWS KMS</option>
              </select>
            </label>
            <label className="field inline">
              <span>Seed</span>
              <input value={seed} onChange={(e) => setSeed(e.target.value)} inputMode="numeric" placeholder="scenario’s" size={8} />
            </label>
            <button type="button" className="primary" disabled={!canRun} onClick={() => void run()}>Run drill</button>
            {job ? (
              <div className="progress" role="status" aria-live="polite">
                <progress value={job.fraction} max={1} aria-label={`Running ${job.title}`} />
                <span>{Math.round(job.fraction * 100)}% · {job.title}</span>
              </div>
            ) : null}
          </div>
          {runError ? <p className="error" role="alert">The drill did not run: {runError}</p> : null}
        </section>
      </div>
      <div className="run-select"><RunPicker label="Showing run" /></div>
      {recordError ? <p className="error" role="alert">{recordError}</p> : null}
      {record ? <RunView record={record} /> : null}
    </div>
  );
}
