import { create } from 'zustand';
import type { ImportFinished, ImportProgress } from '../../src-shared/api';
import { subscribe } from './api-client';

/** What the UI knows of one import job: its latest progress and, once over, how it ended. */
export interface ImportJob {
  jobId: string;
  progress: ImportProgress | undefined;
  finished: ImportFinished | undefined;
}

const KEEP = 20;

interface ImportJobsStore {
  jobs: ReadonlyMap<string, ImportJob>;
  /** The last import the desktop File menu started (its files are announced before any progress). */
  fromMenu: { jobId: string; files: number } | undefined;
}

/**
 * Every import job main reports, by job id, heard from launch on (not only while the Reports page
 * is open): a small upload can finish before the call that started it answers, or before the
 * Reports page has loaded, and a job started from the desktop File menu is announced separately.
 */
export const useImportJobsStore = create<ImportJobsStore>()(() => ({ jobs: new Map(), fromMenu: undefined }));

export function useImportJobs(): ReadonlyMap<string, ImportJob> {
  return useImportJobsStore((s) => s.jobs);
}

function update(jobId: string, change: Partial<ImportJob>): void {
  const next = new Map(useImportJobsStore.getState().jobs);
  const job = next.get(jobId) ?? { jobId, progress: undefined, finished: undefined };
  next.delete(jobId);
  next.set(jobId, { ...job, ...change });
  // Newest last: forget the oldest so a long session does not keep every job.
  for (const id of next.keys()) if (next.size > KEEP) next.delete(id);
  useImportJobsStore.setState({ jobs: next });
}

/** Listens to main's import events for the whole session; returns the unsubscribe. */
export function connectImportEvents(): () => void {
  const offs = [
    subscribe('import:progress', (p) => update(p.jobId, { progress: p })),
    subscribe('import:finished', (f) => update(f.jobId, { finished: f })),
    subscribe('menu:command', (command) => {
      if (command.command === 'import-started') useImportJobsStore.setState({ fromMenu: { jobId: command.jobId, files: command.files } });
    }),
  ];
  return () => offs.forEach((off) => off());
}
