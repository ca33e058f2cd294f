import { apiChannels, ApiError, type ApiArgs, type ApiChannel, type ApiResult } from '../../src-shared/api';

/** The bridge the preload script exposes; the only way the renderer reaches main. */
interface Bridge {
  invoke(channel: string, args: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    keydrill?: Bridge;
  }
}

export class ApiCallError extends Error {
  constructor(readonly code: ApiError['code'], message: string) {
    super(message);
  }
}

/** Typed call of one contract channel; the result is checked against its schema here as well. */
export async function call<C extends ApiChannel>(channel: C, args: ApiArgs<C>): Promise<ApiResult<C>> {
  const bridge = window.keydrill;
  if (!bridge) throw new ApiCallError('failed', 'KeyDrill’s main process is not connected to this page.');
  const outcome = (await bridge.invoke(channel, args)) as { ok: boolean; result?: unknown; error?: unknown };
  if (!outcome.ok) {
    const error = ApiError.safeParse(outcome.error);
    throw new ApiCallError(error.success ? error.data.code : 'failed', error.success ? error.data.message : 'The call failed.');
  }
  return apiChannels[channel].result.parse(outcome.result) as ApiResult<C>;
}
