import { apiEvents, type ApiEvent, type ApiEventPayload } from '../../src-shared/api';

export type EventListener<E extends ApiEvent> = (payload: ApiEventPayload<E>) => void;
/** Any pushed event, for shells that forward all of them (Electron's webContents.send, the bridge's stream). */
export type AnyEventListener = (event: ApiEvent, payload: unknown) => void;

/**
 * The typed events the services push to whoever shows them. Every payload is checked against the
 * contract's schema as it is emitted, so a shell forwards only what the contract allows.
 */
export class AppEvents {
  private readonly listeners = new Set<AnyEventListener>();

  emit<E extends ApiEvent>(event: E, payload: ApiEventPayload<E>): void {
    const checked = apiEvents[event].parse(payload);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, checked);
      } catch (err) {
        // One broken subscriber (a closed window, a dropped stream) must not stop the others.
        console.error(`keydrill: a listener of ${event} failed: ${(err as Error).message}`);
      }
    }
  }

  /** Hears every event; returns the unsubscribe function. */
  onAny(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hears one event; returns the unsubscribe function. */
  on<E extends ApiEvent>(event: E, listener: EventListener<E>): () => void {
    return this.onAny((name, payload) => {
      if (name === event) listener(payload as ApiEventPayload<E>);
    });
  }
}
