import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  GenerateDataKeyCommand,
  GetKeyRotationStatusCommand,
  type KMSClient,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * The life of a multi-Region key over real HTTP: moving the primary to another region, and
 * deleting a primary that still has replicas (its waiting period starts only when the last
 * replica is gone), with time on the server's ManualClock.
 */
const DAY = 86_400_000;
const ACCOUNT = '111122223333';

let h: KmsHarness;
let east: KMSClient;
let west: KMSClient;
let keyId: string;
let start: number;

beforeEach(async () => {
  h = await startKms();
  east = h.client('admin', 'us-east-1');
  west = h.client('admin', 'eu-west-1');
  start = h.clock.now();
  const { KeyMetadata } = await east.send(new CreateKeyCommand({ MultiRegion: true, Description: 'lifecycle test' }));
  keyId = KeyMetadata?.KeyId as string;
  await east.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: 'eu-west-1' }));
});

afterEach(async () => {
  await h.close();
});

const arnIn = (region: string): string => `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;
const describeIn = async (client: KMSClient) => (await client.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata;

async function expectGone(client: KMSClient, region: string): Promise<void> {
  const err = await failure(client.send(new DescribeKeyCommand({ KeyId: keyId })));
  expect(err.name).toBe('NotFoundException');
  expect(err.message).toContain(arnIn(region));
}

describe('UpdatePrimaryRegion', () => {
  it('moving the primary to eu-west-1 swaps PRIMARY and REPLICA as both regions describe the key', async () => {
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));
    const shared = { PrimaryKey: { Arn: arnIn('eu-west-1'), Region: 'eu-west-1' }, ReplicaKeys: [{ Arn: arnIn('us-east-1'), Region: 'us-east-1' }] };
    expect((await describeIn(west))?.MultiRegionConfiguration).toEqual({ MultiRegionKeyType: 'PRIMARY', ...shared });
    expect((await describeIn(east))?.MultiRegionConfiguration).toEqual({ MultiRegionKeyType: 'REPLICA', ...shared });
    // The old primary is now a replica: it cannot move the primary again.
    const again = await failure(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'us-east-1' })));
    expect(again.name).toBe('UnsupportedOperationException');
    expect(again.message).toBe(`${arnIn('us-east-1')} is not a multi-region primary key.`);
  });

  it('refuses to move the primary while the primary or the replica is disabled', async () => {
    // AWS: "Both the primary key and the replica key must be in the Enabled key state when the operation starts."
    await east.send(new DisableKeyCommand({ KeyId: keyId }));
    const primaryDisabled = await failure(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' })));
    expect(primaryDisabled.name).toBe('DisabledException');
    expect(primaryDisabled.message).toContain(arnIn('us-east-1'));
    await east.send(new EnableKeyCommand({ KeyId: keyId }));

    await west.send(new DisableKeyCommand({ KeyId: keyId }));
    const replicaDisabled = await failure(east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' })));
    expect(replicaDisabled.name).toBe('DisabledException');
    expect(replicaDisabled.message).toContain(arnIn('eu-west-1'));
    expect((await describeIn(east))?.MultiRegionConfiguration?.MultiRegionKeyType).toBe('PRIMARY');
  });

  it('after the move, rotation is managed from eu-west-1 and still reaches us-east-1', async () => {
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));

    const fromOld = await failure(east.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 })));
    expect(fromOld.name).toBe('UnsupportedOperationException');
    expect(fromOld.message).toContain('eu-west-1');
    const onDemandFromOld = await failure(east.send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    expect(onDemandFromOld.name).toBe('UnsupportedOperationException');

    await west.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const material = (await describeIn(west))?.CurrentKeyMaterialId;
    expect((await describeIn(east))?.CurrentKeyMaterialId).toBe(material);

    await west.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    expect((await east.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(true);
    h.clock.advance(91 * DAY);
    const { Rotations } = await west.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    expect(Rotations?.map((r) => r.RotationType)).toEqual(['ON_DEMAND', 'AUTOMATIC']);
    expect(Rotations?.[1]?.RotationDate?.getTime()).toBe(start + 90 * DAY);
    const dk = await east.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    expect(dk.KeyMaterialId).toBe(Rotations?.[1]?.KeyMaterialId);
  });

  it('automatic rotation enabled on the old primary keeps running after the move', async () => {
    await east.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    await east.send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: 'eu-west-1' }));
    h.clock.advance(90 * DAY);
    const { Rotations } = await west.send(new ListKeyRotationsCommand({ KeyId: keyId }));
    expect(Rotations).toHaveLength(1);
    expect(Rotations?.[0]?.RotationDate?.getTime()).toBe(start + 90 * DAY);
    expect((await describeIn(east))?.CurrentKeyMaterialId).toBe(Rotations?.[0]?.KeyMaterialId);
  });
});

describe('deleting a primary that has a replica', () => {
  it('ScheduleKeyDeletion of the primary gives PendingReplicaDeletion with no DeletionDate, and the replica stays usable', async () => {
    const out = await east.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    expect(out).toMatchObject({ KeyId: arnIn('us-east-1'), KeyState: 'PendingReplicaDeletion', PendingWindowInDays: 7 });
    expect(out.DeletionDate).toBeUndefined();

    const primary = await describeIn(east);
    expect(primary?.KeyState).toBe('PendingReplicaDeletion');
    expect(primary?.DeletionDate).toBeUndefined();
    expect(primary?.PendingDeletionWindowInDays).toBe(7);

    const refused = await failure(east.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })));
    expect(refused.name).toBe('KMSInvalidStateException');
    expect(refused.message).toContain('pending replica deletion');
    await west.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));

    // Time alone never deletes a primary that still has replicas.
    h.clock.advance(365 * DAY);
    expect((await describeIn(east))?.KeyState).toBe('PendingReplicaDeletion');
  });

  it("deleting the last replica starts the primary's waiting period at that moment; when it ends the primary is deleted", async () => {
    await east.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    h.clock.advance(DAY);
    const replica = await west.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 10 }));
    const replicaGone = start + 11 * DAY;
    expect(replica.KeyState).toBe('PendingDeletion');
    expect(replica.DeletionDate?.getTime()).toBe(replicaGone);

    h.clock.set(replicaGone + 2 * DAY); // the first request after the replica's date is two days late
    await expectGone(west, 'eu-west-1');
    const primary = await describeIn(east);
    expect(primary?.KeyState).toBe('PendingDeletion');
    expect(primary?.DeletionDate?.getTime()).toBe(replicaGone + 7 * DAY);
    expect(primary?.MultiRegionConfiguration?.ReplicaKeys).toEqual([]);

    h.clock.set(replicaGone + 7 * DAY - 1);
    expect((await describeIn(east))?.KeyState).toBe('PendingDeletion');
    h.clock.advance(1);
    await expectGone(east, 'us-east-1');
  });

  it('one clock jump past both waiting periods deletes the replica and then the primary', async () => {
    await east.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await west.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    h.clock.advance(30 * DAY); // replica deleted on day 7, primary on day 14
    await expectGone(east, 'us-east-1');
    await expectGone(west, 'eu-west-1');
  });
});
