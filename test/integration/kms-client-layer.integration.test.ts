import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, ListKeysCommand, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { CloudTrailRecord as CloudTrailRecordSchema } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { ManualClock } from '../../src-main/common/clock';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { FaultInjector } from '../../src-main/kms/fault-injector';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';
import { failure } from '../support/kms-harness';

/** A sink that keeps what it is given, so a test can read the records and observations the middleware produced. */
class CollectingSink implements CloudTrailSink {
  readonly events: { event: CloudTrailRecord; runId: string | undefined }[] = [];
  readonly observations: { observation: ClientObservation; runId: string | undefined }[] = [];
  record(event: CloudTrailRecord, runId: string | undefined): void {
    this.events.push({ event, runId });
  }
  observe(observation: ClientObservation, runId: string | undefined): void {
    this.observations.push({ observation, runId });
  }
}

describe('the KMS client layer: CloudTrail recording and fault injection on every SDK call', () => {
  let backend: EmbeddedBackend;
  let clock: ManualClock;
  let sink: CollectingSink;
  let faults: FaultInjector;
  let factory: KmsClientFactory;

  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 9, 30, 0));
    backend = await startEmbeddedBackend({ clock });
    sink = new CollectingSink();
    faults = new FaultInjector(() => 0.25);
    factory = backend.factory('admin', { sink, faults, runId: () => 'run-1', maxAttempts: 1 });
  });
  afterEach(() => backend.close());

  it('records one CloudTrail record per call, successful or failed, stamped with the drill clock', async () => {
    const kms = factory.clientFor('us-east-1');
    const key = await kms.send(new CreateKeyCommand({ Description: 'tenant-a' }));
    clock.advance(61_000);
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyMetadata?.KeyId, KeySpec: 'AES_256', EncryptionContext: { tenant: 'a' } }));
    await failure(kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob, EncryptionContext: { tenant: 'b' } })));

    expect(sink.events.map((e) => [e.event.eventName, e.event.errorCode ?? 'ok', e.event.eventTime])).toEqual([
      ['CreateKey', 'ok', '2026-03-01T09:30:00Z'],
      ['GenerateDataKey', 'ok', '2026-03-01T09:31:01Z'],
      ['Decrypt', 'InvalidCiphertextException', '2026-03-01T09:31:01Z'],
    ]);
    for (const { event, runId } of sink.events) {
      expect(CloudTrailRecordSchema.safeParse(event).success).toBe(true);
      expect(runId).toBe('run-1');
      expect(event).toMatchObject({ eventSource: 'kms.amazonaws.com', awsRegion: 'us-east-1', eventType: 'AwsApiCall', recipientAccountId: '111122223333' });
      expect(event.userIdentity).toMatchObject({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/keydrill-admin' });
    }
    const gdk = sink.events[1]!.event;
    expect(gdk.readOnly).toBe(true);
    expect(gdk.requestParameters).toEqual({ keyId: key.KeyMetadata?.KeyId, keySpec: 'AES_256', encryptionContext: { tenant: 'a' } });
    expect(gdk.responseElements).toBeNull();
    expect(gdk.resources).toEqual([{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: key.KeyMetadata?.Arn }]);
    expect(sink.events[0]!.event.readOnly).toBe(false);
  });

  it('never puts a plaintext data key or ciphertext into a record', async () => {
    const kms = factory.clientFor('us-east-1');
    const key = await kms.send(new CreateKeyCommand({}));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyMetadata?.KeyId, NumberOfBytes: 32 }));
    await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    const all = JSON.stringify(sink.events);
    const plaintext = Buffer.from(dk.Plaintext!);
    for (const form of [plaintext.toString('base64'), plaintext.toString('hex'), Buffer.from(dk.CiphertextBlob!).toString('base64')]) {
      expect(all).not.toContain(form);
    }
  });

  it('a regional outage makes calls to that region fail as unreachable while other regions keep working', async () => {
    const east = factory.clientFor('us-east-1');
    const west = factory.clientFor('eu-west-1');
    const mrk = await east.send(new CreateKeyCommand({ MultiRegion: true }));
    await east.send(new ReplicateKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId, ReplicaRegion: 'eu-west-1' }));

    faults.outage('us-east-1');
    const refused = await failure(east.send(new DescribeKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId })));
    expect(refused.name).toBe('NetworkingError');
    expect(refused.message).toContain('us-east-1 is unreachable');
    const replica = await west.send(new DescribeKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId }));
    expect(replica.KeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType).toBe('REPLICA');

    faults.outage('us-east-1', 'timeout');
    expect((await failure(east.send(new DescribeKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId })))).name).toBe('TimeoutError');

    faults.restore('us-east-1');
    await expect(east.send(new DescribeKeyCommand({ KeyId: mrk.KeyMetadata?.KeyId }))).resolves.toBeDefined();

    // The two refused calls never reached KMS: client-side observations, never CloudTrail records.
    expect(sink.events.filter((e) => e.event.errorCode !== undefined)).toEqual([]);
    expect(sink.observations.map((o) => [o.observation.operation, o.observation.region, o.observation.errorCode, o.observation.cause])).toEqual([
      ['DescribeKey', 'us-east-1', 'NetworkingError', 'injected-outage'],
      ['DescribeKey', 'us-east-1', 'TimeoutError', 'injected-timeout'],
    ]);
    expect(sink.observations.every((o) => o.runId === 'run-1' && o.observation.keyId === mrk.KeyMetadata?.KeyId)).toBe(true);
  });

  it('throttling refuses calls at the configured rate with ThrottlingException, and latency delays them', async () => {
    const delays: number[] = [];
    const slow = backend.factory('admin', { sink, faults, maxAttempts: 1, sleep: async (ms) => { delays.push(ms); } });
    const kms = slow.clientFor('ap-southeast-2');
    faults.throttle('ap-southeast-2', 1);
    const throttled = await failure(kms.send(new ListKeysCommand({})));
    expect(throttled.name).toBe('ThrottlingException');
    faults.throttle('ap-southeast-2', 0.2); // the injected random source returns 0.25: above the rate, so calls pass
    await expect(kms.send(new ListKeysCommand({}))).resolves.toMatchObject({ Keys: [] });
    faults.latency('ap-southeast-2', { fixedMs: 120, jitterMs: 40 });
    await kms.send(new ListKeysCommand({}));
    expect(delays).toEqual([130]);
    // The injected throttling refused the first call before it was sent: an observation; the two that went are records.
    expect(sink.events.map((e) => e.event.errorCode ?? 'ok')).toEqual(['ok', 'ok']);
    expect(sink.observations.map((o) => [o.observation.errorCode, o.observation.cause])).toEqual([['ThrottlingException', 'injected-throttling']]);
  });

  it('calls as the service role are recorded as an assumed role, and its refusals as AccessDeniedException', async () => {
    const admin = factory.clientFor('us-east-1');
    const key = await admin.send(new CreateKeyCommand({}));
    const service = backend.factory('service', { sink, maxAttempts: 1 }).clientFor('us-east-1');
    await failure(service.send(new GenerateDataKeyCommand({ KeyId: key.KeyMetadata?.KeyId, KeySpec: 'AES_256' })));
    const denied = sink.events.at(-1)!.event;
    expect(denied.errorCode).toBe('AccessDeniedException');
    expect(denied.errorMessage).toContain('kms:GenerateDataKey');
    expect(denied.userIdentity).toMatchObject({ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/keydrill-service/keydrill-session' });
  });

  it('the LocalStack backend defaults to localhost:4566 with test credentials, and the embedded one needs an endpoint', async () => {
    const previous = process.env.LOCALSTACK_ENDPOINT;
    delete process.env.LOCALSTACK_ENDPOINT;
    try {
      const localstack = new KmsClientFactory({ backend: 'localstack' });
      expect(localstack.endpoint).toBe('http://localhost:4566');
      expect(await localstack.clientFor('us-east-1').config.credentials()).toMatchObject({ accessKeyId: 'test', secretAccessKey: 'test' });
      localstack.destroy();
    } finally {
      if (previous !== undefined) process.env.LOCALSTACK_ENDPOINT = previous;
    }
    expect(() => new KmsClientFactory({ backend: 'embedded' })).toThrow(/endpoint/);
  });
});
