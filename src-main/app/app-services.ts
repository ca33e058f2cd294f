import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../audit/event-store';
import { SqliteEventStore } from '../audit/sqlite-event-store';
import { AppEvents } from './app-events';
import { AuditService } from './audit-service';
import { DrillService } from './drill-service';
import { ImportService, type CloudTrailClientFactory, type CloudTrailEndpoint } from './import-service';
import { ReportService } from './report-service';
import { RunService } from './run-service';
import { SettingsService } from './settings-service';

export interface AppServicesOptions {
  /** The data folder: events.sqlite, runs.sqlite, reports/, settings.json (the CLI's $KEYDRILL_HOME). */
  home: string;
  /** Wall-clock time for elapsed times (injectable for tests). */
  now?: () => number;
  /** Job ids for drills (random by default). */
  jobId?: () => string;
  /** The event store; by default <home>/events.sqlite, opened on first use. */
  store?: EventStore;
  /**
   * The CloudTrail that LookupEvents imports read when the backend is `embedded`: an embedded KMS
   * started with an event store, and the identity to sign as. Without it such an import is refused.
   */
  cloudTrailEndpoint?: CloudTrailEndpoint | undefined;
  /** Builds CloudTrail clients for LookupEvents imports (the SDK's standard client by default). */
  cloudTrailClient?: CloudTrailClientFactory | undefined;
  /** Where uploaded log files are unpacked while they import (the OS temp folder by default). */
  tempDir?: string | undefined;
}

/**
 * The services behind the API contract, built the same way by the Electron shell, the web bridge
 * and the tests. Plain objects with their data folder injected; events go out through `events`.
 */
export class AppServices {
  readonly events = new AppEvents();
  readonly settings: SettingsService;
  readonly runs: RunService;
  readonly drills: DrillService;
  readonly audit: AuditService;
  readonly reports: ReportService;
  readonly imports: ImportService;
  readonly now: () => number;
  private store: EventStore | undefined;

  constructor(readonly options: AppServicesOptions) {
    this.now = options.now ?? Date.now;
    this.store = options.store;
    const store = () => this.eventStore();
    this.settings = new SettingsService(join(options.home, 'settings.json'));
    this.runs = new RunService(join(options.home, 'runs.sqlite'));
    this.audit = new AuditService(store);
    this.reports = new ReportService(join(options.home, 'reports'), this.runs, store);
    const jobId = options.jobId ?? (() => `job-${randomBytes(6).toString('hex')}`);
    this.drills = new DrillService({ runStore: () => this.runs.runStore(), store, settings: () => this.settings.get(), events: this.events, jobId });
    this.imports = new ImportService({
      store,
      settings: () => this.settings.get(),
      events: this.events,
      jobId,
      tempDir: options.tempDir ?? tmpdir(),
      cloudTrailEndpoint: options.cloudTrailEndpoint,
      cloudTrailClient: options.cloudTrailClient,
    });
  }

  eventStore(): EventStore {
    this.store ??= SqliteEventStore.open(join(this.options.home, 'events.sqlite'));
    return this.store;
  }

  /** Stops running drills (kept as cancelled) and imports (after the file or page in hand), then closes the stores. */
  async close(): Promise<void> {
    this.drills.cancelAll('the app closed');
    await Promise.all([this.drills.idle(), this.imports.close()]);
    this.runs.close();
    this.store?.close();
    this.store = undefined;
  }
}
