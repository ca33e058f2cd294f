import { apiChannels, isApiChannel, type ApiChannel, type ApiError, type ApiResult } from '../../src-shared/api';
import type { EmbeddedKms } from '../kms/embedded/embedded-kms';
import { kmsStatus } from './kms-status-service';

/** The services behind the API contract; Electron IPC and the web bridge both call only this. */
export interface AppContext {
  kms: EmbeddedKms;
  endpoint: string | null;
  dataDir: string | null;
}

type Handlers = { [C in ApiChannel]: (ctx: AppContext, args: unknown) => Promise<ApiResult<C>> | ApiResult<C> };

const handlers: Handlers = {
  'kms:status': (ctx) => kmsStatus(ctx.kms, ctx.endpoint, ctx.dataDir),
};

export type ApiOutcome = { ok: true; result: unknown } | { ok: false; error: ApiError };

/** Validates channel and payload, runs the handler, validates the result: the one door into main. */
export async function callApi(ctx: AppContext, channel: unknown, args: unknown): Promise<ApiOutcome> {
  if (!isApiChannel(channel)) return { ok: false, error: { code: 'unknown-channel', message: `Unknown API channel ${JSON.stringify(channel)}` } };
  const spec = apiChannels[channel];
  const parsed = spec.args.safeParse(args ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'bad-request', message: `${channel}: ${where}` } };
  }
  try {
    const result = await handlers[channel](ctx, parsed.data);
    return { ok: true, result: spec.result.parse(result) };
  } catch (err) {
    return { ok: false, error: { code: 'failed', message: (err as Error).message } };
  }
}
