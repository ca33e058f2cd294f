import { KmsError } from './errors';

/**
 * AWS KMS request quotas: cryptographic operations share a per-account, per-region rate (5,500/s
 * in most regions). Off unless configured, since a drill on a virtual clock would otherwise be
 * throttled by wall-clock speed; when on, an over-quota call gets AWS's ThrottlingException.
 */
export const CRYPTO_OPERATIONS = new Set(['Encrypt', 'Decrypt', 'ReEncrypt', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'GenerateDataKeyPair', 'GenerateDataKeyPairWithoutPlaintext', 'GenerateRandom']);

export class RequestQuota {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number, private readonly wallClock: () => number = Date.now) {}

  take(account: string, region: string, operation: string): void {
    if (!CRYPTO_OPERATIONS.has(operation)) return;
    const id = `${account}/${region}`;
    const now = this.wallClock();
    const bucket = this.buckets.get(id) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(id, bucket);
    if (bucket.tokens < 1) {
      throw new KmsError('ThrottlingException', 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.');
    }
    bucket.tokens -= 1;
  }
}
