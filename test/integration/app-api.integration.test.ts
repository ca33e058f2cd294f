import { CreateAliasCommand, CreateKeyCommand, EnableKeyRotationCommand, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callApi, type AppContext } from '../../src-main/app/api-handlers';
import { AppServices } from '../../src-main/app/app-services';
import { startKms, type KmsHarness } from '../support/kms-harness';

describe('the API contract behind the desktop window', () => {
  let h: KmsHarness;
  let ctx: AppContext;
  let home: string;
  beforeAll(async () => {
    h = await startKms();
    home = mkdtempSync(join(tmpdir(), 'keydrill-api-'));
    ctx = { services: new AppServices({ home }), kms: { kms: h.kms, endpoint: h.endpoint, dataDir: null } };
  });
  afterAll(async () => {
    await ctx.services.close();
    await h.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('kms:status lists keys created through the SDK with their region, role, aliases and rotation', async () => {
    const admin = h.client();
    const single = await admin.send(new CreateKeyCommand({ Description: 'tenant-a CMK' }));
    await admin.send(new CreateAliasCommand({ AliasName: 'alias/tenant-a', TargetKeyId: single.KeyMetadata?.KeyId }));
    await admin.send(new EnableKeyRotationCommand({ KeyId: single.KeyMetadata?.KeyId, RotationPeriodInDays: 90 }));
    const mrk = await admin.send(new CreateKeyCommand({ MultiRegion: true }));
    await admin.send(new ReplicateKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId, ReplicaRegion: 'eu-west-1' }));

    const outcome = await callApi(ctx, 'kms:status', {});
    expect(outcome.ok).toBe(true);
    const status = (outcome as { result: { endpoint: string; keys: { keyId: string; region: string; role: string; aliases: string[]; nextRotation: string | null }[] } }).result;
    expect(status.endpoint).toBe(h.endpoint);
    const tenant = status.keys.find((k) => k.keyId === single.KeyMetadata?.KeyId);
    expect(tenant).toMatchObject({ region: 'us-east-1', role: 'single-region', aliases: ['alias/tenant-a'], nextRotation: '2026-04-01T00:00:00.000Z' });
    const roles = status.keys.filter((k) => k.keyId === mrk.KeyMetadata?.KeyId).map((k) => `${k.region}:${k.role}`).sort();
    expect(roles).toEqual(['eu-west-1:replica', 'us-east-1:primary']);
    expect(JSON.stringify(status)).not.toMatch(/secretAccessKey|Plaintext/);
  });

  it('an unknown channel is refused with a typed error, not run', async () => {
    expect(await callApi(ctx, 'kms:delete-everything', {})).toEqual({ ok: false, error: { code: 'unknown-channel', message: 'Unknown API channel "kms:delete-everything"' } });
  });

  it('a payload that does not match the channel schema is refused with where it is wrong', async () => {
    const outcome = await callApi(ctx, 'kms:status', { region: 42 });
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ error: { code: 'bad-request' } });
    expect((outcome as { error: { message: string } }).error.message).toContain('kms:status');
  });
});
