import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEventPayload, ApiResult, BackendKind, ScenarioProblem, ScenarioRef, ScenarioSummary, Settings } from '../../src-shared/api';
import { describeEstimate, estimateDrill, LARGE_ESTIMATED_EVENTS } from '../../src-shared/drill-estimate';
import type { Scenario } from '../../src-shared/scenario';
import { BatchedIngest } from '../audit/batched-ingest';
import type { EventStore } from '../audit/event-store';
import { runDrill } from '../drill/drill-runner';
import { FLEET_DEFAULTS, InventoryError } from '../drill/fleet/fleet-inventory';
import { fleetScenarioText } from '../drill/fleet/fleet-scenario-text';
import { FLEET_DRILL_DEFAULTS, InventoryDrillError } from '../drill/fleet/inventory-scenario';
import type { RunStore } from '../runs/run-store';
import { BUILT_IN_DIR, builtInScenarioNames } from '../drill/scenario-catalog';
import { formatProblem, parseScenarioText, problemRows, ScenarioError, type ScenarioTarget } from '../drill/scenario-loader';
import { scenarioTargetFor } from '../drill/scenario-target';
import { AppError } from './app-error';
import type { AppEvents } from './app-events';

export interface DrillServiceOptions {
  /** Where runs are kept as they play. */
  runStore: () => RunStore;
  /** The event store the drill's CloudTrail records go to (opened on first use). */
  store: () => EventStore;
  settings: () => Settings;
  events: AppEvents;
  /** A new job id each call. */
  jobId: () => string;
}

/**
 * Built-in scenarios, validation, and drills run in this process: `run` returns at once with a job
 * id; progress and the end are pushed as `drill:progress` and `drill:finished`, and the run record
 * is saved where `runs:list` and the CLI's `keydrill report` find it.
 */
export class DrillService {
  private readonly running = new Map<string, RunningDrill>();
  private readonly summaries = new Map<string, { mtime: number; summary: ScenarioSummary }>();

  constructor(private readonly options: DrillServiceOptions) {}

  list(): ScenarioSummary[] {
    return builtInScenarioNames().map((name) => {
      const file = join(BUILT_IN_DIR, `${name}.yaml`);
      // Parsed once per version of the file: the Drills page asks at every launch, before it is interactive.
      const mtime = statSync(file).mtimeMs;
      const known = this.summaries.get(name);
      if (known && known.mtime === mtime) return known.summary;
      const text = readFileSync(file, 'utf8');
      const s = parseScenarioText(text, `${name}.yaml`);
      const summary = { name, title: s.title, description: s.description ?? '', durationMs: s.duration, steps: s.timeline.length, expectations: s.expectations.length, text };
      this.summaries.set(name, { mtime, summary });
      return summary;
    });
  }

  /** Checked as a drill on the backend the settings choose would be (its regions, for the embedded KMS). */
  validate(text: string): ApiResult<'drills:validate'> {
    try {
      const s = parseScenarioText(text, 'scenario', scenarioTargetFor(() => this.options.settings().backend.kind));
      const e = estimateDrill(s);
      return { valid: true, title: s.title, problems: [], estimate: { events: Math.round(e.events), kmsCalls: Math.round(e.kmsCalls), summary: describeEstimate(e), large: e.events > LARGE_ESTIMATED_EVENTS } };
    } catch (err) {
      if (err instanceof ScenarioError) return { valid: false, problems: toProblems(err) };
      throw err;
    }
  }

  /**
   * The scenario of a fleet inventory, with `keydrill drill fleet`'s defaults (a 30-day drill, a 3 h
   * outage of the busiest region); the user changes them in the editor, with its help and checks.
   */
  fleetFromInventory(inventory: string, name: string): ApiResult<'drills:fleet'> {
    try {
      return fleetScenarioText(inventory, name, FLEET_DEFAULTS, FLEET_DRILL_DEFAULTS);
    } catch (err) {
      if (err instanceof InventoryError || err instanceof InventoryDrillError) throw new AppError('bad-request', err.message);
      throw err;
    }
  }

  /** Validates, then starts the drill in the background; bad scenario text is refused here, before any job. */
  run(ref: ScenarioRef, backend: BackendKind | undefined, seed: number | undefined, speed?: number): { jobId: string; title: string; durationMs: number } {
    const scenario = this.scenarioOf(ref, scenarioTargetFor(() => backend ?? this.options.settings().backend.kind));
    const jobId = this.options.jobId();
    const stop = new AbortController();
    const state: RunningDrill['state'] = { jobId, title: scenario.title, durationMs: scenario.duration, fraction: 0 };
    const job = this.play(jobId, scenario, backend, seed, speed, stop.signal, state).finally(() => this.running.delete(jobId));
    this.running.set(jobId, { job, stop, state });
    return { jobId, title: scenario.title, durationMs: scenario.duration };
  }

