import { CreateKeyCommand, DescribeKeyCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { credentialsOf, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { parsedEndpoint } from '../../src-main/kms/sdk-call-overhead';
import { rememberUserAgent } from '../../src-main/kms/user-agent-step';
import { failure } from '../support/kms-harness';
import { requestsSent } from '../support/sdk-requests';

/** user-agent-step.ts against the SDK's own user-agent step, on the embedded KMS over HTTP. */
describe('the remembered user agent', () => {
  let backend: EmbeddedBackend;
  beforeEach(async () => {
    backend = await startEmbeddedBackend();
  });
  afterEach(() => backend.close());

  it("writes the SDK step's user-agent headers, following the caller's credential source from call to call", async () => {
    const admin = credentialsOf(backend.kms.identity('admin'));
    // Credentials whose source changes: the SDK notes a credential provider's source as a feature in the user agent.
    let source: Record<string, string> | undefined;
    const build = (ours: boolean) => {
      const credentials = () => Promise.resolve({ ...admin, expiration: new Date(Date.now() + 60_000), ...(source ? { $source: { ...source } } : {}) });
      const kms = new KMSClient({ region: 'us-east-1', endpoint: parsedEndpoint(backend.endpoint), credentials, maxAttempts: 1, customUserAgent: 'keydrill/test' });
      if (ours) rememberUserAgent(kms);
      const requests = requestsSent(kms, 'signed');
      return { kms, sent: () => requests.map((r) => ({ ua: r.headers['user-agent'], amz: r.headers['x-amz-user-agent'] })) };
    };
    const sdk = build(false);
    const ours = build(true);
    const calls = async () => {
      for (const c of [sdk, ours]) {
        const key = await c.kms.send(new CreateKeyCommand({}));
        await c.kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata?.KeyId }));
        expect(await failure(c.kms.send(new DescribeKeyCommand({ KeyId: 'alias/none' })))).toMatchObject({ name: 'NotFoundException' });
        await c.kms.send(new ListAliasesCommand({}));
      }
    };
    await calls();
    source = { CREDENTIALS_ENV_VARS: 'g' };
    await calls();
    source = { CREDENTIALS_PROFILE: 'n', CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o' };
    await calls();
    source = undefined;
    await calls();
    const sent = ours.sent();
    expect(sent).toHaveLength(16);
    expect(sent).toEqual(sdk.sent());
    expect(sent[0]?.amz).toContain('keydrill/test');
    // The credential source shows in the SDK's feature list, and changed the headers when it changed.
    expect(new Set(sent.map((h) => h.ua)).size).toBe(3);
    expect(sent[4]?.ua).not.toBe(sent[0]?.ua);
    sdk.kms.destroy();
    ours.kms.destroy();
  });
});
