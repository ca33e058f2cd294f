import type { ApiArgs, ApiChannel, ApiEvent, ApiEventPayload, ApiResult } from '../../src-shared/api';
import { API_ERROR_CODES, type ApiErrorCode } from '../../src-shared/api-lists';

/**
 * The typed client every page uses. It picks its transport once: the Electron preload's
 * `window.keydrill` when present, else the web bridge (HTTP POST /api/<channel>, pushed events over
 * a WebSocket) of `keydrill ui`.
 *
 * Results and events are not parsed again here: main's one door (`callApi`) parses every result by
 * the channel's schema before it answers, and every pushed event is parsed by its schema as it is
 * emitted, in both shells. Parsing them a second time meant building the whole zod contract before
 * the first screen could show — about 150 ms of a 450 ms launch — to check data already checked.
 * What comes back is only checked for the shape of the answer and a known error code.
 */
interface Transport {
  /** `signal` aborts a web-bridge request (a request not yet sent is never sent); IPC ignores it. */
  invoke(channel: string, args: unknown, signal?: AbortSignal): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    keydrill?: Transport;
  }
}

export class ApiCallError extends Error {
  constructor(readonly code: ApiErrorCode, message: string) {
    super(message);
  }
}

/**
 * The web bridge: same origin, the token travels in the HttpOnly cookie the bridge set. Calls are
 * fetch POSTs (a plain status and JSON error per call); pushed events arrive on one WebSocket at
 * /api/ws, opened on the first subscribe, as `{ event, payload }` messages. If it drops (the laptop
 * slept, `keydrill ui` restarted) it reconnects with a growing delay; events sent meanwhile are missed.
 */
function bridgeTransport(): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let socket: WebSocket | undefined;
  let failures = 0;
  const connect = () => {
    const url = new URL('/api/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      failures = 0;
    };
    ws.onmessage = (e: MessageEvent) => {
      let message: { event?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(e.data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message?.event !== 'string') return;
      for (const l of listeners.get(message.event) ?? []) l(message.payload);
    };
    ws.onclose = (e: CloseEvent) => {
      // 0.5 s, 1 s, 2 s … up to 30 s, with jitter so many tabs do not knock at once.
      const delay = Math.min(30_000, 500 * 2 ** failures) * (0.75 + Math.random() / 2);
      failures += 1;
      console.warn(`KeyDrill: the event connection closed (${e.code}${e.reason ? ` ${e.reason}` : ''}); reconnecting in ${(delay / 1000).toFixed(1)} s.`);
      setTimeout(connect, delay);
    };
  };
  return {
    async invoke(channel, args, signal) {
      let res: Response;
      try {
        res = await fetch(`/api/${encodeURIComponent(channel)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(args ?? {}), ...(signal ? { signal } : {}) });
      } catch (err) {
        if (signal?.aborted) throw err;
        return { ok: false, error: { code: 'failed', message: 'KeyDrill is not answering: is `keydrill ui` still running?' } };
      }
      try {
        return await res.json();
      } catch {
        return { ok: false, error: { code: 'failed', message: `KeyDrill answered ${res.status} ${res.statusText}.` } };
      }
    },
    on(event, listener) {
      if (!socket) connect();
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

/**
 * Typed call of one contract channel; throws ApiCallError with the typed code when it fails.
 * `signal`: a call nobody waits for any more (the filters changed) is dropped, so it does not hold
 * up the calls that matter now.
 */
export async function call<C extends ApiChannel>(channel: C, args: ApiArgs<C>, options: { signal?: AbortSignal } = {}): Promise<ApiResult<C>> {
  const outcome = (await transport.invoke(channel, args, options.signal)) as { ok?: boolean; result?: unknown; error?: unknown } | undefined;
  options.signal?.throwIfAborted();
  if (!outcome?.ok) {
    const error = outcome?.error as { code?: unknown; message?: unknown } | undefined;
    const known = typeof error?.message === 'string' && (API_ERROR_CODES as readonly unknown[]).includes(error.code);
    throw new ApiCallError(known ? (error.code as ApiErrorCode) : 'failed', known ? (error.message as string) : 'The call failed.');
  }
  if (!('result' in outcome)) throw new ApiCallError('failed', `${channel}: the answer carried no result.`);
  return outcome.result as ApiResult<C>;
}

/** Hears one pushed event (parsed by its schema in main as it was emitted); returns the unsubscribe. */
export function subscribe<E extends ApiEvent>(event: E, listener: (payload: ApiEventPayload<E>) => void): () => void {
  return transport.on(event, (payload) => {
    if (payload !== null && typeof payload === 'object') listener(payload as ApiEventPayload<E>);
  });
}
