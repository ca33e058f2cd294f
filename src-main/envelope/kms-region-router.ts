import { needs } from '../common/needs';
import { FailoverRefusedError } from './envelope-errors';
import type { CmkState, FailoverConfig } from './hierarchy-state';
import { KmsCallError } from './kms-port';

const KEY_ARN = /^arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;

/** The ARN of the same key in another Region (multi-Region keys share their key id). */
export function regionalArn(keyArn: string, region: string): string {
  const m = KEY_ARN.exec(keyArn);
  needs(m, 'A CMK is identified by a key ARN.');
  return `arn:${m[1]}:kms:${region}:${m[3]}:key/${m[4]}`;
}

/** The key id part of a key ARN (the same in every Region of a multi-Region key). */
export function keyIdOfArn(keyArn: string): string {
  const m = KEY_ARN.exec(keyArn);
  needs(m, 'A CMK is identified by a key ARN.');
  return m[4] as string;
}

/** The Region part of a key ARN. */
export function regionOfArn(keyArn: string): string {
  const m = KEY_ARN.exec(keyArn);
  needs(m, 'A CMK is identified by a key ARN.');
  return m[2] as string;
}

/** The sentence a person needs when a Region cannot be reached: can this key fail over, and where to. */
export function failoverAdvice(cmk: CmkState, from: string): string {
  if (!cmk.multiRegion) {
    return `${cmk.keyArn} is a single-Region key: its key material exists only in ${cmk.region}, so it cannot fail over to another Region (only multi-Region keys, mrk-…, have replicas, and a single-Region key cannot be converted into one).`;
  }
  const others = cmk.regions.filter((r) => r !== from);
  return others.length
    ? `${cmk.keyArn} is a multi-Region key with replicas in ${others.join(', ')}: switch the node's KMS Region to one of them to recover.`
    : `${cmk.keyArn} is a multi-Region key but has no replica outside ${from}; replicate it (ReplicateKey) to fail over.`;
}

/**
 * Decides which KMS Region a call goes to. A call starts in the node's Region; in automatic mode,
 * when that Region is unreachable (not when KMS refuses), the other Regions holding the key are
 * tried in the configured order and the first that answers becomes the node's Region. A refusal
 * (AccessDenied, Disabled, ...) is an answer and is never retried elsewhere: a revoked key is
 * revoked in every Region.
 */
export class KmsRegionRouter {
  constructor(
    private readonly cmk: () => CmkState,
    private readonly failover: () => FailoverConfig,
  ) {}

  /** Regions that hold the key `keyArn` names, as far as the cluster knows. */
  regionsOf(keyArn: string): string[] {
    const cmk = this.cmk();
    return keyIdOfArn(keyArn) === cmk.keyId ? cmk.regions : [regionOfArn(keyArn)];
  }

  /** Throws FailoverRefusedError when nodes cannot use `region` for `keyArn`. */
  checkSwitch(keyArn: string, region: string): void {
    const cmk = this.cmk();
    const regions = this.regionsOf(keyArn);
    if (regions.includes(region)) return;
    if (!cmk.multiRegion || keyIdOfArn(keyArn) !== cmk.keyId) {
      throw new FailoverRefusedError(
        `Cannot switch to ${region}: ${keyArn} is a single-Region key; its key material exists only in ${regionOfArn(keyArn)}, and only multi-Region keys (mrk-…) can be used from another Region. A single-Region key cannot be converted into a multi-Region key.`,
        'single-region-key',
      );
    }
    throw new FailoverRefusedError(`Cannot switch to ${region}: multi-Region key ${cmk.keyId} has no replica there (replicas: ${regions.join(', ')}).`, 'no-replica-in-region');
  }

  /**
   * Runs `call` in `home`, failing over as the mode allows. Resolves with the answer and the
   * Region that gave it; a caller whose Region changed records the switch.
   */
  async run<T>(keyArn: string, home: string, call: (region: string, keyArn: string) => Promise<T>): Promise<{ result: T; region: string }> {
    try {
      return { result: await call(home, regionalArn(keyArn, home)), region: home };
    } catch (err) {
      if (!(err instanceof KmsCallError) || !err.unreachable || this.failover().mode !== 'automatic') throw err;
      const candidates = this.candidates(keyArn, home);
      if (candidates.length === 0) {
        throw new FailoverRefusedError(`KMS in ${home} is unreachable (${err.code}) and automatic failover is impossible: ${failoverAdvice(this.cmk(), home)}`, 'single-region-key', { cause: err });
      }
      let last: KmsCallError = err;
      for (const region of candidates) {
        try {
          return { result: await call(region, regionalArn(keyArn, region)), region };
        } catch (next) {
          if (!(next instanceof KmsCallError) || !next.unreachable) throw next;
          last = next;
        }
      }
      throw new FailoverRefusedError(`KMS is unreachable in ${[home, ...candidates].join(', ')}: every Region holding ${keyIdOfArn(keyArn)} failed (${last.code}).`, 'all-regions-unreachable', { cause: last });
    }
  }

  private candidates(keyArn: string, home: string): string[] {
    const holding = this.regionsOf(keyArn);
    if (holding.length < 2) return [];
    const order = this.failover().regions.length ? this.failover().regions : holding;
    return order.filter((r) => r !== home && holding.includes(r));
  }
}
