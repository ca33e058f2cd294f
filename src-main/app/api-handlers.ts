import type { z } from 'zod';
import { apiChannels, isApiChannel, type ApiChannel, type ApiOutcome, type ApiResult } from '../../src-shared/api';
import type { EmbeddedKms } from '../kms/embedded/embedded-kms';
import { AppError } from './app-error';
import type { AppServices } from './app-services';
import type { DesktopShell } from './desktop-shell';
import { verifyBundleFromApp } from './bundle-verify-service';
import { testConnection } from './connection-test';
import { kmsStatus } from './kms-status-service';

/** What the handlers reach: the services, and the embedded KMS when the shell runs one (the desktop window does). */
export interface AppContext {
  services: AppServices;
  kms?: { kms: EmbeddedKms; endpoint: string | null; dataDir: string | null } | undefined;
  /** Save dialogs and printToPDF, in the desktop window only. */
  desktop?: DesktopShell | undefined;
}

type Handlers = { [C in ApiChannel]: (ctx: AppContext, args: ApiArgsOut<C>, signal: AbortSignal | undefined) => Promise<ApiResult<C>> | ApiResult<C> };
type ApiArgsOut<C extends ApiChannel> = z.output<(typeof apiChannels)[C]['args']>;

const handlers: Handlers = {
  'kms:status': ({ kms }) => {
    if (!kms) throw new AppError('not-found', 'No embedded KMS runs in this shell: the KMS status is shown in the desktop window.');
    return kmsStatus(kms.kms, kms.endpoint, kms.dataDir);
  },
  'drills:list': ({ services }) => ({ scenarios: services.drills.list() }),
  'drills:validate': ({ services }, { text }) => services.drills.validate(text),
  'drills:fleet': ({ services }, { inventory, name }) => services.drills.fleetFromInventory(inventory, name),
  'drills:run': ({ services }, { scenario, backend, seed, speed }) => services.drills.run(scenario, backend, seed, speed),
  'drills:cancel': ({ services }, { jobId }) => ({ cancelled: services.drills.cancel(jobId) }),
  'drills:running': ({ services }) => services.drills.runningNow(),
  'runs:list': ({ services }) => ({ runs: services.runs.list() }),
  'runs:get': ({ services }, { runId }) => services.runs.get(runId),
  'runs:overview': ({ services }, { runId }) => services.runs.overview(runId, services.eventStore()),
  'runs:timeline': ({ services }, { runId, ...query }) => services.runs.timeline(runId, query),
  'runs:frames': ({ services }, { runId, at, seq, after, limit }) => services.runs.frames(runId, seq !== undefined ? { seq } : after !== undefined ? { after } : { at: at ?? 0 }, limit),
  'runs:moments': ({ services }, { runId, offset, limit }) => services.runs.moments(runId, offset, limit),
  'runs:event-ids': ({ services }, { runId, records, observations }) => ({
    eventIds: services.runs.eventIds(runId, records),
    ...(observations ? { observationIds: services.runs.observationIds(runId, observations) } : {}),
  }),
  'runs:delete': ({ services }, { runId }) => ({ deleted: services.runs.delete(runId) }),
  'audit:lookup': ({ services }, query) => services.audit.lookup(query),
  'audit:aggregate': ({ services }, query, signal) => services.audit.aggregate(query, signal),
  'audit:event': ({ services }, { eventId, eventTime }) => services.audit.event(eventId, eventTime),
  'audit:observations': ({ services }, query) => services.audit.observations(query),
  'audit:observation-aggregate': ({ services }, query) => services.audit.observationAggregate(query),
  'reports:export': ({ services, desktop }, { runId, format, saveAs }) => services.reports.export(runId, format, { saveAs: saveAs === true, desktop }),
  'reports:verify': ({ desktop }, args, signal) => verifyBundleFromApp(args, desktop, signal),
  'audit:import-files': ({ services }, { files }) => services.imports.startFiles(files),
  'audit:import-lookup': ({ services }, query) => services.imports.startLookup(query),
  'settings:get': ({ services }) => services.settings.get(),
  'settings:set': ({ services }, settings) => services.settings.set(settings),
  'settings:test-connection': ({ services }, { backend }) => testConnection(backend ?? services.settings.get().backend, services.now),
};

/**
 * Validates channel and payload, runs the handler, validates the result: the one door into main.
 * `signal`: the caller has gone (the web bridge's request was dropped); a long count stops early.
 */
export async function callApi(ctx: AppContext, channel: unknown, args: unknown, signal?: AbortSignal): Promise<ApiOutcome> {
  if (!isApiChannel(channel)) return { ok: false, error: { code: 'unknown-channel', message: `Unknown API channel ${JSON.stringify(channel)}` } };
  const spec = apiChannels[channel];
  const parsed = spec.args.safeParse(args ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'bad-request', message: `${channel}: ${where}` } };
  }
  try {
    const handler = handlers[channel] as (ctx: AppContext, args: unknown, signal: AbortSignal | undefined) => unknown;
    const result = await handler(ctx, parsed.data, signal);
    return { ok: true, result: spec.result.parse(result) };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: 'failed', message: (err as Error).message } };
  }
}
