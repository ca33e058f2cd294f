import { useEffect, useState } from 'react';
import type { ImportFinished, ImportProgress } from '../../src-shared/api';
import { subscribe } from './api-client';

/** What the UI knows of one import job: its latest progress and, once over, how it ended. */
export interface ImportJob {
  jobId: string;
  progress: ImportProgress | undefined;
  finished: ImportFinished | undefined;
}

const KEEP = 20;

/**
 * Every import job main reports, by job id. Events are kept even for a job this page has not
 * started: a small upload can finish before the call that started it answers, and a job started
 * from the desktop File menu is announced separately (`menu:command` import-started).
 */
export function useImportJobs(): ReadonlyMap<string, ImportJob> {
  const [jobs, setJobs] = useState<ReadonlyMap<string, ImportJob>>(new Map());
  useEffect(() => {
    const update = (jobId: string, change: Partial<ImportJob>) => setJobs((old) => {
      const next = new Map(old);
      const job = next.get(jobId) ?? { jobId, progress: undefined, finished: undefined };
      next.delete(jobId);
      next.set(jobId, { ...job, ...change });
      // Newest last: forget the oldest so a long session does not keep every job.
      for (const id of next.keys()) if (next.size > KEEP) next.delete(id);
      return next;
    });
    const offs = [
      subscribe('import:progress', (p) => update(p.jobId, { progress: p })),
      subscribe('import:finished', (f) => update(f.jobId, { finished: f })),
    ];
    return () => offs.forEach((off) => off());
  }, []);
  return jobs;
}
