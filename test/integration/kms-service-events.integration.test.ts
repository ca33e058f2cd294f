import { CreateKeyCommand, DescribeKeyCommand, DisableKeyCommand, EnableKeyRotationCommand, type KMSClient, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { buildKmsServiceEvent } from '../../src-main/kms/cloudtrail-service-event';
import type { KmsServiceEvent } from '../../src-main/kms/embedded/kms-core';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

/**
 * What the embedded KMS does on its own, over real HTTP on a ManualClock, as CloudTrail's
 * AwsServiceEvents (ct-rotatekey, ct-delete-key): each at its own moment, none for work that failed.
 */
const DAY = 86_400_000;

let h: KmsHarness;
let admin: KMSClient;
let events: KmsServiceEvent[];
let start: number;

beforeEach(async () => {
  events = [];
  h = await startKms({ onServiceEvent: (e) => events.push(e) });
  admin = h.client('admin');
  start = h.clock.now();
});
afterEach(() => h.close());

const createKey = async (): Promise<{ keyId: string; arn: string }> => {
  const { KeyMetadata } = await admin.send(new CreateKeyCommand({}));
  return { keyId: KeyMetadata?.KeyId as string, arn: KeyMetadata?.Arn as string };
};

describe('the embedded KMS writes what it does on its own', () => {
  it('an automatic rotation at its own date, though noticed by a later request; an on-demand one as it happens', async () => {
    const { keyId, arn } = await createKey();
    const material = async () => (await admin.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.CurrentKeyMaterialId;
    const first = await material();
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    h.clock.advance(100 * DAY);
    expect(events).toEqual([]);
    h.kms.letTimeAct();
    const second = await material();
    // Each names the material it replaced and the one now current, as DescribeKey gives them.
    expect(events).toEqual([{ name: 'RotateKey', at: start + 90 * DAY, region: 'us-east-1', account: '111122223333', keyId, arn, rotationType: 'AUTOMATIC', previousKeyMaterialId: first, currentKeyMaterialId: second }]);
    await admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    expect(events.map((e) => [e.name, e.rotationType, e.at])).toEqual([['RotateKey', 'AUTOMATIC', start + 90 * DAY], ['RotateKey', 'ON_DEMAND', start + 100 * DAY]]);
    expect(events[1]).toMatchObject({ previousKeyMaterialId: second, currentKeyMaterialId: await material() });
    expect(new Set([first, second, await material()]).size).toBe(3);
  });

  it('a deletion when the waiting period ends, at that moment; nothing for a request that was refused', async () => {
    const { keyId, arn } = await createKey();
    await admin.send(new DisableKeyCommand({ KeyId: keyId }));
    // A disabled key cannot be rotated on demand: refused, so no RotateKey either.
    expect(await failure(admin.send(new RotateKeyOnDemandCommand({ KeyId: keyId })))).toMatchObject({ name: 'DisabledException' });
    await admin.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    h.clock.advance(30 * DAY);
    await admin.send(new CreateKeyCommand({}));
    expect(events).toEqual([{ name: 'DeleteKey', at: start + 7 * DAY, region: 'us-east-1', account: '111122223333', keyId, arn }]);
  });

  it('as CloudTrail records shaped as the developer guide shows them: no caller, no request, AwsServiceEvent', async () => {
    const { keyId, arn } = await createKey();
    await admin.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    await admin.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    h.clock.advance(8 * DAY);
    h.kms.letTimeAct();
    const [deleted] = events.map(buildKmsServiceEvent);
    expect(CloudTrailRecord.safeParse({ ...deleted, eventID: 'x' }).success).toBe(true);
    expect(deleted).toMatchObject({
      userIdentity: { accountId: '111122223333', invokedBy: 'AWS Internal' }, eventTime: '2026-01-08T00:00:00Z', eventSource: 'kms.amazonaws.com', eventName: 'DeleteKey',
      sourceIPAddress: 'AWS Internal', userAgent: 'AWS Internal', requestParameters: null, responseElements: { keyId: arn }, readOnly: false,
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: arn }], eventType: 'AwsServiceEvent', managementEvent: true, recipientAccountId: '111122223333', eventCategory: 'Management',
    });
    expect(deleted).not.toHaveProperty('requestID');
    expect(deleted?.userIdentity).not.toHaveProperty('type');
    const [before, after] = ['a'.repeat(64), 'b'.repeat(64)];
    const rotated = buildKmsServiceEvent({ name: 'RotateKey', at: start, region: 'us-west-2', account: '111122223333', keyId, arn, rotationType: 'AUTOMATIC', previousKeyMaterialId: before, currentKeyMaterialId: after });
    // As ct-rotatekey's eventVersion 1.11 example, field for field and in its order.
    expect(rotated).toMatchObject({ eventName: 'RotateKey', responseElements: null, eventType: 'AwsServiceEvent', managementEvent: true, eventCategory: 'Management' });
    expect(JSON.stringify(rotated.serviceEventDetails)).toBe(JSON.stringify({ rotationType: 'AUTOMATIC', keyOrigin: 'AWS_KMS', previousKeyMaterialId: before, currentKeyMaterialId: after, keyId }));
  });
});
