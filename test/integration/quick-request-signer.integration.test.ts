import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, GenerateDataKeyCommand, KMSClient, ListAliasesCommand, ReEncryptCommand } from '@aws-sdk/client-kms';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { QuickRequestSigner } from '../../src-main/kms/quick-request-signer';
import { parsedEndpoint } from '../../src-main/kms/sdk-call-overhead';
import { requestsSent } from '../support/sdk-requests';

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/**
 * The quick signer (quick-request-signer.ts) must write what the SDK's SignatureV4 writes: every
 * header of the signed request, the signature included, for the requests the SDK really builds.
 * The embedded KMS checks every signature, so the calls it accepts are a second check (a client
 * signing quickly, with credentials changing between calls: sdk-call-overhead.integration.test.ts).
 */
describe('quick request signer: the SDK signature, byte for byte', () => {
  let backend: EmbeddedBackend;
  beforeEach(async () => {
    backend = await startEmbeddedBackend();
  });
  afterEach(() => backend.close());

  const sdkSigner = (credentials: Credentials, region = 'eu-west-1') => new SignatureV4({ service: 'kms', region, sha256: Sha256, credentials });
  const quickSigner = (credentials: Credentials, region = 'eu-west-1', fallback = sdkSigner(credentials, region)) =>
    new QuickRequestSigner(() => Promise.resolve(credentials), region, 'kms', () => Promise.resolve(fallback as never));
  const at = new Date(Date.UTC(2026, 5, 30, 23, 59, 59, 999));
  const options = { signingDate: at, signingRegion: 'eu-west-1', signingService: 'kms' };

  /** The requests the SDK builds for these calls, as they reach its signer (unsigned), captured from a real client. */
  async function requestsTheSdkBuilds(credentials: Credentials): Promise<HttpRequest[]> {
    const client = new KMSClient({ region: 'eu-west-1', endpoint: parsedEndpoint(backend.endpoint), credentials, maxAttempts: 1 });
    const captured = requestsSent(client, 'unsigned');
    const key = await client.send(new CreateKeyCommand({ Description: 'spaces  and\ttabs, één' }));
    const keyId = key.KeyMetadata?.KeyId;
    const context = { tenant: 'acme corp', cluster: 'c-1', node: 'n 2' };
    const sealed = await client.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('canary'), EncryptionContext: context }));
    await client.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, EncryptionContext: context }));
    await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }));
    await client.send(new ReEncryptCommand({ CiphertextBlob: sealed.CiphertextBlob, SourceEncryptionContext: context, DestinationKeyId: keyId, DestinationEncryptionContext: context }));
    await client.send(new ListAliasesCommand({}));
    await client.send(new DescribeKeyCommand({ KeyId: keyId }));
    client.destroy();
    return captured;
  }

  it('signs every request the SDK builds for KMS as its own signer does, with and without a session token', async () => {
    const service = credentialsOf(backend.kms.identity('admin'));
    const session: Credentials = { ...service, sessionToken: 'FwoGZXIvYXdzEJr//////////session+token/with=padding' };
    const requests = await requestsTheSdkBuilds(service);
    expect(requests.length).toBe(7);
    for (const credentials of [service, session]) {
      for (const request of requests) {
        const sdk = await sdkSigner(credentials).sign(HttpRequest.clone(request), options);
        const input = HttpRequest.clone(request);
        const quick = await quickSigner(credentials).sign(input, options);
        expect(quick.headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
        expect(quick.headers).toEqual(sdk.headers);
        expect(quick.body).toBe(sdk.body);
        // The request handed in is left as it was, as by the SDK's signer (a retry signs it afresh).
        expect(input.headers).toEqual(request.headers);
      }
    }
  });

  it('signs a request signed before (a retry) and header values with odd white space as the SDK does', async () => {
    const credentials = credentialsOf(backend.kms.identity('admin'));
    const base = new HttpRequest({
      method: 'POST', protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', path: '/', body: '{"KeyId":"alias/x"}',
      headers: { host: 'kms.eu-west-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.DescribeKey', 'x-odd': '  a   b\u00a0c\t d  ', 'x-lines': '\ta\r\n b\n', 'x-nbsp': 'x\u00a0y', 'x-empty': '', 'user-agent': 'not signed', 'proxy-authorization': 'not signed', 'sec-fetch-mode': 'not signed' },
    });
    const sdkOnce = await sdkSigner(credentials).sign(HttpRequest.clone(base), options);
    expect(await quickSigner(credentials).sign(HttpRequest.clone(base), options)).toMatchObject({ headers: sdkOnce.headers });
    // Signed again a second later: the earlier signature and date are replaced, not signed over.
    const later = { ...options, signingDate: new Date(at.getTime() + 1000) };
    const sdkAgain = await sdkSigner(credentials).sign(HttpRequest.clone(sdkOnce as HttpRequest), later);
    const quickAgain = await quickSigner(credentials).sign(HttpRequest.clone(sdkOnce as HttpRequest), later);
    expect(quickAgain.headers).toEqual(sdkAgain.headers);
    expect(quickAgain.headers['x-amz-date']).toBe('20260701T000000Z');
    // No body: the hash of the empty payload, as the SDK writes it.
    const empty = new HttpRequest({ ...base, body: undefined });
    expect((await quickSigner(credentials).sign(HttpRequest.clone(empty), options)).headers).toEqual((await sdkSigner(credentials).sign(HttpRequest.clone(empty), options)).headers);
  });

  it('hands a request it does not sign exactly to the SDK signer: a query string, another path, a capitalised header', async () => {
    const credentials = credentialsOf(backend.kms.identity('admin'));
    const handedOn: unknown[] = [];
    const fallback = { sign: (request: unknown) => { handedOn.push(request); return Promise.resolve(request); } };
    const signer = new QuickRequestSigner(() => Promise.resolve(credentials), 'eu-west-1', 'kms', () => Promise.resolve(fallback));
    const base = { method: 'POST', protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', path: '/', headers: { host: 'kms.eu-west-1.amazonaws.com' }, body: '{}' };
    const odd = [
      new HttpRequest({ ...base, query: { Action: 'x' } }),
      new HttpRequest({ ...base, path: '/a/../b' }),
      new HttpRequest({ ...base, headers: { Host: 'kms.eu-west-1.amazonaws.com' } }),
      new HttpRequest({ ...base, method: 'GET' }),
    ];
    for (const request of odd) expect(await signer.sign(request, options)).toBe(request);
    expect(handedOn).toEqual(odd);
    await signer.sign(new HttpRequest(base), options);
    expect(handedOn).toHaveLength(odd.length);
    // Credentials that are not credentials: the SDK's words.
    const broken = new QuickRequestSigner(() => Promise.resolve({ accessKeyId: 'AKID' } as Credentials), 'eu-west-1', 'kms', () => Promise.resolve(fallback));
    await expect(broken.sign(new HttpRequest(base), options)).rejects.toThrow('Resolved credential object is not valid');
  });
});
