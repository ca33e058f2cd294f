import {
  apiChannels, ApiError, apiEvents, API_EVENT_NAMES, type ApiArgs, type ApiChannel, type ApiEvent, type ApiEventPayload, type ApiResult,
} from '../../src-shared/api';

/**
 * The typed client every page uses. It picks its transport once: the Electron preload's
 * `window.keydrill` when present, else the web bridge (HTTP POST /api/<channel>, pushed events over
 * server-sent events) of `keydrill ui`. Results and events are checked against the contract here.
 */
interface Transport {
  invoke(channel: string, args: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    keydrill?: Transport;
  }
}

export class ApiCallError extends Error {
  constructor(readonly code: ApiError['code'], message: string) {
    super(message);
  }
}

/** The web bridge: same origin, the token travels in the HttpOnly cookie the bridge set. */
function bridgeTransport(): Transport {
  let source: EventSource | undefined;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connect = () => {
    source = new EventSource('/api/events');
    for (const name of API_EVENT_NAMES) {
      source.addEventListener(name, (e) => {
        let payload: unknown;
        try {
          payload = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const l of listeners.get(name) ?? []) l(payload);
      });
    }
  };
  return {
    async invoke(channel, args) {
      let res: Response;
      try {
        res = await fetch(`/api/${encodeURIComponent(channel)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args ?? {}) });
      } catch {
        return { ok: false, error: { code: 'failed', message: 'KeyDrill is not answering: is `keydrill ui` still running?' } };
      }
      try {
        return await res.json();
      } catch {
        return { ok: false, error: { code: 'failed', message: `KeyDrill answered ${res.status} ${res.statusText}.` } };
      }
    },
    on(event, listener) {
      if (!source) connect();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}

const transport: Transport = window.keydrill ?? bridgeTransport();

/** Which shell this page runs in, for the footer. */
export const transportName = window.keydrill ? 'desktop' : 'browser';

/** Typed call of one contract channel; throws ApiCallError with the typed code when it fails. */
export async function call<C extends ApiChannel>(channel: C, args: ApiArgs<C>): Promise<ApiResult<C>> {
  const outcome = (await transport.invoke(channel, args)) as { ok?: boolean; result?: unknown; error?: unknown } | undefined;
  if (!outcome?.ok) {
    const error = ApiError.safeParse(outcome?.error);
    throw new ApiCallError(error.success ? error.data.code : 'failed', error.success ? error.data.message : 'The call failed.');
  }
  return apiChannels[channel].result.parse(outcome.result) as ApiResult<C>;
}

/** Hears one pushed event (payloads that do not match the contract are dropped); returns the unsubscribe. */
export function subscribe<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
  return transport.on(event, (payload) => {
    const parsed = apiEvents[event].safeParse(payload);
    if (parsed.success) listener(parsed.data as ApiEventPayload<E>);
  });
}
