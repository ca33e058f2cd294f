import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { request } from 'node:http';

/**
 * One JSON-protocol request over plain HTTP, signed with SigV4 as any AWS SDK signs it, for the
 * cases the JS SDK never sends: another SDK's target prefix, a wrong Content-Type, a temporary key
 * without its session token, a null member, or no signature at all (`credentials: undefined`).
 */
export interface RawCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

export interface RawRequest {
  target: string;
  body: string | Buffer;
  credentials: RawCredentials | undefined;
  region?: string;
  service?: string;
  contentType?: string | undefined;
  /** Headers added after signing (so they are not covered by the signature). */
  unsignedHeaders?: Record<string, string>;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Record<string, unknown>;
}

export async function signedRequest(endpoint: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(endpoint);
  const headers: Record<string, string> = { host: url.host, 'x-amz-target': req.target };
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  const unsigned = { method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname || '/', query: {}, headers, body: req.body };
  const signed = req.credentials
    ? await new SignatureV4({ credentials: req.credentials, region: req.region ?? 'us-east-1', service: req.service ?? 'kms', sha256: Sha256 }).sign(unsigned)
    : unsigned;
  return new Promise((resolve, reject) => {
    const out = request(
      { host: url.hostname, port: url.port, method: 'POST', path: unsigned.path, headers: { ...signed.headers, ...req.unsignedHeaders, 'content-length': String(Buffer.byteLength(req.body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> = {};
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            // not JSON: the caller looks at `text`
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}
