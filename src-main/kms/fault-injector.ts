/**
 * Client-side faults per region, switchable at run time, applied by SDK middleware to every KMS
 * call a factory's clients make: a regional outage (connection refused, or a timeout), added
 * latency, and throttling at a rate. The KMS itself is untouched — as in a real regional outage,
 * it is the path to the region that fails.
 */
export type OutageMode = 'refused' | 'timeout';

export interface LatencySpec {
  /** Fixed delay in milliseconds. */
  fixedMs: number;
  /** Up to this many more milliseconds, uniformly distributed. */
  jitterMs?: number;
}

export interface RegionFaults {
  outage: OutageMode | undefined;
  latency: LatencySpec | undefined;
  /** Probability in [0, 1] that a call is refused with ThrottlingException. */
  throttleRate: number;
}

/** What the middleware should do to one call. */
export type FaultDecision =
  | { kind: 'none'; delayMs: number }
  | { kind: 'outage'; mode: OutageMode; delayMs: number }
  | { kind: 'throttle'; delayMs: number }
  | { kind: 'denied'; delayMs: number }
  | { kind: 'deleted'; delayMs: number };

export class FaultInjector {
  private readonly regions = new Map<string, RegionFaults>();
  /** Keys whose use is refused on the client (AccessDeniedException), for backends that do not enforce key policies. */
  private readonly deniedKeys = new Set<string>();
  /** Keys treated as deleted on the client (NotFoundException), for backends whose deletion windows run on the wall clock. */
  private readonly deletedKeys = new Set<string>();

  /** `random` is injectable so a drill with a seed throttles the same calls every run. */
  constructor(private readonly random: () => number = Math.random) {}

  outage(region: string, mode: OutageMode = 'refused'): void {
    this.update(region, { outage: mode });
  }

  restore(region: string): void {
    this.update(region, { outage: undefined });
  }

  latency(region: string, spec: LatencySpec | number | undefined): void {
    const latency = typeof spec === 'number' ? { fixedMs: spec } : spec;
    if (latency && !(latency.fixedMs >= 0 && (latency.jitterMs ?? 0) >= 0)) throw new RangeError('latency must be non-negative milliseconds');
    this.update(region, { latency });
  }

  throttle(region: string, rate: number): void {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`throttle rate must be between 0 and 1, got ${rate}`);
    this.update(region, { throttleRate: rate });
  }

  /** Refuses every call naming `keyId` (a key id, or any ARN containing it) with AccessDeniedException. */
  deny(keyId: string): void {
    this.deniedKeys.add(keyId);
  }

  allow(keyId: string): void {
    this.deniedKeys.delete(keyId);
  }

  /** Refuses every call naming `keyId` with NotFoundException, as KMS answers once a key is deleted. */
  markDeleted(keyId: string): void {
    this.deletedKeys.add(keyId);
  }

  clear(region?: string): void {
    if (region === undefined) this.regions.clear();
    else this.regions.delete(region);
  }

  /** The faults in force for a region now (a copy). */
  state(region: string): RegionFaults {
    return { ...(this.regions.get(region) ?? { outage: undefined, latency: undefined, throttleRate: 0 }) };
  }

  decide(region: string, keyRef?: string): FaultDecision {
    const faults = this.regions.get(region);
    const names = (keys: Set<string>): boolean => keyRef !== undefined && keys.size > 0 && [...keys].some((k) => keyRef.includes(k));
    // A deleted key is gone whatever its policy said: NotFoundException wins over AccessDeniedException, as in KMS.
    const refusal = names(this.deletedKeys) ? 'deleted' : names(this.deniedKeys) ? 'denied' : undefined;
    if (!faults) return { kind: refusal ?? 'none', delayMs: 0 };
    const delayMs = faults.latency ? faults.latency.fixedMs + (faults.latency.jitterMs ?? 0) * this.random() : 0;
    if (faults.outage) return { kind: 'outage', mode: faults.outage, delayMs };
    if (refusal) return { kind: refusal, delayMs };
    if (faults.throttleRate > 0 && this.random() < faults.throttleRate) return { kind: 'throttle', delayMs };
    return { kind: 'none', delayMs };
  }

  /**
   * These faults as one client meets them, also refusing on the client (AccessDeniedException, as a
   * denial the backend does not enforce) the calls `refuse` names: a node's network controls played
   * on a backend that does not evaluate aws:SourceIp / aws:SourceVpce. Shares this injector's state.
   */
  forClient(refuse: (keyRef: string | undefined) => boolean): FaultInjector {
    const view = Object.create(this) as FaultInjector;
    view.decide = (region, keyRef) => {
      const d = this.decide(region, keyRef);
      return d.kind === 'none' && refuse(keyRef) ? { kind: 'denied', delayMs: d.delayMs } : d;
    };
    return view;
  }

  private update(region: string, change: Partial<RegionFaults>): void {
    const next = { ...this.state(region), ...change };
    if (!next.outage && !next.latency && next.throttleRate === 0) this.regions.delete(region);
    else this.regions.set(region, next);
  }
}
