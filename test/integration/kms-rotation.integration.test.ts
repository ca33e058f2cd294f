import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * Key rotation over real HTTP, with the server's time on a ManualClock: automatic rotation happens
 * when the clock passes NextRotationDate (at the scheduled date, not at the time of the next
 * request), on-demand rotation at once, and old ciphertexts keep decrypting with their own material.
 */
const DAY = 86_400_000;

let h: KmsHarness;
let admin: KMSClient;
let keyId: string;
let start: number;

beforeEach(async () => {
  h = await startKms();
  admin = h.client('admin');
  start = h.clock.now();
  const { KeyMetadata } = await admin.send(new CreateKeyCommand({ Description: 'rotation test' }));
  keyId = KeyMetadata?.KeyId as string;
});

afterEach(async () => {
  await h.close();
});

const rotations = async (extra: { IncludeKeyMaterial?: 'ALL_KEY_MATERIAL' | 'ROTATIONS_ONLY'; Limit?: number; Marker?: string } = {}) =>
  admin.send(new ListKeyRotationsCommand({ KeyId: keyId, ...extra }));
const currentMaterial = async (): Promise<string> => (await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.CurrentKeyMaterialId as string;
const status = () => admin.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
const dataKey = () => admin.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'rotation-test' } }));

describe('enabling automatic rotation', () => {
  it('refuses rotation periods of 89 and 2561 days and accepts 90', async () => {
    const short = await failure(admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 89 })));
    expect(short.name).toBe('ValidationException');
    expect(short.message).toContain("at 'rotationPeriodInDays' failed to satisfy constraint: Member must have value greater than or equal to 90");
    const long = await failure(admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 2561 })));
    expect(long.name).toBe('ValidationException');
    expect(long.message).toContain('Member must have value less than or equal to 2560');
    expect((await status()).KeyRotationEnabled).toBe(false);

    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    expect((await status()).KeyRotationEnabled).toBe(true);
  });

  it('GetKeyRotationStatus reports the period and a NextRotationDate one period after rotation was enabled', async () => {
    h.clock.advance(3 * DAY);
    const enabledAt = h.clock.now();
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const s = await status();
    expect(s.KeyRotationEnabled).toBe(true);
    expect(s.RotationPeriodInDays).toBe(90);
    expect(s.NextRotationDate?.getTime()).toBe(enabledAt + 90 * DAY);
  });

  it('without RotationPeriodInDays the period is 365 days', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId }));
    const s = await status();
    expect(s.RotationPeriodInDays).toBe(365);
    expect(s.NextRotationDate?.getTime()).toBe(start + 365 * DAY);
  });
});

describe('automatic rotation as the clock moves', () => {
  it('passing NextRotationDate rotates the key: new material for new ciphertexts, old ciphertexts still decrypt with the old material', async () => {
    const before = await dataKey();
    const original = before.KeyMaterialId as string;
    expect(original).toMatch(/^[0-9a-f]{64}$/);
    expect(await currentMaterial()).toBe(original);
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const scheduled = start + 90 * DAY;

    h.clock.advance(90 * DAY - 1);
    expect((await rotations()).Rotations).toEqual([]);
    h.clock.advance(5 * DAY);

    const { Rotations } = await rotations();
    expect(Rotations).toHaveLength(1);
    expect(Rotations?.[0]?.RotationType).toBe('AUTOMATIC');
    expect(Rotations?.[0]?.RotationDate?.getTime()).toBe(scheduled);
    const rotated = Rotations?.[0]?.KeyMaterialId as string;
    expect(rotated).not.toBe(original);
    expect(await currentMaterial()).toBe(rotated);

    const after = await dataKey();
    expect(after.KeyMaterialId).toBe(rotated);
    const old = await admin.send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob, EncryptionContext: { purpose: 'rotation-test' } }));
    expect(old.KeyMaterialId).toBe(original);
    expect(Buffer.from(old.Plaintext as Uint8Array).equals(Buffer.from(before.Plaintext as Uint8Array))).toBe(true);
    const fresh = await admin.send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob, EncryptionContext: { purpose: 'rotation-test' } }));
    expect(fresh.KeyMaterialId).toBe(rotated);

    expect((await status()).NextRotationDate?.getTime()).toBe(scheduled + 90 * DAY);
  });

  it('a clock jump of three periods gives three rotations, each at its own scheduled date', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 100 }));
    h.clock.advance(3 * 100 * DAY + 7 * DAY);
    const { Rotations } = await rotations();
    expect(Rotations?.map((r) => r.RotationType)).toEqual(['AUTOMATIC', 'AUTOMATIC', 'AUTOMATIC']);
    expect(Rotations?.map((r) => r.RotationDate?.getTime())).toEqual([start + 100 * DAY, start + 200 * DAY, start + 300 * DAY]);
    expect(new Set(Rotations?.map((r) => r.KeyMaterialId)).size).toBe(3);
    expect(await currentMaterial()).toBe(Rotations?.[2]?.KeyMaterialId);
    expect((await status()).NextRotationDate?.getTime()).toBe(start + 400 * DAY);
  });

  it('a disabled key is not rotated while disabled, and is rotated at once when enabled again if overdue', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    h.clock.advance(10 * DAY);
    await admin.send(new DisableKeyCommand({ KeyId: keyId }));
    h.clock.advance(120 * DAY);
    expect((await rotations()).Rotations).toEqual([]);
    expect((await status()).KeyRotationEnabled).toBe(true);

    const enabledAt = h.clock.now();
    await admin.send(new EnableKeyCommand({ KeyId: keyId }));
    const { Rotations } = await rotations();
    expect(Rotations).toHaveLength(1);
    expect(Rotations?.[0]?.RotationType).toBe('AUTOMATIC');
    expect(Rotations?.[0]?.RotationDate?.getTime()).toBe(enabledAt);
    expect((await status()).NextRotationDate?.getTime()).toBe(enabledAt + 90 * DAY);
  });

  it('a key that was enabled on its rotation date was rotated then, even if the next request disables it', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    h.clock.advance(100 * DAY); // no request between day 0 and day 100
    await admin.send(new DisableKeyCommand({ KeyId: keyId }));
    const { Rotations } = await rotations();
    expect(Rotations?.map((r) => r.RotationDate?.getTime())).toEqual([start + 90 * DAY]);
  });

  it('DisableKeyRotation stops automatic rotation', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    h.clock.advance(30 * DAY);
    await admin.send(new DisableKeyRotationCommand({ KeyId: keyId }));
    const s = await status();
    expect(s.KeyRotationEnabled).toBe(false);
    expect(s.NextRotationDate).toBeUndefined();
    h.clock.advance(400 * DAY);
    expect((await rotations()).Rotations).toEqual([]);
  });
});

