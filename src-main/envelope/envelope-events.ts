/**
 * What the envelope core reports as it runs, for the drill simulator, the UI and logs. Payloads are
 * ids, versions, regions, ARNs and KMS error names: never key bytes or record contents.
 */
export type NodeStatus = 'stopped' | 'starting' | 'running' | 'failed';

/** Why a key left a node's cache (every eviction zeroes the key). */
export type CacheEvictionReason = 'max-age' | 'max-operations' | 'max-bytes' | 'parent-evicted' | 'replaced' | 'cleared';

/** Every event the core emits, by name, with its payload. */
export interface EnvelopeEventMap {
  'node-state': { node: string; status: NodeStatus; previous: NodeStatus; reason?: string; kmsCode?: string };
  'kms-call': { node: string | undefined; operation: string; region: string; ok: boolean; code?: string; durationMs: number };
  'health-check': { node: string; region: string; ok: boolean; kmsCode?: string };
  'cache-miss': { node: string; key: string };
  'cache-eviction': { node: string; key: string; reason: CacheEvictionReason };
  failover: { node: string; from: string; to: string; automatic: boolean };
  'database-key-rotated': { node: string; database: string; version: number };
  'master-key-rotated': { node: string; fromVersion: number; toVersion: number; databaseKeysRewrapped: number; cmkArn: string; keyMaterialId: string | undefined };
  'cmk-replaced': { from: string; to: string; nodes: string[]; snapshotsNeedingOldKey: string[] };
  'snapshot-taken': { snapshot: string; node: string; database: string; cmkArn: string; keyMaterialId: string | undefined };
  'reencrypt-progress': { node: string; database: string; done: number; total: number; moved: number };
}

/** The name of an envelope event. */
export type EnvelopeEventName = keyof EnvelopeEventMap;

/** Structured log lines; the core passes ids and codes as fields, never key material. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The default logger: says nothing. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

type Listener<T> = (payload: T) => void;

/**
 * A typed listener list: `on` returns the unsubscribe function. A listener that throws is logged
 * and skipped, so an observer can never break the core's bookkeeping mid-operation.
 */
export class EnvelopeEvents {
  private readonly listeners = new Map<EnvelopeEventName, Set<Listener<never>>>();
  private readonly anyListeners = new Set<Listener<never>>();

  constructor(private readonly logger: Logger = silentLogger) {}

  on<K extends EnvelopeEventName>(name: K, listener: Listener<EnvelopeEventMap[K]>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  /** Every event, in order, as `[name, payload]`: what a simulator or a recorder subscribes to. */
  onAny(listener: <K extends EnvelopeEventName>(name: K, payload: EnvelopeEventMap[K]) => void): () => void {
    const wrapped = listener as unknown as Listener<never>;
    this.anyListeners.add(wrapped);
    return () => this.anyListeners.delete(wrapped);
  }

  emit<K extends EnvelopeEventName>(name: K, payload: EnvelopeEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) this.call(name, () => (listener as Listener<EnvelopeEventMap[K]>)(payload));
    for (const listener of this.anyListeners) this.call(name, () => (listener as unknown as (n: K, p: EnvelopeEventMap[K]) => void)(name, payload));
  }

  private call(name: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.logger.error('an envelope event listener threw', { event: name, error: (err as Error)?.message });
    }
  }
}
