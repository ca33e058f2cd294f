import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { KmsError } from '../../src-main/kms/embedded/errors';
import type { Identity } from '../../src-main/kms/embedded/identities';
import { SigV4Verifier } from '../../src-main/kms/embedded/sigv4-verify';

const NOW = Date.parse('2026-03-04T05:06:07Z');
const admin = { name: 'admin', accessKeyId: 'AKIAEXAMPLEADMIN0001', secretAccessKey: 'secret/admin/example', account: '111122223333', principalArn: 'arn:aws:iam::111122223333:user/admin' } as Identity;
const verifier = new SigV4Verifier((id) => (id === admin.accessKeyId ? admin : undefined), 'kms', () => NOW);
const body = '{}';

/** Headers of a DescribeKey request signed as the SDK signs it, at NOW. */
async function signed(at = NOW): Promise<Record<string, string>> {
  const request = { method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4599, path: '/', query: {}, headers: { host: '127.0.0.1:4599', 'x-amz-target': 'TrentService.DescribeKey' }, body };
  const out = await new SignatureV4({ credentials: admin, region: 'eu-west-1', service: 'kms', sha256: Sha256 }).sign(request, { signingDate: new Date(at) });
  return Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function refusal(headers: IncomingHttpHeaders): KmsError {
  try {
    verifier.verify('POST', '/', headers, Buffer.from(body));
  } catch (err) {
    if (err instanceof KmsError) return err;
    throw err;
  }
  throw new Error('the request was accepted');
}

/** The Authorization header with one parameter's value replaced (or the parameter removed, for undefined). */
function withParameter(auth: string, name: string, value: string | undefined): string {
  const [algorithm, ...rest] = auth.split(' ');
  const params = rest.join(' ').split(',').map((p) => p.trim()).filter((p) => value !== undefined || !p.startsWith(`${name}=`));
  return `${algorithm} ${params.map((p) => (p.startsWith(`${name}=`) ? `${name}=${value}` : p)).join(', ')}`;
}

describe('the embedded KMS says what is wrong with a SigV4 Authorization', () => {
  it("a request signed more than 15 minutes from the server's time is refused in AWS's words, which name the server's time", async () => {
    expect(refusal(await signed(NOW - 20 * 60_000))).toMatchObject({ code: 'InvalidSignatureException', message: 'Signature expired: 20260304T044607Z is now earlier than 20260304T045107Z (20260304T050607Z - 15 min.)' });
    expect(refusal(await signed(NOW + 20 * 60_000))).toMatchObject({ code: 'InvalidSignatureException', message: 'Signature not yet current: 20260304T052607Z is still later than 20260304T052107Z (20260304T050607Z + 15 min.)' });
  });

  it('a request signed as the SDK signs it is accepted', async () => {
    expect(verifier.verify('POST', '/', await signed(), Buffer.from(body)).region).toBe('eu-west-1');
  });

  it('Signature=deadbeef (all three parameters present) is a signature that does not match, said as not 64 hex digits — not a missing parameter', async () => {
    const headers = await signed();
    const err = refusal({ ...headers, authorization: withParameter(headers.authorization!, 'Signature', 'deadbeef') });
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
    expect(err.message).toContain("The Signature given, 'deadbeef', is not 64 lowercase hexadecimal digits.");
    expect(err.message).not.toMatch(/requires/);
  });

  it('a well-formed wrong signature keeps AWS\'s message as it is', async () => {
    const headers = await signed();
    const err = refusal({ ...headers, authorization: withParameter(headers.authorization!, 'Signature', '0'.repeat(64)) });
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toBe('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  });

  it('a missing or empty parameter is IncompleteSignatureException naming only that parameter, in AWS\'s words', async () => {
    const headers = await signed();
    const noSignature = refusal({ ...headers, authorization: withParameter(headers.authorization!, 'Signature', undefined) });
    expect(noSignature.name).toBe('IncompleteSignatureException');
    expect(noSignature.message).toBe("Authorization header requires 'Signature' parameter.");
    const emptyHeaders = refusal({ ...headers, authorization: withParameter(withParameter(headers.authorization!, 'SignedHeaders', ''), 'Credential', undefined) });
    expect(emptyHeaders.message).toBe("Authorization header requires 'Credential' parameter. Authorization header requires 'SignedHeaders' parameter.");
  });

  it("X-Amz-Date: notadate (present) is said to be no ISO 8601 long-format time, not missing", async () => {
    for (const bad of ['notadate', '20260304T056007Z', '20260231T050607Z', '20261301T000000Z', '20260100T000000Z', '20260101T240000Z', '20260101T000060Z', '2026-03-04T05:06:07Z']) {
      const err = refusal({ ...(await signed()), 'x-amz-date': bad });
      expect(err.name).toBe('InvalidSignatureException');
      expect(err.message).toBe(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'", not '${bad}'.`);
    }
  });

  it('no X-Amz-Date is IncompleteSignatureException asking for one; a Date header alone is said to be not read here', async () => {
    const { 'x-amz-date': _dropped, ...headers } = await signed();
    expect(refusal(headers)).toMatchObject({ name: 'IncompleteSignatureException', message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header." });
    const withDate = refusal({ ...headers, date: 'Wed, 04 Mar 2026 05:06:07 GMT' });
    expect(withDate.name).toBe('IncompleteSignatureException');
    expect(withDate.message).toContain("does not take the signing time from the 'Date' header");
  });
});