  /** The drills playing now, for a window that opens (or reloads) while one plays: it shows their progress and Stop. */
  runningNow(): ApiResult<'drills:running'> {
    return { jobs: [...this.running.values()].map((r) => ({ ...r.state })) };
  }

  /** Stops a running drill at its next event (it is kept as cancelled); false when no such drill is running. */
  cancel(jobId: string): boolean {
    const run = this.running.get(jobId);
    if (!run) return false;
    run.stop.abort('stopped from the UI');
    return true;
  }

  /** Stops every running drill (the app is closing): each is kept as cancelled. */
  cancelAll(reason: string): void {
    for (const run of this.running.values()) run.stop.abort(reason);
  }

  /** Waits for every running drill to end (for an orderly shutdown and for tests). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.job));
  }

  private scenarioOf(ref: ScenarioRef, target: ScenarioTarget): Scenario {
    try {
      if ('text' in ref) return parseScenarioText(ref.text, 'scenario', target);
      if (!builtInScenarioNames().includes(ref.name)) throw new AppError('not-found', `No built-in scenario named '${ref.name}'.`);
      return parseScenarioText(readFileSync(join(BUILT_IN_DIR, `${ref.name}.yaml`), 'utf8'), `${ref.name}.yaml`, target);
    } catch (err) {
      if (err instanceof ScenarioError) throw new AppError('bad-request', `The scenario is not valid: ${err.problems.map(formatProblem).join('; ')}`);
      throw err;
    }
  }

  /** `speed`: simulated time per wall-clock time, so people can watch the drill unfold; undefined: as fast as it goes. */
  private async play(jobId: string, scenario: Scenario, kind: BackendKind | undefined, seed: number | undefined, speed: number | undefined, signal: AbortSignal, state: RunningDrill['state']): Promise<void> {
    const { events } = this.options;
    const settings = this.options.settings().backend;
    const backend = kind ?? settings.kind;
    // The endpoint and profile come from the settings when they describe the backend asked for.
    const endpoint = settings.kind === 'localstack' && backend === 'localstack' ? settings.endpoint : undefined;
    const profile = settings.kind === 'aws' && backend === 'aws' ? settings.profile : undefined;
    let ingest: BatchedIngest | undefined;
    let last = -1;
    let lastSetup = '';
    let run = { runId: '', startTime: '' };
    const finished = (payload: ApiEventPayload<'drill:finished'>) => events.emit('drill:finished', payload);
    try {
      // Yield once so the caller has the job id before the first progress event.
      await new Promise((resolve) => setImmediate(resolve));
      ingest = new BatchedIngest(this.options.store());
      const record = await runDrill(scenario, {
        backend, endpoint, profile, seed, eventSink: ingest, runSink: this.options.runStore().sink(), signal,
        live: speed === undefined ? undefined : { speed },
        onStart: (started) => {
          run = started;
          state.run = started;
          events.emit('drill:started', { jobId, title: scenario.title, ...started });
        },
        onFrame: (entry) => events.emit('drill:frame', { jobId, title: scenario.title, ...run, entry }),
        onProgress: (fraction) => {
          const pct = Math.floor(fraction * 100);
          if (pct === last) return;
          last = pct;
          state.fraction = Math.min(1, Math.max(0, fraction));
          events.emit('drill:progress', { jobId, fraction: state.fraction });
        },
        // A fleet's set-up takes seconds before the first event: say how far it has got, a percent at a time.
        onSetup: (setup) => {
          const step = `${setup.stage} ${Math.floor((setup.done / Math.max(1, setup.total)) * 100)}`;
          if (step === lastSetup) return;
          lastSetup = step;
          events.emit('drill:progress', { jobId, fraction: 0, setup });
        },
      });
      await ingest.flush();
      finished({ jobId, ok: true, runId: record.execution.runId, passed: record.passed, status: record.execution.status === 'cancelled' ? 'cancelled' : 'completed' });
    } catch (err) {
      finished({ jobId, ok: false, error: (err as Error).message, problems: err instanceof ScenarioError ? toProblems(err) : [] });
    } finally {
      await ingest?.close();
    }
  }
}

/** A drill playing now: its job, its Stop, and what a window that opens meanwhile is told of it. */
interface RunningDrill {
  job: Promise<void>;
  stop: AbortController;
  state: { jobId: string; title: string; durationMs: number; fraction: number; run?: { runId: string; startTime: string } };
}

function toProblems(err: ScenarioError): ScenarioProblem[] {
  return problemRows(err);
}
