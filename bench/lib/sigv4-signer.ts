import { createHash, createHmac } from 'node:crypto';
import { amzDateOf, deriveSigningKey } from '../../src-main/kms/sigv4-key';

/**
 * A lean AWS Signature Version 4 signer for KMS's JSON protocol (POST /, no query string): what
 * the SDK does per call, minus its middleware pipeline. About 30 µs a call, so a benchmark client
 * built on it measures the server, not itself.
 */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const SIGNED_HEADERS = 'content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export class SigV4Signer {
  private keyDate = '';
  private key: Buffer = Buffer.alloc(0);

  constructor(private readonly credentials: Credentials, private readonly region: string, private readonly service = 'kms') {}

  /** The headers of a signed request: `host` is host:port as the server sees it. */
  sign(host: string, target: string, body: string, now = Date.now()): Record<string, string> {
    const amzDate = amzDateOf(now);
    const date = amzDate.slice(0, 8);
    const payloadHash = sha256Hex(body);
    const canonicalRequest = `POST\n/\n\ncontent-type:${CONTENT_TYPE}\nhost:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\nx-amz-target:${target}\n\n${SIGNED_HEADERS}\n${payloadHash}`;
    const scope = `${date}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
    const signature = createHmac('sha256', this.signingKey(date)).update(stringToSign).digest('hex');
    return {
      host,
      'content-type': CONTENT_TYPE,
      'x-amz-content-sha256': payloadHash,
      'x-amz-date': amzDate,
      'x-amz-target': target,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.credentials.accessKeyId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`,
    };
  }

  // The signing key depends only on the day: derive it once a day, as the SDK does.
  private signingKey(date: string): Buffer {
    if (date !== this.keyDate) {
      this.key = deriveSigningKey(this.credentials.secretAccessKey, date, this.region, this.service);
      this.keyDate = date;
    }
    return this.key;
  }
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
