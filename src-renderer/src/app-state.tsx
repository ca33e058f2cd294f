import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { RunSummary } from '../../src-shared/api';
import { call } from './api-client';
import { useLoad } from './use-call';

export const PAGES = [
  { id: 'drills', label: 'Drills' },
  { id: 'explorer', label: 'Explorer' },
  { id: 'audit', label: 'Audit' },
  { id: 'reports', label: 'Reports' },
  { id: 'settings', label: 'Settings' },
] as const;
export type PageId = (typeof PAGES)[number]['id'];

/** What one page asks another to show: the audit log filtered to an event id, say. */
export interface AuditPreset {
  eventId?: string;
  runId?: string;
  /** Bumped on each request, so asking twice for the same event still applies. */
  nonce: number;
}

interface AppState {
  page: PageId;
  go: (page: PageId) => void;
  /** The run the Drills, Explorer and Reports pages show. */
  runId: string | undefined;
  selectRun: (runId: string | undefined) => void;
  runs: RunSummary[];
  runsError: string | undefined;
  refreshRuns: () => void;
  auditPreset: AuditPreset | undefined;
  openInAudit: (preset: Omit<AuditPreset, 'nonce'>) => void;
}

const Context = createContext<AppState | undefined>(undefined);

/** Navigation, the selected run and the runs list, shared by every page. */
export function AppStateProvider({ children }: { children: ReactNode }) {
  const [page, setPage] = useState<PageId>('drills');
  const [chosenRun, selectRun] = useState<string | undefined>();
  const [auditPreset, setAuditPreset] = useState<AuditPreset | undefined>();
  const runsLoad = useLoad(() => call('runs:list', {}).then((r) => r.runs), []);
  const runs = useMemo(() => runsLoad.data ?? [], [runsLoad.data]);
  const runId = chosenRun ?? runs[0]?.runId;
  const openInAudit = useCallback((preset: Omit<AuditPreset, 'nonce'>) => {
    setAuditPreset((p) => ({ ...preset, nonce: (p?.nonce ?? 0) + 1 }));
    setPage('audit');
  }, []);
  const value: AppState = {
    page, go: setPage, runId, selectRun, runs, runsError: runsLoad.error, refreshRuns: runsLoad.reload, auditPreset, openInAudit,
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error('useAppState outside AppStateProvider');
  return state;
}
