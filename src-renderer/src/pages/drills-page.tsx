import { lazy, startTransition, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { BackendKind, ScenarioSummary } from '../../../src-shared/api';
import { timeLeftText } from '../../../src-shared/drill-eta';
import { describeSetup } from '../../../src-shared/drill-setup';
import { parseSeed, SEED_RANGE } from '../../../src-shared/seed-text';
import { call } from '../api-client';
import { playedElsewhere, useAppState, useAppStore, type DrillJob } from '../app-state';
import { onActivate, scenarioFacts } from '../format';
import { FleetInventory } from '../fleet-inventory';
import { RunPicker } from '../run-picker';
import { builtInScenarios, builtInScenariosNow, savedSettings, savedSettingsNow } from '../startup';

// The charts (recharts) load after the scenario list is on screen: the page is usable before them.
const RunView = lazy(() => import('../run-view').then((m) => ({ default: m.RunView })));
const LiveAvailability = lazy(() => import('../live-availability').then((m) => ({ default: m.LiveAvailability })));
const LiveCalls = lazy(() => import('../live-calls').then((m) => ({ default: m.LiveCalls })));
import { ScenarioEditor, type Validation } from '../scenario-editor';
import { useLoad } from '../use-call';
import { useFollowRun } from '../use-follow-run';
import { useRovingFocus } from '../use-roving-focus';

/** How fast a drill plays: as fast as it goes (virtual time), or on the wall clock to watch it unfold. */
const PACES = [
  { label: 'As fast as it goes', speed: undefined },
  { label: 'Watch: 1 minute a second', speed: 60 },
  { label: 'Watch: 10 minutes a second', speed: 600 },
  { label: 'Watch: 1 hour a second', speed: 3600 },
  { label: 'Watch: 1 day a second', speed: 86_400 },
] as const;

/** Built-in and edited scenarios, run on a chosen backend with progress, and the selected run's result. */
export function DrillsPage() {
  const { runId, go } = useAppState();
  const job = useAppStore((st) => st.job);
  const jobError = useAppStore((st) => st.jobError);
  const startJob = useAppStore((st) => st.startJob);
  const draft = useAppStore((st) => st.draft);
  const scenarioOffer = useAppStore((st) => st.scenarioOffer);
  // The launch's first screen: drawn as soon as it arrives (see useLoad).
  const scenarios = useLoad(() => builtInScenarios().then((r) => r.scenarios), [], { urgent: true, initial: () => builtInScenariosNow()?.scenarios });
  const settings = useLoad(() => savedSettings(), [], { urgent: true, initial: savedSettingsNow });
  const [chosen, setChosen] = useState<ScenarioSummary | undefined>();
  const [text, setText] = useState('');
  const [validation, setValidation] = useState<Validation | undefined>();
  const [backend, setBackend] = useState<BackendKind | undefined>();
  const [seed, setSeed] = useState('');
  const [seedRefused, setSeedRefused] = useState(false);
  const [pace, setPace] = useState(0);
  const [runError, setRunError] = useState<string | undefined>();
  // Run clicked, drills:run not answered yet (a fleet's text takes a moment to check).
  const [launching, setLaunching] = useState(false);

  // File › Open Scenario… hands its text over through the store.
  useEffect(() => {
    if (!draft) return;
    setChosen(undefined);
    setText(draft.text);
  }, [draft]);

  const pick = (s: ScenarioSummary) => {
    setChosen(s);
    setText(s.text);
  };

  // "Run a built-in drill" (shown while no run exists): choose a short, telling drill and put focus on it.
  useEffect(() => {
    const list = scenarios.data;
    if (scenarioOffer === 0 || !list?.length) return;
    const offered = list.find((s) => s.name === 'revocation-and-restore') ?? list[0];
    if (!offered) return;
    setChosen(offered);
    setText(offered.text);
    const item = document.querySelector<HTMLElement>(`[data-scenario="${offered.name}"]`);
    item?.scrollIntoView({ block: 'nearest' });
    item?.focus();
  }, [scenarioOffer, scenarios.data]);

  const [stopping, setStopping] = useState(false);
  useEffect(() => setStopping(false), [job?.jobId]);
  const follow = useFollowRun(job);
  const stop = async () => {
    if (!job || stopping) return;
    setStopping(true);
    try {
      const { cancelled } = await call('drills:cancel', { jobId: job.jobId });
      if (!cancelled) setStopping(false);
    } catch (err) {
      setStopping(false);
      setRunError((err as Error).message);
    }
  };
  // Once the refused seed is edited, its message goes with its mark.
  const editSeed = (text: string) => {
    setSeed(text);
    if (!seedRefused) return;
    setSeedRefused(false);
    setRunError(undefined);
  };
  const onValidated = useCallback((v: Validation | undefined) => setValidation(v), []);

  const run = async () => {
    setRunError(undefined);
    const typed = seed.trim();
    // Digits only: Number() would run "1e3" as seed 1000 and "0x10" as 16, not the seed the user meant.
    const seedNumber = typed === '' ? undefined : parseSeed(typed);
    setSeedRefused(typed !== '' && seedNumber === undefined);
    if (typed !== '' && seedNumber === undefined) {
      setRunError(`Seed: “${typed}” is not a whole number from ${SEED_RANGE.min} to ${SEED_RANGE.max} written in digits; leave it empty for the scenario’s own seed.`);
      return;
    }
    const scenario = chosen && text === chosen.text ? { name: chosen.name } : { text };
    setLaunching(true);
    try {
      const speed = PACES[pace]?.speed;
      const started = await call('drills:run', { scenario, backend: backend ?? settings.data?.backend.kind, seed: seedNumber, ...(speed ? { speed } : {}) });
      startJob(started);
      follow.ranHere();
    } catch (err) {
      setRunError((err as Error).message);
    } finally {
      setLaunching(false);
    }
  };

  const visible = useAppStore((st) => st.page === 'drills');
  // Read again when the run's status changes: a run shown while it played (the newest, after a reload) is shown as it ended.
  const runStatus = useAppStore((st) => st.runs.find((r) => r.runId === runId)?.status);
  // And on each look at the runs while another process plays it (the CLI): its progress moves on here too.
  const elsewhere = useAppStore((st) => (playedElsewhere(st, runId) ? st.elsewhereTick : -1));
  const { data: loaded, error: recordError } = useLoad(() => (runId ? call('runs:overview', { runId }) : Promise.resolve(undefined)), [runId, runStatus, elsewhere]);
  // Its charts are drawn once the browser is idle with this page in view: a tab opened right after
  // launch is not kept waiting behind them (recharts draws synchronously).
  // The last run loaded is kept while the next loads: not shown under the other's name in the picker.
  const record = loaded?.execution.runId === runId ? loaded : undefined;
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    if (!record || !visible || drawn) return;
    const w = globalThis as { requestIdleCallback?: (f: () => void, o: { timeout: number }) => number; cancelIdleCallback?: (id: number) => void };
    if (!w.requestIdleCallback || !w.cancelIdleCallback) {
      setDrawn(true);
      return;
    }
    // In a transition too: React then draws the charts in slices, and a tab clicked meanwhile is
    // answered between two of them instead of after all (measured: Audit opened right after launch
    // waited ~150 ms behind the charts).
    const id = w.requestIdleCallback(() => startTransition(() => setDrawn(true)), { timeout: 600 });
    return () => w.cancelIdleCallback?.(id);
  }, [record, visible, drawn]);
  const seen = drawn;
  // A drill started and its run not listed yet: no run is shown rather than the one before it, whose verdicts read as this one's.
  const starting = launching || (job && !job.listed);
  const canRun = !job && text.trim() !== '' && validation?.valid === true;
  // A built-in scenario is picked while the editor holds it as it is: edited or pasted over, what runs is the editor's text.
  const picked = chosen && text === chosen.text ? chosen.name : undefined;
  const roving = useRovingFocus<HTMLUListElement>(useMemo(() => (scenarios.data ?? []).map((s) => s.name), [scenarios.data]), picked, 'data-scenario');

  return (
    <div className="page drills">
      <div className="drill-grid">
        <nav className="scenario-list" aria-label="Built-in scenarios">
          <h2>Built-in scenarios</h2>
          {scenarios.error ? <p className="error" role="alert">{scenarios.error}</p> : null}
          {scenarios.loading && !scenarios.data ? <p className="muted">Loading…</p> : null}
          <ul role="listbox" aria-label="Built-in scenarios" ref={roving.box} onKeyDown={roving.onKeyDown} onFocus={roving.onFocus}>
            {(scenarios.data ?? []).map((s) => (
              <li key={s.name} role="option" tabIndex={roving.tabIndexOf(s.name)} aria-selected={picked === s.name} data-scenario={s.name}
                onClick={() => pick(s)} onKeyDown={onActivate(() => pick(s))}>
                <strong>{s.title}</strong>
                <span className="muted">{scenarioFacts(s)}</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => { setChosen(undefined); setText(''); }}>Clear the editor</button>
          <FleetInventory onScenario={(made) => { setChosen(undefined); setText(made); }} />
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
              <input value={seed} onChange={(e) => editSeed(e.target.value)} inputMode="numeric" placeholder="scenario’s" size={10} aria-invalid={seedRefused || undefined} />
            </label>
            <label className="field inline">
              <span>Pace</span>
              <select value={pace} onChange={(e) => setPace(Number(e.target.value))} aria-label="Pace">
                {PACES.map((p, i) => <option key={p.label} value={i}>{p.label}</option>)}
              </select>
            </label>
            <button type="button" className="primary" disabled={!canRun} onClick={() => void run()}>Run drill</button>
            {job ? (
              <div className="progress" role="status" aria-live="polite" onFocus={follow.onFocus} onBlur={follow.onBlur}>
                {/* During set-up nothing of the drill's time has passed yet: the bar runs without a value (indeterminate) beside what is being made. */}
                {settingUp(job) ? <progress aria-label={`Setting up ${job.title}`} /> : <progress value={job.fraction} max={1} aria-label={`Running ${job.title}`} />}
                <span>{settingUp(job) ? `Setting up${job.setup ? `, ${describeSetup(job.setup)}` : '…'}` : `${Math.round(job.fraction * 100)}%${timeLeft(job)}`} · {job.title}</span>
                {/* aria-disabled, not disabled: a disabled button drops the focus the keyboard user pressed it with. */}
                <button type="button" ref={follow.stopButton} onClick={() => void stop()} aria-disabled={stopping} data-testid="stop-drill">{stopping ? 'Stopping…' : 'Stop'}</button>
                {/* This page is hidden under the pressed link: the keyboard goes to the Explorer's tab, as arrowing along the tabs does. */}
                <button type="button" className="link" onClick={() => { go('explorer'); document.getElementById('tab-explorer')?.focus(); }}>Watch the hierarchy</button>
              </div>
            ) : null}
          </div>
          <Suspense fallback={null}>
            {job && job.history.length > 0 ? <LiveAvailability job={job} /> : null}
            {job?.durationMs ? <LiveCalls job={job} durationMs={job.durationMs} /> : null}
          </Suspense>
          {runError ?? jobError ? <p className="error" role="alert">The drill did not run: {runError ?? jobError}</p> : null}
        </section>
      </div>
      <div className="run-select"><RunPicker label="Showing run" /></div>
      {starting ? <p className="muted" data-testid="run-starting">{job?.title ?? 'The drill'}: its run shows here as soon as it is kept, a moment after Run.</p> : null}
      {recordError && !starting ? <p className="error" role="alert">{recordError}</p> : null}
      {/* Drawn afresh when the run ends: shown from its start now, it was read (its verdicts' evidence ids too) while it had none. */}
      {record && seen && !starting ? <Suspense fallback={<p className="muted">Loading the run…</p>}><RunView key={`${record.execution.runId} ${record.execution.status}`} record={record}
        takeFocus={follow.resultFor === record.execution.runId && record.execution.status !== 'started'} onFocusTaken={follow.taken} /></Suspense> : null}
    </div>
  );
}

/** Nothing of the drill's own time has passed yet: its keys are being made, its clusters started (or the backend opened, before either). */
const settingUp = (job: DrillJob): boolean => job.fraction === 0 && (job.setup !== undefined || job.settingUp === true);

/** " · about 40s left" once the drill's pace, as this window has seen it play, tells; otherwise nothing. */
function timeLeft(job: DrillJob): string {
  const seen = job.seenPlaying;
  const text = seen ? timeLeftText(job.fraction, Date.now() - seen.at, seen.fraction) : undefined;
  return text ? ` · ${text}` : '';
}
