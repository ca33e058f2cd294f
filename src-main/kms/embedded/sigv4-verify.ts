import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { KmsError } from './errors';
import type { Identity } from './identities';
import { isKnownRegion } from './regions';
import { amzDateOf, SigningKeys } from '../sigv4-key';

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does for a JSON-protocol
 * POST, and answers with AWS's own error names and messages. The region of the request is the one
 * in the credential scope, which is how one embedded server serves every region.
 */
export interface VerifiedRequest {
  identity: Identity;
  region: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60_000;

export class SigV4Verifier {
  // Signing keys change once a day per region; deriving one costs four HMACs, so keep them.
  private readonly signingKeys = new SigningKeys(1024);

  /** `lookup` names who holds an access key now (identities, sessions and aliases come and go). */
  constructor(private readonly lookup: (accessKeyId: string) => Identity | undefined, private readonly service: string, private readonly wallClock: () => number = Date.now) {}

  verify(method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): VerifiedRequest {
    const auth = headerValue(headers, 'authorization');
    if (!auth) throw new KmsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const parsed = parseAuthorization(auth);
    const [accessKeyId, date, region, service, terminator] = parsed.credential.split('/');
    const identity = accessKeyId ? this.lookup(accessKeyId) : undefined;
    if (!identity) throw new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    // AWS: a temporary (ASIA…) key is valid only with its session token, and a long-term key with none.
    if (!sameToken(headerValue(headers, 'x-amz-security-token'), identity.sessionToken)) {
      throw new KmsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!date || !region || !service || terminator !== 'aws4_request') {
      throw new KmsError('IncompleteSignatureException', `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parsed.credential}'`);
    }
    if (!isKnownRegion(region)) throw new KmsError('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'. `);
    if (service !== this.service) throw new KmsError('InvalidSignatureException', `Credential should be scoped to correct service: '${this.service}'. `);

    const amzDate = headerValue(headers, 'x-amz-date');
    if (!amzDate) {
      // AWS would take the signing time from a Date header too; this server reads only X-Amz-Date, which every SDK sends: said, rather than call the Date header absent.
      if (headerValue(headers, 'date')) throw new KmsError('IncompleteSignatureException', 'Authorization header requires an \'X-Amz-Date\' header: the embedded KMS does not take the signing time from the \'Date\' header.');
      throw new KmsError('IncompleteSignatureException', 'Authorization header requires existence of either a \'X-Amz-Date\' or a \'Date\' header.');
    }
    // Present but no time: AWS's words for it, and what was given.
    const signedAt = /^\d{8}T\d{6}Z$/.test(amzDate) ? signedAtOf(amzDate) : Number.NaN;
    if (Number.isNaN(signedAt)) throw new KmsError('InvalidSignatureException', `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", not '${amzDate.slice(0, 64)}'.`);
    if (amzDate.slice(0, 8) !== date) throw new KmsError('InvalidSignatureException', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${date}' != '${amzDate.slice(0, 8)}'`);
    const now = this.wallClock();
    // AWS's words, which name the server's time: what a client with a skewed clock needs to see.
    if (signedAt < now - MAX_SKEW_MS) {
      throw new KmsError('InvalidSignatureException', `Signature expired: ${amzDate} is now earlier than ${amzDateOf(now - MAX_SKEW_MS)} (${amzDateOf(now)} - 15 min.)`);
    }
    if (signedAt > now + MAX_SKEW_MS) {
      throw new KmsError('InvalidSignatureException', `Signature not yet current: ${amzDate} is still later than ${amzDateOf(now + MAX_SKEW_MS)} (${amzDateOf(now)} + 15 min.)`);
    }
    if (!parsed.signedHeaders.includes('host')) throw new KmsError('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");

    const payloadHash = sha256Hex(body);
    const declaredHash = headerValue(headers, 'x-amz-content-sha256');
    if (declaredHash && declaredHash !== payloadHash && declaredHash !== 'UNSIGNED-PAYLOAD') {
      throw new KmsError('InvalidSignatureException', 'The provided x-amz-content-sha256 header does not match what was computed.');
    }
    const canonicalHeaders = parsed.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headers, name)}\n`).join('');
    const canonicalRequest = [method, canonicalPath(path), canonicalQuery(path), canonicalHeaders, parsed.signedHeaders.join(';'), declaredHash ?? payloadHash].join('\n');
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
    const expected = createHmac('sha256', this.signingKeys.of(identity.secretAccessKey, date, region, service)).update(stringToSign).digest();
    // AWS compares the Signature as given: one that is no SHA-256 in hex simply does not match (said, so the fault is plain).
    const wellFormed = /^[0-9a-f]{64}$/.test(parsed.signature);
    const given = Buffer.from(wellFormed ? parsed.signature : '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new KmsError(
        'InvalidSignatureException',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.' +
          (wellFormed ? '' : ` (The Signature given, '${parsed.signature.slice(0, 80)}', is not 64 lowercase hexadecimal digits.)`),
      );
    }
    return { identity, region };
  }
}

function parseAuthorization(header: string): { credential: string; signedHeaders: string[]; signature: string } {
  if (!header.startsWith(`${ALGORITHM} `)) {
    throw new KmsError('IncompleteSignatureException', `Authorization header requires '${ALGORITHM}' as the algorithm.`);
  }
  // Three named fields in any order, the last of a name counting (on every request: no Map for them).
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  for (const part of header.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 'Credential') credential = value;
    else if (name === 'SignedHeaders') signedHeaders = value;
    else if (name === 'Signature') signature = value;
  }
  // AWS names each parameter that is missing (or empty), one sentence each.
  const missing = [['Credential', credential], ['Signature', signature], ['SignedHeaders', signedHeaders]].filter(([, value]) => !value).map(([name]) => name);
  if (!credential || !signedHeaders || !signature) {
    throw new KmsError('IncompleteSignatureException', missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '));
  }
  return { credential, signedHeaders: signedHeaders.split(';'), signature };
}

/**
 * The time an X-Amz-Date of 15 characters, digits where digits go (yyyyMMdd'T'HHmmss'Z'), names;
 * NaN for a day or hour that is none (20260231T250000Z). Read as numbers, not through a date
 * string: every request is checked.
 */
function signedAtOf(amzDate: string): number {
  const n = (from: number, to: number) => Number(amzDate.slice(from, to));
  const [year, month, day, hour, minute, second] = [n(0, 4), n(4, 6), n(6, 8), n(9, 11), n(11, 13), n(13, 15)];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  // setUTCFullYear, not Date.UTC: that reads years 0–99 as 1900–1999.
  const time = new Date(0);
  time.setUTCFullYear(year, month - 1, day);
  time.setUTCHours(hour, minute, second, 0);
  // A day past its month's end rolls over (31 February to March): only a day that is in its month is one.
  return time.getUTCDate() === day ? time.getTime() : Number.NaN;
}

function sameToken(given: string | undefined, expected: string | undefined): boolean {
  if (given === undefined || expected === undefined) return given === expected;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

function canonicalHeaderValue(headers: IncomingHttpHeaders, name: string): string {
  return (headerValue(headers, name) ?? '').trim().replace(/\s+/g, ' ');
}

function canonicalPath(path: string): string {
  const q = path.indexOf('?');
  return (q >= 0 ? path.slice(0, q) : path) || '/';
}

function canonicalQuery(path: string): string {
  const q = path.indexOf('?');
  if (q < 0) return '';
  const params = new URLSearchParams(path.slice(q + 1));
  const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...params].map(([k, v]) => [encode(k), encode(v)] as const).sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join('&');
}

/** One-shot hashing: half the cost of createHash().update().digest(), twice on every request. */
function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}
