import { createHmac } from 'node:crypto';

/**
 * The parts of AWS Signature Version 4 that signing and checking a signature share: the time as
 * SigV4 writes it, and the signing key. The embedded KMS checks signatures with them
 * (embedded/sigv4-verify.ts), the quick signer writes the SDK's with them (quick-request-signer.ts).
 */

/** A time as X-Amz-Date writes it, whole seconds: 20170111T204052Z. */
export function amzDateOf(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** The signing key of a secret for one day (yyyyMMdd), region and service: four HMACs. */
export function deriveSigningKey(secret: string, shortDate: string, region: string, service: string): Buffer {
  let key = createHmac('sha256', `AWS4${secret}`).update(shortDate).digest();
  for (const part of [region, service, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return key;
}

/** Signing keys, derived once per secret, day, region and service; emptied when `limit` are held. */
export class SigningKeys {
  private readonly keys = new Map<string, Buffer>();

  constructor(private readonly limit: number) {}

  of(secret: string, shortDate: string, region: string, service: string): Buffer {
    const cacheKey = `${shortDate}/${region}/${service}/${secret}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      key = deriveSigningKey(secret, shortDate, region, service);
      if (this.keys.size >= this.limit) this.keys.clear();
      this.keys.set(cacheKey, key);
    }
    return key;
  }
}
