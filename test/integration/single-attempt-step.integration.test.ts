import { CreateKeyCommand, DescribeKeyCommand, KMSClient, type KMSServiceException } from '@aws-sdk/client-kms';
import type { HttpRequest } from '@smithy/core/transport';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { parsedEndpoint } from '../../src-main/kms/sdk-call-overhead';
import { attemptOnce } from '../../src-main/kms/single-attempt-step';
import { failure } from '../support/kms-harness';
import { requestsSent } from '../support/sdk-requests';

/** single-attempt-step.ts against the SDK's own retry step with one attempt, on the embedded KMS over HTTP. */
describe('the single-attempt step of a client that never retries', () => {
  let backend: EmbeddedBackend;
  beforeEach(async () => {
    backend = await startEmbeddedBackend();
  });
  afterEach(() => backend.close());

  /** A one-attempt client, with the SDK's retry step or ours, and the headers of each request as it was signed. */
  function client(ours: boolean): { kms: KMSClient; sent: HttpRequest[] } {
    const kms = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials: credentialsOf(backend.kms.identity('admin')), maxAttempts: 1 });
    if (ours) attemptOnce(kms);
    return { kms, sent: requestsSent(kms, 'signed') };
  }

  it('sends the headers and answers with the metadata of the SDK step, on success and on failure', async () => {
    const sdk = client(false);
    const ours = client(true);
    expect(ours.kms.middlewareStack.identify().filter((name) => name.startsWith('retryMiddleware'))).toHaveLength(1);
    const made = await Promise.all([sdk, ours].map(({ kms }) => kms.send(new CreateKeyCommand({ Description: 'once' }))));
    expect(made[1]?.$metadata).toMatchObject({ attempts: 1, totalRetryDelay: 0, httpStatusCode: 200 });
    expect(made[1]?.$metadata).toEqual({ ...made[0]?.$metadata, requestId: made[1]?.$metadata.requestId });
    const [sdkFailure, ourFailure] = (await Promise.all([sdk, ours].map(({ kms }) => failure(kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })))))) as KMSServiceException[];
    expect(ourFailure).toBeInstanceOf(Error);
    expect(ourFailure?.name).toBe('NotFoundException');
    expect(ourFailure?.message).toBe(sdkFailure?.message);
    expect(ourFailure?.$metadata).toMatchObject({ attempts: 1, totalRetryDelay: 0, httpStatusCode: 400 });
    expect(Object.keys(ourFailure?.$metadata ?? {}).sort()).toEqual(Object.keys(sdkFailure?.$metadata ?? {}).sort());
    for (const [i, { headers }] of ours.sent.entries()) {
      expect(headers['amz-sdk-request']).toBe('attempt=1; max=1');
      expect(headers['amz-sdk-invocation-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Object.keys(headers).sort()).toEqual(Object.keys(sdk.sent[i]?.headers ?? {}).sort());
    }
    // Each call is its own invocation.
    expect(new Set(ours.sent.map((r) => r.headers['amz-sdk-invocation-id'])).size).toBe(ours.sent.length);
    sdk.kms.destroy();
    ours.kms.destroy();
  });
});