describe('on-demand rotation', () => {
  it('RotateKeyOnDemand rotates at once, lists an ON_DEMAND entry, and leaves the automatic schedule alone', async () => {
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const original = await currentMaterial();
    h.clock.advance(20 * DAY);
    const out = await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    expect(out.KeyId).toBe((await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.Arn); // the ARN, as AWS answers

    const { Rotations } = await rotations();
    expect(Rotations).toHaveLength(1);
    expect(Rotations?.[0]).toMatchObject({ KeyId: keyId, RotationType: 'ON_DEMAND', KeyMaterialState: 'CURRENT' });
    expect(Rotations?.[0]?.RotationDate?.getTime()).toBe(start + 20 * DAY);
    expect(Rotations?.[0]?.KeyMaterialId).not.toBe(original);
    expect(await currentMaterial()).toBe(Rotations?.[0]?.KeyMaterialId);
    expect((await dataKey()).KeyMaterialId).toBe(Rotations?.[0]?.KeyMaterialId);
    expect((await status()).NextRotationDate?.getTime()).toBe(start + 90 * DAY);
  });

  it('allows 25 on-demand rotations of a key; the 26th is a LimitExceededException', async () => {
    for (let i = 0; i < 25; i++) await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const before = await currentMaterial();
    const err = await failure(admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    expect(err.name).toBe('LimitExceededException');
    expect(err.message).toMatch(/^The on-demand rotations limit has been reached for the given keyId\. No more on-demand rotations can be performed for this key: arn:aws:kms:/);
    expect(await currentMaterial()).toBe(before);
    const all = await rotations({ Limit: 100 });
    expect(all.Rotations).toHaveLength(25);
  });
});

describe('listing rotations', () => {
  it('ListKeyRotations pages with Limit and Marker, oldest first, without repeats', async () => {
    for (let i = 0; i < 5; i++) {
      h.clock.advance(DAY);
      await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    }
    const first = await rotations({ Limit: 2 });
    expect(first.Rotations).toHaveLength(2);
    expect(first.Truncated).toBe(true);
    const second = await rotations({ Limit: 2, Marker: first.NextMarker as string });
    expect(second.Rotations).toHaveLength(2);
    expect(second.Truncated).toBe(true);
    const third = await rotations({ Limit: 2, Marker: second.NextMarker as string });
    expect(third.Rotations).toHaveLength(1);
    expect(third.Truncated).toBe(false);
    expect(third.NextMarker).toBeUndefined();

    const paged = [...(first.Rotations ?? []), ...(second.Rotations ?? []), ...(third.Rotations ?? [])];
    expect(paged.map((r) => r.RotationDate?.getTime())).toEqual([1, 2, 3, 4, 5].map((d) => start + d * DAY));
    expect(new Set(paged.map((r) => r.KeyMaterialId)).size).toBe(5);
    expect(paged.map((r) => r.KeyMaterialId)).toEqual((await rotations()).Rotations?.map((r) => r.KeyMaterialId));
  });

  it('an invalid Marker is an InvalidMarkerException', async () => {
    const err = await failure(rotations({ Marker: 'not-a-marker' }));
    expect(err.name).toBe('InvalidMarkerException');
    expect(err.message).toContain('marker');
  });

  it('IncludeKeyMaterial ALL_KEY_MATERIAL also lists the original material, with CURRENT and NON_CURRENT states', async () => {
    const original = await currentMaterial();
    expect((await rotations({ IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations).toEqual([
      expect.objectContaining({ KeyId: keyId, KeyMaterialId: original, KeyMaterialState: 'CURRENT' }),
    ]);
    h.clock.advance(DAY);
    await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    h.clock.advance(DAY);
    await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));

    const all = (await rotations({ IncludeKeyMaterial: 'ALL_KEY_MATERIAL' })).Rotations ?? [];
    expect(all.map((r) => r.KeyMaterialState)).toEqual(['NON_CURRENT', 'NON_CURRENT', 'CURRENT']);
    expect(all[0]?.KeyMaterialId).toBe(original);
    // AWS: RotationDate "is not present for the first key material".
    expect(all[0]?.RotationDate).toBeUndefined();
    expect(all[0]?.RotationType).toBeUndefined();
    expect(all.slice(1).map((r) => r.RotationType)).toEqual(['ON_DEMAND', 'ON_DEMAND']);
    expect(all[2]?.KeyMaterialId).toBe(await currentMaterial());

    const rotationsOnly = (await rotations({ IncludeKeyMaterial: 'ROTATIONS_ONLY' })).Rotations ?? [];
    expect(rotationsOnly.map((r) => r.KeyMaterialId)).toEqual(all.slice(1).map((r) => r.KeyMaterialId));
  });
});
