import { useEffect, useState } from 'react';
import { ImportFilesForm } from './import-files';
import { useImportJobs, useImportJobsStore } from './import-jobs';
import { ImportLookupForm } from './import-lookup';
import { ImportProgressView } from './import-progress';

interface Tracked {
  jobId: string;
  /** Files announced by whoever started the job, shown before the first progress event. */
  files?: number | undefined;
}

/**
 * The Reports page's "Import CloudTrail logs" section: log files (picked, dropped, or chosen in the
 * desktop File menu) and LookupEvents, each with its job's progress and result shown under it.
 */
export function CloudTrailImport() {
  const jobs = useImportJobs();
  const [filesJob, setFilesJob] = useState<Tracked | undefined>();
  const [lookupJob, setLookupJob] = useState<Tracked | undefined>();

  // File › Import CloudTrail Logs… starts the job in main; its progress shows here like an upload's.
  const fromMenu = useImportJobsStore((s) => s.fromMenu);
  useEffect(() => {
    if (fromMenu) setFilesJob(fromMenu);
  }, [fromMenu]);

  const view = (tracked: Tracked | undefined) => {
    if (!tracked) return null;
    const job = jobs.get(tracked.jobId) ?? { jobId: tracked.jobId, progress: undefined, finished: undefined };
    return <ImportProgressView job={job} expectedFiles={tracked.files} />;
  };

  return (
    <section className="import" aria-labelledby="import-title" data-testid="cloudtrail-import">
      <h2 id="import-title">Import CloudTrail logs</h2>
      <p className="muted">Events already stored (same eventID) are counted as duplicates and not stored twice; a file with a malformed record is refused whole.</p>
      <h4>Log files</h4>
      <ImportFilesForm onStarted={(jobId, files) => setFilesJob({ jobId, files })} onChosen={() => setFilesJob(undefined)} />
      {view(filesJob)}
      <h4>CloudTrail LookupEvents</h4>
      <ImportLookupForm onStarted={(jobId) => setLookupJob({ jobId })} />
      {view(lookupJob)}
    </section>
  );
}
