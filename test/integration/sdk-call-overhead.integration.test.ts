import { CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { parsedEndpoint, reuseSigner } from '../../src-main/kms/sdk-call-overhead';
import { failure } from '../support/kms-harness';

/**
 * The SDK's per-call work done once per client (sdk-call-overhead.ts), against the embedded KMS over
 * loopback HTTP: it checks every signature, so a request the SDK would have signed differently fails.
 */
describe('SDK clients built once per client: signer and parsed endpoint', () => {
  let backend: EmbeddedBackend;
  beforeEach(async () => {
    backend = await startEmbeddedBackend();
  });
  afterEach(() => backend.close());

  it('signs every call with the credentials its provider gives at that moment, though the signer is built once', async () => {
    const admin = credentialsOf(backend.kms.identity('admin'));
    const service = credentialsOf(backend.kms.identity('service'));
    let current = admin;
    // Credentials that expire within five minutes: the SDK asks its provider again before every call.
    const client = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials: async () => ({ ...current, expiration: new Date(Date.now() + 60_000) }), maxAttempts: 1 });
    reuseSigner(client);
    const key = await client.send(new CreateKeyCommand({ Description: 'signed by the admin' }));
    const keyId = key.KeyMetadata?.KeyId;
    expect((await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Description).toBe('signed by the admin');

    // Credentials the server does not know: refused, so the call was signed with them, not the first ones.
    current = { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'not-a-key' };
    expect(await failure(client.send(new DescribeKeyCommand({ KeyId: keyId })))).toMatchObject({ name: 'UnrecognizedClientException' });
    // Another identity's credentials: accepted as that identity (its key policy does not let the service role create keys).
    current = service;
    expect(await failure(client.send(new CreateKeyCommand({})))).toMatchObject({ name: 'AccessDeniedException' });
    current = admin;
    expect((await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyId).toBe(keyId);
    client.destroy();
  });

  it('parses an endpoint as the SDK does, port and path included', () => {
    expect(parsedEndpoint('http://127.0.0.1:4566')).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/' });
    expect(parsedEndpoint('https://kms.eu-west-1.amazonaws.com')).toEqual({ protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', port: undefined, path: '/' });
    expect(parsedEndpoint('http://[::1]:8080/kms/')).toEqual({ protocol: 'http:', hostname: '[::1]', port: 8080, path: '/kms/' });
    expect(parsedEndpoint('http://localhost:4566/?x=1')).toBe('http://localhost:4566/?x=1');
  });
});
