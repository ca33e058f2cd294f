import { create } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import type { DrillSetup, MenuCommand, RunSummary } from '../../src-shared/api';
import { call, subscribe } from './api-client';
import { connectImportEvents } from './import-jobs';
import { LiveHistory } from './live-history';

export const PAGES = [
  { id: 'drills', label: 'Drills' },
  { id: 'explorer', label: 'Explorer' },
  { id: 'audit', label: 'Audit' },
  { id: 'reports', label: 'Reports' },
  { id: 'settings', label: 'Settings' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

export type Theme = 'system' | 'light' | 'dark';

/** What one page asks another to show: the audit log filtered to an event id, say. */
export interface ExplorerFocus {
  runId: string;
  tenant: string;
  /** Ms of the drill: the Explorer shows the last moment at or before it. */
  at?: number | undefined;
  nonce: number;
}

export interface AuditPreset {
  eventId?: string;
  runId?: string;
  /** With `runId`: one of its client-side observations, by the number a verdict cites it by, to open beside its CloudTrail events. */
  observation?: number;
  /** A span of time, as the From/To fields show it and as the query asks for it (the same minutes). */
  range?: { start: string; end: string; startTime: string; endTime: string };
  /** Bumped on each request, so asking twice for the same event still applies. */
  nonce: number;
}

/** A drill running in main: its progress and the hierarchy frames pushed so far (the Explorer follows them). */
export interface DrillJob {
  jobId: string;
  title: string;
  /** The scenario's simulated length (known once drills:run answers). */
  durationMs: number | undefined;
  fraction: number;
  /** Before the first event: how far the drill's set-up has got (a fleet's takes seconds). */
  setup?: DrillSetup | undefined;
  /** The hierarchy history pushed so far (entries, the newest hierarchy, nodes serving over time). */
  history: LiveHistory;
  /** Bumped when new entries are in `history` (which is changed in place), at most every FLUSH_MS. */
  version: number;
  /** Known as the drill starts (before its set-up): the run's id and virtual start, to list it and chart its calls while it plays. */
  run?: { runId: string; startTime: string } | undefined;
  /**
   * Its run is in the runs list (the picker): once there it was selected, and the Drills page shows it
   * (until then the page shows no run, rather than the one before it under this one's progress).
   * A drill taken up already running (after a reload) is listed as the page loads, and not selected.
   */
  listed?: boolean | undefined;
  /** Started here and not yet played its first moment: no set-up stage reported yet, or set-up still going. */
  settingUp?: boolean | undefined;
  /** When this window first saw the drill play, and how far it was then: its pace, for the time left. */
  seenPlaying?: { at: number; fraction: number } | undefined;
}

/** Scenario text handed to the Drills editor from elsewhere (File › Open Scenario…). */
export interface ScenarioDraft {
  name: string;
  text: string;
  nonce: number;
}

interface AppStore {
  page: PageId;
  /** The run chosen by the user; undefined means the newest. */
  chosenRun: string | undefined;
  runs: RunSummary[];
  runsError: string | undefined;
  auditPreset: AuditPreset | undefined;
  job: DrillJob | undefined;
  /** Why the last drill could not run, shown on the Drills page. */
  jobError: string | undefined;
  draft: ScenarioDraft | undefined;
  /** Bumped by File › Export Report… so the Reports page can bring its export into view. */
  exportRequest: number;
  theme: Theme;
  /**
   * The moment the Explorer shows, as an index into a run's moments; none (or another run's) means
   * follow the newest frame of a live drill, or the judged end of a saved run. Kept by run id, so a
   * live drill that finishes and becomes its saved run stays where the user scrubbed to.
   */
  explorerMoment: { runId: string; index: number } | undefined;
  /**
   * A tenant the Explorer is asked to show (from the Drills page's tenants table), at the moment
   * `at` (ms of the drill) when given; `nonce` tells a new ask from one already carried out.
   */
  explorerFocus: ExplorerFocus | undefined;
  /** Bumped by "Run a built-in drill" (the empty state): the Drills page picks one and puts focus on it. */
  scenarioOffer: number;
  /**
   * Bumped each time the runs are asked for again while a run another process plays (the CLI, a
   * second window's server) is listed as playing: pages showing that run read it again.
   */
  elsewhereTick: number;
  go: (page: PageId) => void;
  offerScenarios: () => void;
  selectRun: (runId: string | undefined) => void;
  refreshRuns: () => Promise<void>;
  openInAudit: (preset: Omit<AuditPreset, 'nonce'>) => void;
  /** Opens the Explorer on a run's tenant, scrubbed to the moment `at` when given. */
  openInExplorer: (focus: Omit<ExplorerFocus, 'nonce'>) => void;
  startJob: (job: { jobId: string; title: string; durationMs: number }) => void;
  setTheme: (theme: Theme) => void;
  /** Scrubs the Explorer to a moment of a run, or back to following its newest moment (undefined). */
  scrubTo: (runId: string, index: number | undefined) => void;
}

const storedTheme = (): Theme => {
  const t = globalThis.localStorage?.getItem('keydrill-theme');
  return t === 'light' || t === 'dark' ? t : 'system';
};

/**
 * The renderer's shared state (zustand): navigation, the runs and the selected one, a running
 * drill with its live frames, and hand-overs between pages. Pushed events from main feed it in
 * one place (`connectAppEvents`), so every page sees the same drill whichever page started it.
 */
export const useAppStore = create<AppStore>()((set, get) => ({
  page: 'drills',
  chosenRun: undefined,
  runs: [],
  runsError: undefined,
  auditPreset: undefined,
  job: undefined,
  jobError: undefined,
  draft: undefined,
  exportRequest: 0,
  theme: storedTheme(),
  explorerMoment: undefined,
  explorerFocus: undefined,
  scenarioOffer: 0,
  elsewhereTick: 0,
  go: (page) => set({ page }),
  offerScenarios: () => set((s) => ({ page: 'drills', scenarioOffer: s.scenarioOffer + 1 })),
  selectRun: (chosenRun) => set({ chosenRun }),
  refreshRuns: async () => {
    try {
      const { runs } = await call('runs:list', {});
      // The same list again (asked for on a timer) is not a change: every page that lists runs would draw again.
      if (get().runsError === undefined && JSON.stringify(runs) === JSON.stringify(get().runs)) return;
      set({ runs, runsError: undefined });
    } catch (err) {
      set({ runsError: (err as Error).message });
    }
  },
  openInAudit: (preset) => set({ auditPreset: { ...preset, nonce: (get().auditPreset?.nonce ?? 0) + 1 }, page: 'audit' }),
  openInExplorer: (focus) => set({ explorerFocus: { ...focus, nonce: (get().explorerFocus?.nonce ?? 0) + 1 }, chosenRun: focus.runId, page: 'explorer' }),
  startJob: ({ jobId, title, durationMs }) => set((s) => ({
    jobError: undefined,
    // A frame can arrive before the call that started the job returns: keep those.
    job: s.job?.jobId === jobId ? { ...s.job, title, durationMs } : { jobId, title, durationMs, fraction: 0, history: new LiveHistory(), version: 0, settingUp: true },
  })),
  setTheme: (theme) => {
    globalThis.localStorage?.setItem('keydrill-theme', theme);
    set({ theme });
  },
  scrubTo: (runId, index) => set({ explorerMoment: index === undefined ? undefined : { runId, index } }),
}));

/** The Explorer's chosen moment of `runId`, or undefined to follow its newest (live) or judged end (saved). */
export const momentOf = (s: Pick<AppStore, 'explorerMoment'>, runId: string | undefined): number | undefined =>
  runId !== undefined && s.explorerMoment?.runId === runId ? s.explorerMoment.index : undefined;

/**
 * Where a live drill is on its own clock: its progress (quiet stretches make no frames), or its
 * newest frame when that is later — progress comes a percent at a time, frames as they are made.
 * Here, not beside the live charts, so the Explorer's label has it without loading the charts.
 */
export const liveElapsed = (job: DrillJob): number => Math.max(Math.round(job.fraction * (job.durationMs ?? 0)), job.history.at.at(-1) ?? 0);

/** The selected run: the user's choice, else the newest. */
export const selectedRunId = (s: Pick<AppStore, 'chosenRun' | 'runs'>): string | undefined => s.chosenRun ?? s.runs[0]?.runId;

/**
 * Navigation and run selection, as most pages need them. Not the open page: every page stays
 * mounted, and a tab switch re-rendering all of them (the Explorer's fleet tree, the run view's
 * charts) kept the click busy for ~30 ms. The few that need it select `page` themselves.
 */
export function useAppState() {
  return useAppStore(useShallow((s) => ({
    go: s.go, runId: selectedRunId(s), selectRun: s.selectRun, runs: s.runs, runsError: s.runsError,
    refreshRuns: s.refreshRuns, auditPreset: s.auditPreset, openInAudit: s.openInAudit,
  })));
}

const THEMES: Theme[] = ['system', 'light', 'dark'];

/** Applies a native menu's command (desktop window only). */
function onMenu(command: MenuCommand): void {
  const store = useAppStore.getState();
  switch (command.command) {
    case 'navigate':
      return store.go(command.page);
    case 'open-scenario':
      useAppStore.setState({ draft: { name: command.name, text: command.text, nonce: (store.draft?.nonce ?? 0) + 1 }, page: 'drills' });
      return;
    case 'export-report':
      useAppStore.setState({ exportRequest: store.exportRequest + 1, page: 'reports' });
      return;
    case 'import-started':
      return store.go('reports');
    case 'toggle-theme':
      return store.setTheme(THEMES[(THEMES.indexOf(store.theme) + 1) % THEMES.length] ?? 'system');
  }
}

/**
 * A window opened or reloaded while a drill plays (one started here before the reload, or from
 * another window) takes it up: its progress and Stop on the Drills page. Its hierarchy history
 * joins at the next keyframe the drill pushes (a delta needs the keyframe before it).
 */
async function attachRunningDrill(ended: ReadonlySet<string>): Promise<void> {
  const { jobs } = await call('drills:running', {}).catch(() => ({ jobs: [] }));
  const running = jobs.find((j) => !ended.has(j.jobId));
  if (!running || useAppStore.getState().job) return;
  useAppStore.setState({ job: { jobId: running.jobId, title: running.title, durationMs: running.durationMs, fraction: running.fraction, history: new LiveHistory(), version: 0, run: running.run, listed: true } });
}

let listing = false;

/**
 * Lists the followed drill's run as soon as it has one, and selects it: the Drills page showed the
 * previous run's verdicts under a new drill's progress through a fleet's seconds of set-up. Its row
 * is written once the backend is open, a moment after the run id is announced: each later event
 * asks again until the list has it.
 */
function listLiveRun(): void {
  const job = useAppStore.getState().job;
  if (!job?.run || job.listed || listing) return;
  listing = true;
  void useAppStore.getState().refreshRuns().finally(() => {
    listing = false;
    const now = useAppStore.getState();
    const run = now.job?.run;
    if (!now.job || !run || now.job.listed || !now.runs.some((r) => r.runId === run.runId)) return;
    useAppStore.setState({ job: { ...now.job, listed: true }, chosenRun: run.runId });
  });
}

const FLUSH_MS = 50;
let flushTimer: ReturnType<typeof setTimeout> | undefined;

/** How often the runs are asked for again while one is played elsewhere, and while none is (to see a new one start). */
const ELSEWHERE_PLAYING_MS = 3_000;
const ELSEWHERE_IDLE_MS = 15_000;

/** A run listed as playing that this window is not following: the CLI's, or another server's. */
export const playedElsewhere = (s: Pick<AppStore, 'runs' | 'job'>, runId?: string): boolean =>
  s.runs.some((r) => r.status === 'started' && r.runId !== s.job?.run?.runId && (runId === undefined || r.runId === runId));

/**
 * Runs another process plays push nothing to this window: without asking again, a drill run from
 * the CLI stayed "running … 10m of 6h simulated" on the Drills page and frozen in the Explorer after
 * it had ended. So the list is asked for again, often while such a run plays (pages showing it read
 * it again on each tick), seldom otherwise (a CLI drill that starts shows up in the picker).
 */
function watchRunsPlayedElsewhere(): () => void {
  let since = 0;
  const timer = setInterval(() => {
    const s = useAppStore.getState();
    const playing = playedElsewhere(s);
    since += ELSEWHERE_PLAYING_MS;
    if (!playing && since < ELSEWHERE_IDLE_MS) return;
    since = 0;
    void s.refreshRuns().then(() => {
      if (playing) useAppStore.setState((st) => ({ elsewhereTick: st.elsewhereTick + 1 }));
    });
  }, ELSEWHERE_PLAYING_MS);
  return () => clearInterval(timer);
}

/** Loads the runs and wires main's pushed events into the store; returns the unsubscribe. */
export function connectAppEvents(): () => void {
  void useAppStore.getState().refreshRuns();
  // Drills that end while the running ones are asked for are not taken up.
  const ended = new Set<string>();
  void attachRunningDrill(ended);
  const sameJob = (jobId: string) => useAppStore.getState().job?.jobId === jobId;
  const offs = [
    subscribe('drill:started', (p) => {
      const job = useAppStore.getState().job;
      if (job && !sameJob(p.jobId)) return;
      // It may beat the answer to drills:run (another channel, over the web bridge): it starts the job's record here.
      const base = job ?? { jobId: p.jobId, title: p.title, durationMs: undefined, fraction: 0, history: new LiveHistory(), version: 0, settingUp: true };
      useAppStore.setState({ job: { ...base, run: { runId: p.runId, startTime: p.startTime } } });
      listLiveRun();
    }),
    subscribe('drill:progress', (p) => {
      const job = useAppStore.getState().job;
      if (!job || !sameJob(p.jobId)) return;
      // Progress without a set-up stage is the drill's own time: its set-up is over.
      useAppStore.setState({ job: { ...job, fraction: p.fraction, setup: p.setup, settingUp: job.settingUp && p.setup !== undefined, seenPlaying: job.seenPlaying ?? (p.fraction > 0 ? { at: Date.now(), fraction: p.fraction } : undefined) } });
      listLiveRun();
    }),
    subscribe('drill:frame', (p) => {
      const job = useAppStore.getState().job;
      // Two drills started at once from two windows: this window follows the one it shows, and takes
      // up the other when that ends (switching on each frame started each one's history afresh).
      if (job && job.jobId !== p.jobId) return;
      // A drill this window did not see start (another window's, met mid-play): taken up as after a
      // reload, its run listed but not selected over the one the page shows.
      const base = job ?? { jobId: p.jobId, title: p.title, durationMs: undefined, fraction: 0, history: new LiveHistory(), version: 0, listed: true };
      if (!base.history.add(p.entry)) return;
      if (base !== job || !base.run) {
        useAppStore.setState({ job: { ...base, run: { runId: p.runId, startTime: p.startTime }, version: base.version + 1 } });
        if (base !== job) void useAppStore.getState().refreshRuns();
        listLiveRun();
        return;
      }
      // A fleet's failover pushes thousands of entries at once: the pages redraw at most every FLUSH_MS.
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        const now = useAppStore.getState().job;
        if (now) useAppStore.setState({ job: { ...now, version: now.version + 1 } });
      }, FLUSH_MS);
    }),
    subscribe('drill:finished', (p) => {
      ended.add(p.jobId);
      if (!sameJob(p.jobId)) return;
      if (!p.ok) {
        useAppStore.setState({ job: undefined, jobError: p.error });
        // Its run, listed as running, is kept as interrupted now: the picker says so.
        void useAppStore.getState().refreshRuns();
        void attachRunningDrill(ended);
        return;
      }
      void useAppStore.getState().refreshRuns().then(() => {
        useAppStore.setState({ job: undefined, chosenRun: p.runId });
        return attachRunningDrill(ended);
      });
    }),
    subscribe('menu:command', onMenu),
    connectImportEvents(),
    watchRunsPlayedElsewhere(),
  ];
  return () => offs.forEach((off) => off());
}
