import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ImportFile, type ApiEventPayload, type BackendKind, type LookupImportQuery, type Settings } from '../../src-shared/api';
import { importCloudTrailFile, SpanOfTimes } from '../audit/cloudtrail-file-import';
import { listLogFiles, NO_LOG_FILES, type LogFileListing } from '../audit/log-folder-walk';
import { CloudTrailFileError } from '../audit/cloudtrail-log-file';
import type { EventStore } from '../audit/event-store';
import { importLookupEvents } from '../audit/lookup-events-import';
import { checkAwsProfile, UnknownAwsProfileError } from '../kms/aws-profile-check';
import { AppError } from './app-error';
import type { AppEvents } from './app-events';

/** Where LookupEvents is read from, resolved from the settings before a job starts. */
export interface CloudTrailTarget {
  backend: BackendKind;
  region: string;
  endpoint?: string | undefined;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** AWS only: a named profile for the standard credential chain (else AWS_PROFILE / the default chain). */
  profile?: string | undefined;
}

/** Builds the CloudTrail client of a target; injectable so tests can observe or redirect the calls. */
export type CloudTrailClientFactory = (target: CloudTrailTarget) => CloudTrailClient;

/** A CloudTrail LookupEvents endpoint (an embedded KMS started with an event store) and who to sign as. */
export interface CloudTrailEndpoint {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface ImportServiceOptions {
  store: () => EventStore;
  settings: () => Settings;
  events: AppEvents;
  jobId: () => string;
  /** Where uploads are unpacked, each job in its own private (0700) folder. */
  tempDir: string;
  /** What LookupEvents reads when the backend is `embedded`; without it such an import is refused. */
  cloudTrailEndpoint?: CloudTrailEndpoint | undefined;
  cloudTrailClient?: CloudTrailClientFactory | undefined;
}

/** A log file to import and the name the user knows it by (an upload's own name, or its path on disk). */
interface LogFile {
  path: string;
  label: string;
  /** Why a symbolic link found inside a chosen folder cannot be followed: named as not imported. */
  unfollowable?: string;
}

/** Raised inside a job when the services close: the job ends at a transaction boundary. */
class Stopped extends Error {}

const KMS_EVENTS = { key: 'EventSource', value: 'kms.amazonaws.com' } as const;

/**
 * Imports CloudTrail events in background jobs: uploaded log files (the UI's file picker or a
 * drop, as base64), files and folders on disk (the desktop File menu), and CloudTrail LookupEvents
 * of the configured backend. Each start returns a job id at once; `import:progress` follows per
 * file or page and `import:finished` at the end. Each file, and each LookupEvents page, is one
 * transaction, so a malformed file stores nothing and a stopped job leaves no half of anything.
 */
export class ImportService {
  private readonly running = new Map<string, Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private stopping = false;

  constructor(private readonly options: ImportServiceOptions) {}

  /** Uploaded files: checked here (names are plain file names, data is base64), then unpacked and imported in the background. */
  startFiles(files: ImportFile[]): { jobId: string } {
    this.refuseWhenClosing();
    if (files.length === 0) throw new AppError('bad-request', 'files: give at least one CloudTrail log file.');
    files.forEach((file, i) => {
      const checked = ImportFile.safeParse(file);
      const issue = checked.success ? undefined : checked.error.issues[0];
      if (issue) throw new AppError('bad-request', `files.${i}.${issue.path.join('.')}: ${issue.message}`);
      // "." and ".." pass the no-folders rule but would name a folder, not a file.
      if (file.name === '.' || file.name === '..') throw new AppError('bad-request', `files.${i}.name: expected a file name, not '${file.name}'`);
    });
    return { jobId: this.launch((jobId) => this.runUploads(jobId, files)) };
  }

  /** Files and folders on disk (folders walked in the S3 AWSLogs layout); an unreadable path or an empty folder is refused before any job. */
  async startPaths(paths: string[]): Promise<{ jobId: string; files: number }> {
    this.refuseWhenClosing();
    if (paths.length === 0) throw new AppError('bad-request', 'Choose at least one CloudTrail log file or folder.');
    const files = new Map<string, LogFile>();
    for (const given of paths) {
      const found = await logFilesAt(resolve(given));
      for (const path of found.files) files.set(path, { path, label: path });
      for (const { path, problem } of found.unfollowable) files.set(path, { path, label: path, unfollowable: problem });
    }
    const list = [...files.values()];
    return { jobId: this.launch((jobId) => this.runFiles(jobId, list)), files: list.length };
  }

