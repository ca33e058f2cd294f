import { CreateKeyCommand, DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { OneShotSha256, dropLambdaTracing, parsedEndpoint, quicklyCopiedConfig, reuseSigner } from '../../src-main/kms/sdk-call-overhead';
import { signQuickly } from '../../src-main/kms/quick-request-signer';
import { failure } from '../support/kms-harness';
import { requestsSent } from '../support/sdk-requests';

/**
 * The SDK's per-call work done once per client (sdk-call-overhead.ts), against the embedded KMS over
 * loopback HTTP: it checks every signature, so a request the SDK would have signed differently fails.
 */
describe('SDK clients built once per client: signer, hashing and parsed endpoint', () => {
  let backend: EmbeddedBackend;
  beforeEach(async () => {
    backend = await startEmbeddedBackend();
  });
  afterEach(() => backend.close());

  // Both ways KeyDrill's clients sign: the SDK's signer built once (LocalStack, AWS) and the quick signer (the embedded KMS).
  it.each([['the SDK signer, built once', reuseSigner], ['the quick signer', signQuickly]] as const)('%s signs every call with the credentials its provider gives at that moment', async (_signer, install) => {
    const admin = credentialsOf(backend.kms.identity('admin'));
    const service = credentialsOf(backend.kms.identity('service'));
    let current = admin;
    // Credentials that expire within five minutes: the SDK asks its provider again before every call.
    const client = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials: async () => ({ ...current, expiration: new Date(Date.now() + 60_000) }), maxAttempts: 1 });
    install(client);
    quicklyCopiedConfig(client);
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

    // Credentials set on the client's configuration after it was built are the ones its signer uses
    // from then on, as with the SDK's own signer: the reused signer is built again for another
    // provider, and the quickly copied configuration shares the SDK's accessor. (The resolved type
    // names a provider; the SDK's setter takes credentials as given to the constructor.)
    const settable = client.config as { credentials: unknown };
    settable.credentials = service;
    expect(await failure(client.send(new CreateKeyCommand({})))).toMatchObject({ name: 'AccessDeniedException' });
    settable.credentials = admin;
    expect((await client.send(new CreateKeyCommand({ Description: 'the admin again' }))).KeyMetadata?.Description).toBe('the admin again');
    // A wrong secret for a known access key: the embedded KMS recomputes the signature and refuses it.
    settable.credentials = { ...admin, secretAccessKey: `${admin.secretAccessKey}x` };
    expect(await failure(client.send(new ListAliasesCommand({})))).toMatchObject({ name: 'InvalidSignatureException' });
    client.destroy();
  });

  it("keeps each client's credentials its own though every quick copy shares one accessor", async () => {
    const admin = credentialsOf(backend.kms.identity('admin'));
    const service = credentialsOf(backend.kms.identity('service'));
    const build = (credentials: typeof admin) => {
      const client = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials, maxAttempts: 1 });
      reuseSigner(client);
      quicklyCopiedConfig(client);
      return client;
    };
    const asAdmin = build(admin);
    const asService = build(service);
    // Read back through each copy: each client's own credentials, though both copies share one getter.
    const keyOf = async (client: KMSClient) => (await (client.config.credentials as () => Promise<{ accessKeyId: string }>)()).accessKeyId;
    expect(await keyOf(asAdmin)).toBe(admin.accessKeyId);
    expect(await keyOf(asService)).toBe(service.accessKeyId);
    // The service role may not create keys; the admin may: each client signed with its own credentials.
    expect((await asAdmin.send(new CreateKeyCommand({ Description: 'made by the admin' }))).KeyMetadata?.Description).toBe('made by the admin');
    expect(await failure(asService.send(new CreateKeyCommand({})))).toMatchObject({ name: 'AccessDeniedException' });
    // Credentials set on one client's configuration change that client only.
    (asService.config as { credentials: unknown }).credentials = admin;
    expect(await keyOf(asService)).toBe(admin.accessKeyId);
    expect((await asService.send(new CreateKeyCommand({ Description: 'now as the admin' }))).KeyMetadata?.Description).toBe('now as the admin');
    (asAdmin.config as { credentials: unknown }).credentials = service;
    expect(await failure(asAdmin.send(new CreateKeyCommand({})))).toMatchObject({ name: 'AccessDeniedException' });
    expect((await asService.send(new CreateKeyCommand({ Description: 'still the admin' }))).KeyMetadata?.Description).toBe('still the admin');
    asAdmin.destroy();
    asService.destroy();
  });

  it('parses an endpoint as the SDK does, port and path included', () => {
    expect(parsedEndpoint('http://127.0.0.1:4566')).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/' });
    expect(parsedEndpoint('https://kms.eu-west-1.amazonaws.com')).toEqual({ protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', port: undefined, path: '/' });
    expect(parsedEndpoint('http://[::1]:8080/kms/')).toEqual({ protocol: 'http:', hostname: '[::1]', port: 8080, path: '/kms/' });
    expect(parsedEndpoint('http://localhost:4566/?x=1')).toBe('http://localhost:4566/?x=1');
  });

  it("hashes and signs exactly as the SDK's own SHA-256 does, whatever pieces it is fed", async () => {
    const digest = async (ctor: typeof Sha256 | typeof OneShotSha256, secret: string | Uint8Array | undefined, pieces: (string | Uint8Array)[]) => {
      // The SDK's class is typed for bytes (its signer hands it bytes); ours is also fed text as such.
      const h = new ctor(secret);
      for (const p of pieces) {
        if (h instanceof OneShotSha256) h.update(p);
        else h.update(typeof p === 'string' ? Buffer.from(p) : p);
      }
      return Buffer.from(await h.digest()).toString('hex');
    };
    const cases: [string | Uint8Array | undefined, (string | Uint8Array)[]][] = [
      [undefined, []],
      [undefined, ['{"KeyId":"alias/x"}']],
      [undefined, [new Uint8Array([0, 1, 2, 255])]],
      [undefined, ['één ', new Uint8Array([7, 8]), 'drie']],
      ['AWS4secret', ['20260101']],
      [new Uint8Array(32).fill(9), ['AWS4-HMAC-SHA256\n20260101T000000Z\n', new Uint8Array([1])]],
    ];
    for (const [secret, pieces] of cases) expect(await digest(OneShotSha256, secret, pieces)).toBe(await digest(Sha256, secret, pieces));
    // A text-keyed HMAC of a short input is remembered (the signer asks HMAC(secret, access key id) on
    // every call): asked again it is the same digest, a digest changed by its caller does not change
    // the next, and another secret or input is another digest.
    const first = new OneShotSha256('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY');
    first.update(Buffer.from('AKIDEXAMPLE'));
    const handedOut = await first.digest();
    const expected = await digest(Sha256, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', [Buffer.from('AKIDEXAMPLE')]);
    expect(Buffer.from(handedOut).toString('hex')).toBe(expected);
    handedOut.fill(0);
    expect(await digest(OneShotSha256, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', [Buffer.from('AKIDEXAMPLE')])).toBe(expected);
    expect(await digest(OneShotSha256, 'another secret', [Buffer.from('AKIDEXAMPLE')])).toBe(await digest(Sha256, 'another secret', [Buffer.from('AKIDEXAMPLE')]));
    expect(await digest(OneShotSha256, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', ['AKIDEXAMPLE2'])).toBe(await digest(Sha256, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', ['AKIDEXAMPLE2']));

    const sign = (sha256: typeof Sha256 | typeof OneShotSha256) =>
      new SignatureV4({ service: 'kms', region: 'eu-west-1', sha256, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token' } }).sign(
        { method: 'POST', protocol: 'https:', hostname: 'kms.eu-west-1.amazonaws.com', path: '/', headers: { host: 'kms.eu-west-1.amazonaws.com', 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.Decrypt' }, body: '{"CiphertextBlob":"AQID"}' },
        { signingDate: new Date(Date.UTC(2026, 0, 1)) },
      );
    const [ours, sdks] = await Promise.all([sign(OneShotSha256), sign(Sha256)]);
    expect(ours.headers.authorization).toMatch(/Signature=[0-9a-f]{64}$/);
    expect(ours.headers).toEqual(sdks.headers);
  });

  it('the clients KeyDrill builds sign with it and the embedded KMS accepts every call', async () => {
    const client = backend.factory('admin').clientFor('us-east-1');
    expect(client.config.sha256).toBe(OneShotSha256);
    const key = await client.send(new CreateKeyCommand({ Description: 'hashed in one shot' }));
    expect((await client.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata?.KeyId }))).KeyMetadata?.Description).toBe('hashed in one shot');
  });

  it('outside AWS Lambda, a client without the Lambda trace step sends what the SDK sends; in Lambda the step stays', async () => {
    const admin = credentialsOf(backend.kms.identity('admin'));
    const build = (dropped: boolean) => {
      const client = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials: admin, maxAttempts: 1 });
      if (dropped) dropLambdaTracing(client);
      return { client, sent: requestsSent(client, 'signed') };
    };
    const sdk = build(false);
    const ours = build(true);
    expect(ours.client.middlewareStack.identify().some((name) => name.startsWith('recursionDetectionMiddleware'))).toBe(false);
    const shared = await backend.factory('admin').clientFor('us-east-1').send(new CreateKeyCommand({}));
    for (const { client } of [sdk, ours]) {
      await client.send(new CreateKeyCommand({}));
      await client.send(new DescribeKeyCommand({ KeyId: shared.KeyMetadata?.KeyId }));
    }
    // Every header but those that differ from call to call (the invocation id, the signature).
    const steady = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).filter(([name]) => !['amz-sdk-invocation-id', 'authorization', 'x-amz-date'].includes(name)));
    expect(ours.sent.map((r) => steady(r.headers))).toEqual(sdk.sent.map((r) => steady(r.headers)));
    expect(ours.sent).toHaveLength(2);
    const before = process.env.AWS_LAMBDA_FUNCTION_NAME;
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'keydrill-in-lambda';
    try {
      const inLambda = build(true);
      expect(inLambda.client.middlewareStack.identify().some((name) => name.startsWith('recursionDetectionMiddleware'))).toBe(true);
      inLambda.client.destroy();
    } finally {
      if (before === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = before;
    }
    sdk.client.destroy();
    ours.client.destroy();
  });
});