  /** LookupEvents of the configured backend; a backend that cannot answer it is refused before any job. */
  startLookup(query: LookupImportQuery): { jobId: string } {
    this.refuseWhenClosing();
    const target = this.target(query.region);
    return { jobId: this.launch((jobId) => this.runLookup(jobId, target, query)) };
  }

  /** Waits for every running import to end (tests, and an orderly shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** Asks running imports to stop after the file or page in hand, and waits for them. */
  async close(): Promise<void> {
    this.stopping = true;
    for (const wake of [...this.wakers]) wake();
    await this.idle();
  }

  private refuseWhenClosing(): void {
    if (this.stopping) throw new AppError('failed', 'KeyDrill is closing: no new import can start.');
  }

  private launch(run: (jobId: string) => Promise<void>): string {
    const jobId = this.options.jobId();
    const job = (async () => {
      // Yield once so the caller has the job id before the first event.
      await new Promise((resolve) => setImmediate(resolve));
      await run(jobId);
    })()
      // Jobs report their own failures as import:finished; this only keeps a broken listener from going unnoticed.
      .catch((err: unknown) => console.error(`keydrill: import ${jobId} failed: ${(err as Error).message}`))
      .finally(() => this.running.delete(jobId));
    this.running.set(jobId, job);
    return jobId;
  }

  private async runUploads(jobId: string, files: ImportFile[]): Promise<void> {
    let dir: string | undefined;
    try {
      dir = await mkdtemp(join(this.options.tempDir, 'keydrill-import-'));
      const list: LogFile[] = [];
      for (const [i, file] of files.entries()) {
        // One folder per upload keeps its own name even when two uploads share one.
        const folder = join(dir, String(i));
        await mkdir(folder, { mode: 0o700 });
        const path = join(folder, file.name);
        await writeFile(path, Buffer.from(file.data, 'base64'), { mode: 0o600, flag: 'wx' });
        list.push({ path, label: file.name });
      }
      await this.runFiles(jobId, list);
    } catch (err) {
      this.finished({ jobId, ok: false, source: 'files', error: `The uploaded files could not be unpacked: ${(err as Error).message}`, stored: 0 });
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  private async runFiles(jobId: string, files: LogFile[]): Promise<void> {
    const counts = { stored: 0, duplicates: 0 };
    let observations = 0;
    // Where the files' events are in time, for the Audit page to open there rather than at every event.
    const span = new SpanOfTimes();
    const failed: { file: string; error: string }[] = [];
    let at = 0;
    try {
      for (const [i, file] of files.entries()) {
        at = i;
        if (this.stopping) throw new Stopped(`Stopped because KeyDrill is closing, after ${i} of ${files.length} files.`);
        try {
          if (file.unfollowable) throw new CloudTrailFileError(file.path, file.unfollowable);
          const result = await importCloudTrailFile(this.options.store(), file.path);
          counts.stored += result.imported;
          counts.duplicates += result.duplicates;
          observations += result.observations;
          span.addSpan(result.span);
        } catch (err) {
          // A malformed file is refused whole and the others still import; any other error (the store) ends the job.
          if (!(err instanceof CloudTrailFileError)) throw err;
          failed.push({ file: file.label, error: `${file.label}: ${err.problem}` });
        }
        this.options.events.emit('import:progress', { jobId, source: 'files', done: i + 1, total: files.length, ...counts, current: file.label });
      }
      this.finished({ jobId, ok: true, source: 'files', ...counts, ...(observations > 0 ? { observations } : {}), ...span.result(), failed });
    } catch (err) {
      const error = err instanceof Stopped ? err.message : storeFailed(files, at, failed.length, counts.stored, err);
      this.finished({ jobId, ok: false, source: 'files', error, stored: counts.stored });
    }
  }

  private async runLookup(jobId: string, target: CloudTrailTarget, query: LookupImportQuery): Promise<void> {
    let stored = 0;
    let client: CloudTrailClient | undefined;
    try {
      if (target.backend === 'aws') await checkAwsProfile(target.profile);
      client = (this.options.cloudTrailClient ?? defaultCloudTrailClient)(target);
      const result = await importLookupEvents(client, this.options.store(), {
        startTime: query.startTime === undefined ? undefined : new Date(query.startTime),
        endTime: query.endTime === undefined ? undefined : new Date(query.endTime),
        attribute: KMS_EVENTS,
        maxPages: query.maxPages,
        sleep: (ms) => this.sleep(ms),
        onProgress: (p) => {
          stored = p.imported;
          this.options.events.emit('import:progress', { jobId, source: 'lookup-events', done: p.pages, total: null, stored: p.imported, duplicates: p.duplicates, current: `page ${p.pages}` });
          // Thrown here, after the page's transaction: the pages stored so far stay whole.
          if (this.stopping) throw new Stopped(`Stopped because KeyDrill is closing, after ${p.pages} pages.`);
        },
      });
      this.finished({ jobId, ok: true, source: 'lookup-events', stored: result.imported, duplicates: result.duplicates, failed: [] });
    } catch (err) {
      const e = err as Error;
      const error = err instanceof Stopped || err instanceof UnknownAwsProfileError ? e.message : `LookupEvents (${target.backend}, ${target.region}) failed: ${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`;
      this.finished({ jobId, ok: false, source: 'lookup-events', error, stored });
    } finally {
      client?.destroy();
    }
  }

  /** The pause between LookupEvents requests (2 a second), cut short when the services close. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.stopping) return reject(new Stopped('Stopped because KeyDrill is closing.'));
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        reject(new Stopped('Stopped because KeyDrill is closing.'));
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve();
      }, ms);
      this.wakers.add(wake);
    });
  }

  private finished(payload: ApiEventPayload<'import:finished'>): void {
    this.options.events.emit('import:finished', payload);
  }

  private target(region: string): CloudTrailTarget {
    const backend = this.options.settings().backend;
    switch (backend.kind) {
      case 'aws':
        return { backend: 'aws', region, profile: backend.profile };
      case 'localstack':
        return { backend: 'localstack', region, endpoint: backend.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
      case 'embedded': {
        const served = this.options.cloudTrailEndpoint;
        if (!served) {
          throw new AppError('bad-request', 'The embedded KMS here does not serve CloudTrail LookupEvents. To import from CloudTrail, choose the AWS backend (a profile and region) or LocalStack on the Settings page; or import CloudTrail log files instead.');
        }
        const { accessKeyId, secretAccessKey } = served.credentials;
        return { backend: 'embedded', region, endpoint: served.endpoint, credentials: { accessKeyId, secretAccessKey } };
      }
    }
  }
}

/** The standard client: AWS's endpoints and credential chain (with the profile), or the given endpoint and credentials. */
export function defaultCloudTrailClient(target: CloudTrailTarget): CloudTrailClient {
  return new CloudTrailClient({
    region: target.region,
    customUserAgent: 'keydrill/0.1.0',
    // A stalled connection must not hold a job, and with it the app's shutdown, forever.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 60_000 },
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    // A copy: the SDK marks the credentials object it is given.
    ...(target.credentials ? { credentials: { ...target.credentials } } : {}),
    ...(target.profile ? { profile: target.profile } : {}),
  });
}

/** What the app says when the store itself failed on `files[at]`: which file, what the files before it stored, what was not imported. */
function storeFailed(files: LogFile[], at: number, refused: number, stored: number, err: unknown): string {
  const label = files[at]?.label ?? '?';
  const done = at - refused;
  const after = files.length - at - 1;
  return `The event store failed on ${label} (file ${at + 1} of ${files.length}): ${(err as Error).message}. ` +
    `The ${done} file${done === 1 ? ' before it is' : 's before it are'} stored whole (${stored} events${refused ? `; ${refused} malformed file${refused === 1 ? ' was' : 's were'} refused` : ''}); ` +
    `${label} and the ${after} file${after === 1 ? '' : 's'} after it were not imported. Importing them again skips what is stored.`;
}

/** The log files a chosen path stands for; throws a user-facing AppError when it cannot be read or holds none. */
async function logFilesAt(path: string): Promise<LogFileListing> {
  let isFolder: boolean;
  try {
    const info = await stat(path);
    if (!info.isFile() && !info.isDirectory()) throw new AppError('bad-request', `Cannot import ${path}: it is neither a file nor a folder.`);
    isFolder = info.isDirectory();
    await access(path, constants.R_OK | (isFolder ? constants.X_OK : 0));
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw unreadable(path, err as NodeJS.ErrnoException);
  }
  if (!isFolder) return { files: [path], unfollowable: [], skipped: [], passedOver: [] };
  let found: LogFileListing;
  try {
    found = await listLogFiles(path);
  } catch (err) {
    throw unreadable(path, err as NodeJS.ErrnoException);
  }
  if (found.files.length + found.unfollowable.length === 0) throw new AppError('bad-request', `${path} ${NO_LOG_FILES}.`);
  return found;
}

function unreadable(path: string, err: NodeJS.ErrnoException): AppError {
  if (err.code === 'ENOENT') return new AppError('not-found', `Cannot import ${path}: no such file or folder.`);
  if (err.code === 'EACCES' || err.code === 'EPERM') return new AppError('bad-request', `Cannot import ${path}: permission denied.`);
  return new AppError('bad-request', `Cannot import ${path}: ${err.message}`);
}
