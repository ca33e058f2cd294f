import type {
  KMSClient} from '@aws-sdk/client-kms';
import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand, DescribeKeyCommand, DisableKeyCommand,
  EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand, GenerateDataKeyCommand, GenerateDataKeyWithoutPlaintextCommand, GetKeyRotationStatusCommand, ListKeyRotationsCommand, ListKeysCommand, PutKeyPolicyCommand, ReEncryptCommand, ReplicateKeyCommand, RevokeGrantCommand, RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand, UpdateAliasCommand, UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import { CloudTrailRecord as CloudTrailRecordSchema, type CloudTrailRecord } from '../../src-shared/cloudtrail';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { ManualClock } from '../../src-main/common/clock';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { KMS_REFERENCE } from '../fixtures/cloudtrail-kms-reference';
import { shapeWithout } from '../support/cloudtrail-shape';
import { failure } from '../support/kms-harness';

/**
 * Every KMS operation KeyDrill's drills and clients make, called through @aws-sdk/client-kms on the
 * real embedded KMS over loopback HTTP, and the CloudTrail record the middleware made of it held to
 * AWS's documented record of that operation (test/fixtures/cloudtrail-kms-reference.ts), field for
 * field and format for format. Over plain HTTP there is no TLS, so no tlsDetails: the TLS case is
 * cloudtrail-tls.integration.test.ts.
 */
class Collecting implements CloudTrailSink {
  readonly records: CloudTrailRecord[] = [];
  readonly observations: ClientObservation[] = [];
  record(event: CloudTrailRecord): void {
    this.records.push(event);
  }
  observe(observation: ClientObservation): void {
    this.observations.push(observation);
  }
}

const CONTEXT = { tenant: 'acme', cluster: 'acme-prod' };
const REGION = 'us-west-2';

describe('CloudTrail records as AWS writes them, operation by operation', () => {
  let backend: EmbeddedBackend;
  let sink: Collecting;
  let kms: KMSClient;
  let account: string;

  beforeAll(async () => {
    backend = await startEmbeddedBackend({ clock: new ManualClock(Date.UTC(2026, 1, 3, 10, 15, 42)) });
    expect(backend.inProcess).toBe(false);
    sink = new Collecting();
    kms = backend.factory('admin', { sink, maxAttempts: 1 }).clientFor(REGION);
    account = backend.kms.account;
  });
  afterAll(() => backend.close());

  /** Runs `call`, then returns the record it left (the last one), after checking it is a valid CloudTrail record. */
  async function recordOf(call: () => Promise<unknown>): Promise<CloudTrailRecord> {
    const before = sink.records.length;
    await call().catch(() => undefined);
    expect(sink.records.length).toBe(before + 1);
    const record = sink.records[sink.records.length - 1] as CloudTrailRecord;
    expect(CloudTrailRecordSchema.safeParse(record).success).toBe(true);
    expect(record.tlsDetails).toBeUndefined();
    return record;
  }

  function matchesReference(record: CloudTrailRecord, reference: keyof typeof KMS_REFERENCE): void {
    const ref = KMS_REFERENCE[reference]!.record;
    expect(shapeWithout(record, 'tlsDetails')).toEqual(shapeWithout(ref, 'tlsDetails'));
  }

  async function newKey(multiRegion = false): Promise<{ id: string; arn: string }> {
    const created = await kms.send(new CreateKeyCommand({ MultiRegion: multiRegion }));
    return { id: created.KeyMetadata!.KeyId!, arn: created.KeyMetadata!.Arn! };
  }

  it('CreateKey: the request as KMS understood it (defaults filled in), the new key\'s metadata with KMS\'s dates', async () => {
    const record = await recordOf(() => kms.send(new CreateKeyCommand({})));
    matchesReference(record, 'CreateKey');
    expect(record.responseElements).toMatchObject({ keyMetadata: { aWSAccountId: account, creationDate: 'Feb 3, 2026, 10:15:42 AM', keyState: 'Enabled' } });
  });

  it('CreateKey of another key spec: customerMasterKeySpec, its deprecated twin, says the same, refused or not', async () => {
    const record = await recordOf(() => kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })));
    expect(record.requestParameters).toMatchObject({ keySpec: 'HMAC_256', customerMasterKeySpec: 'HMAC_256', keyUsage: 'GENERATE_VERIFY_MAC' });
  });

  it('a key named by its alias is under resources: DescribeKey answered, and an Encrypt refused once KMS had found the key', async () => {
    const key = await newKey();
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/by-name', TargetKeyId: key.id }));
    const described = await recordOf(() => kms.send(new DescribeKeyCommand({ KeyId: 'alias/by-name' })));
    expect(described.resources?.map((r) => r.ARN)).toEqual([key.arn]);
    const service = backend.factory('service', { sink, maxAttempts: 1 }).clientFor(REGION);
    const refused = await recordOf(() => service.send(new EncryptCommand({ KeyId: 'alias/by-name', Plaintext: Buffer.from('x') })));
    expect(refused.errorCode).toBe('AccessDeniedException');
    expect(refused.resources?.map((r) => r.ARN)).toEqual([key.arn]);
    service.destroy();
  });

  it('DescribeKey', async () => {
    const key = await newKey();
    matchesReference(await recordOf(() => kms.send(new DescribeKeyCommand({ KeyId: key.id }))), 'DescribeKey');
  });

  it('ListKeys', async () => {
    matchesReference(await recordOf(() => kms.send(new ListKeysCommand({}))), 'ListKeys');
  });

  it('Encrypt: encryptionAlgorithm though the request named none, and the key material the ciphertext was made with', async () => {
    const key = await newKey();
    const record = await recordOf(() => kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from('canary'), EncryptionContext: CONTEXT })));
    matchesReference(record, 'Encrypt');
    const current = (await kms.send(new DescribeKeyCommand({ KeyId: key.id }))).KeyMetadata?.CurrentKeyMaterialId;
    expect(record.additionalEventData).toEqual({ keyMaterialId: current });
  });

  it('Decrypt: encryptionAlgorithm always, and the key material that decrypted', async () => {
    const key = await newKey();
    const sealed = await kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from('canary'), EncryptionContext: CONTEXT }));
    const record = await recordOf(() => kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: key.arn, EncryptionContext: CONTEXT })));
    matchesReference(record, 'Decrypt');
    expect(record.requestParameters?.encryptionAlgorithm).toBe('SYMMETRIC_DEFAULT');
  });

  it('Decrypt failure: errorCode and errorMessage as KMS answered, no responseElements, no key material', async () => {
    const [a, b] = [await newKey(), await newKey()];
    const sealed = await kms.send(new EncryptCommand({ KeyId: a.arn, Plaintext: Buffer.from('canary'), EncryptionContext: CONTEXT }));
    const record = await recordOf(() => kms.send(new DecryptCommand({ CiphertextBlob: sealed.CiphertextBlob, KeyId: b.arn, EncryptionContext: CONTEXT })));
    matchesReference(record, 'Decrypt failure');
    expect(record.errorMessage).toBeTruthy();
    expect(record.responseElements).toBeNull();
  });

  it('ReEncrypt: source then destination under resources, both algorithms, and both key materials — the evidence of a re-wrap', async () => {
    const [source, destination] = [await newKey(), await newKey()];
    const sealed = await kms.send(new EncryptCommand({ KeyId: source.arn, Plaintext: Buffer.from('canary'), EncryptionContext: CONTEXT }));
    const record = await recordOf(() => kms.send(new ReEncryptCommand({
      CiphertextBlob: sealed.CiphertextBlob, SourceEncryptionContext: CONTEXT, DestinationKeyId: destination.id, DestinationEncryptionContext: { tenant: 'acme', generation: '2' },
    })));
    matchesReference(record, 'ReEncrypt');
    expect(record.resources?.map((r) => r.ARN)).toEqual([source.arn, destination.arn]);
    const material = async (k: { id: string }) => (await kms.send(new DescribeKeyCommand({ KeyId: k.id }))).KeyMetadata?.CurrentKeyMaterialId;
    expect(record.additionalEventData).toEqual({ destinationKeyMaterialId: await material(destination), sourceKeyMaterialId: await material(source) });
  });

  it('GenerateDataKey: the key material the data key is wrapped under', async () => {
    const key = await newKey();
    const record = await recordOf(() => kms.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_256', EncryptionContext: CONTEXT })));
    matchesReference(record, 'GenerateDataKey');
  });

  it('GenerateDataKeyWithoutPlaintext', async () => {
    const key = await newKey();
    matchesReference(await recordOf(() => kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.id, KeySpec: 'AES_256', EncryptionContext: CONTEXT }))), 'GenerateDataKeyWithoutPlaintext');
  });

  it('DisableKey and EnableKey: the key ARN under responseElements, though the operations return nothing', async () => {
    const key = await newKey();
    const disabled = await recordOf(() => kms.send(new DisableKeyCommand({ KeyId: key.id })));
    matchesReference(disabled, 'DisableKey');
    expect(disabled.responseElements).toEqual({ keyId: key.arn });
    matchesReference(await recordOf(() => kms.send(new EnableKeyCommand({ KeyId: key.id }))), 'EnableKey');
  });

  it('ScheduleKeyDeletion and CancelKeyDeletion: the deletion date as KMS writes dates', async () => {
    const key = await newKey();
    const scheduled = await recordOf(() => kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.id, PendingWindowInDays: 7 })));
    matchesReference(scheduled, 'ScheduleKeyDeletion');
    expect(scheduled.responseElements).toMatchObject({ deletionDate: 'Feb 10, 2026, 10:15:42 AM', keyState: 'PendingDeletion' });
    matchesReference(await recordOf(() => kms.send(new CancelKeyDeletionCommand({ KeyId: key.id }))), 'CancelKeyDeletion');
  });

  it('EnableKeyRotation, GetKeyRotationStatus, RotateKeyOnDemand and ListKeyRotations', async () => {
    const key = await newKey();
    matchesReference(await recordOf(() => kms.send(new EnableKeyRotationCommand({ KeyId: key.id, RotationPeriodInDays: 180 }))), 'EnableKeyRotation');
    matchesReference(await recordOf(() => kms.send(new GetKeyRotationStatusCommand({ KeyId: key.id }))), 'GetKeyRotationStatus');
    matchesReference(await recordOf(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }))), 'RotateKeyOnDemand');
    matchesReference(await recordOf(() => kms.send(new ListKeyRotationsCommand({ KeyId: key.id, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))), 'ListKeyRotations');
  });

  it('after a rotation, records name the old key material for old ciphertexts and the new one for new: what a rotation drill proves', async () => {
    const key = await newKey();
    const old = await kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from('before'), EncryptionContext: CONTEXT }));
    const before = (sink.records.at(-1)!.additionalEventData as { keyMaterialId: string }).keyMaterialId;
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.id }));
    const decryptOld = await recordOf(() => kms.send(new DecryptCommand({ CiphertextBlob: old.CiphertextBlob, EncryptionContext: CONTEXT })));
    const encryptNew = await recordOf(() => kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: Buffer.from('after'), EncryptionContext: CONTEXT })));
    expect((decryptOld.additionalEventData as { keyMaterialId: string }).keyMaterialId).toBe(before);
    expect((encryptNew.additionalEventData as { keyMaterialId: string }).keyMaterialId).not.toBe(before);
    expect((encryptNew.additionalEventData as { keyMaterialId: string }).keyMaterialId).toBe((await kms.send(new DescribeKeyCommand({ KeyId: key.id }))).KeyMetadata?.CurrentKeyMaterialId);
    // A Decrypt that named no key still lists the key the ciphertext names.
    expect(decryptOld.resources?.map((r) => r.ARN)).toEqual([key.arn]);
  });

  it('ReplicateKey and UpdatePrimaryRegion: the primary key in the calling Region under resources', async () => {
    const mrk = await newKey(true);
    const replicated = await recordOf(() => kms.send(new ReplicateKeyCommand({ KeyId: mrk.id, ReplicaRegion: 'eu-west-1' })));
    matchesReference(replicated, 'ReplicateKey');
    expect(replicated.resources?.map((r) => r.ARN)).toEqual([mrk.arn]);
    const promoted = await recordOf(() => kms.send(new UpdatePrimaryRegionCommand({ KeyId: mrk.id, PrimaryRegion: 'eu-west-1' })));
    matchesReference(promoted, 'UpdatePrimaryRegion');
    expect(promoted.responseElements).toEqual({ keyId: mrk.arn });
  });

  it('PutKeyPolicy: policyName and the lockout flag as KMS understood them', async () => {
    const key = await newKey();
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }] });
    const record = await recordOf(() => kms.send(new PutKeyPolicyCommand({ KeyId: key.id, Policy: policy })));
    matchesReference(record, 'PutKeyPolicy');
    expect(record.requestParameters).toMatchObject({ policyName: 'default', bypassPolicyLockoutSafetyCheck: false, policy });
  });

  it('CreateGrant and RevokeGrant: the grant id kept, the grant token never', async () => {
    const key = await newKey();
    const created = await recordOf(() => kms.send(new CreateGrantCommand({
      KeyId: key.arn, GranteePrincipal: backend.kms.identity('service').principalArn, Operations: ['Decrypt', 'GenerateDataKey'], Constraints: { EncryptionContextSubset: { tenant: 'acme' } },
    })));
    matchesReference(created, 'CreateGrant');
    expect((created.responseElements as { keyId: string }).keyId).toBe(key.arn);
    const grantId = (created.responseElements as { grantId: string }).grantId;
    expect(JSON.stringify(created)).not.toMatch(/grantToken/i);
    matchesReference(await recordOf(() => kms.send(new RevokeGrantCommand({ KeyId: key.id, GrantId: grantId }))), 'RevokeGrant');
  });

  it('CreateAlias lists the key then the alias, UpdateAlias the alias then the key, both with the key\'s ARN as responseElements.keyId; DeleteAlias the alias (the departure its reference notes)', async () => {
    const key = await newKey();
    const created = await recordOf(() => kms.send(new CreateAliasCommand({ AliasName: 'alias/acme-prod', TargetKeyId: key.id })));
    matchesReference(created, 'CreateAlias');
    expect(created.responseElements).toEqual({ keyId: key.arn });
    const other = await newKey();
    const updated = await recordOf(() => kms.send(new UpdateAliasCommand({ AliasName: 'alias/acme-prod', TargetKeyId: other.id })));
    matchesReference(updated, 'UpdateAlias');
    expect(updated.responseElements).toEqual({ keyId: other.arn });
    expect(updated.resources?.map((r) => r.ARN)).toEqual([`arn:aws:kms:${REGION}:${account}:alias/acme-prod`, other.arn]);
    const deleted = await recordOf(() => kms.send(new DeleteAliasCommand({ AliasName: 'alias/acme-prod' })));
    matchesReference(deleted, 'DeleteAlias');
    expect(deleted.resources?.map((r) => r.ARN)).toEqual([`arn:aws:kms:${REGION}:${account}:alias/acme-prod`]);
  });

  it('an assumed-role session is written with its session context; its refusal with AWS\'s error code and no response', async () => {
    const key = await newKey();
    const service = backend.factory('service', { sink, maxAttempts: 1 }).clientFor(REGION);
    const record = await recordOf(() => service.send(new GenerateDataKeyCommand({ KeyId: key.id, KeySpec: 'AES_256' })));
    matchesReference(record, 'AccessDeniedException to an assumed role');
    const identity = backend.kms.identity('service');
    expect(record.userIdentity).toMatchObject({
      type: 'AssumedRole',
      arn: identity.callerArn,
      sessionContext: { sessionIssuer: { type: 'Role', arn: identity.principalArn, userName: 'keydrill-service' }, attributes: { creationDate: '2026-02-03T10:15:42Z', mfaAuthenticated: 'false' } },
    });
    expect(record.errorMessage).toContain('kms:GenerateDataKey');
    // Refused by KMS, so it reached KMS: a CloudTrail record, not a client-side observation.
    expect(sink.observations).toEqual([]);
  });

  it('the User-Agent is the one the SDK sent, and the request id the one KMS answered with', async () => {
    // A client of its own: the spy must be on its stack before its first call (the SDK caches each command's middleware).
    const client = backend.factory('admin', { sink, maxAttempts: 1 }).clientFor('ap-south-1');
    let sentAgent: string | undefined;
    client.middlewareStack.add((next) => async (args) => {
      sentAgent = (args as { request?: { headers?: Record<string, string> } }).request?.headers?.['user-agent'];
      return next(args);
    }, { step: 'finalizeRequest', name: 'testUserAgentSpy', priority: 'low' });
    const out = await client.send(new ListKeysCommand({}));
    const record = sink.records.at(-1)!;
    expect(sentAgent).toMatch(/keydrill\/0\.1\.0/);
    expect(record.userAgent).toBe(sentAgent);
    expect(record.requestID).toBe(out.$metadata.requestId);
  });

  it('a failed call leaves its request parameters as they went, without data: a refused Encrypt keeps neither plaintext nor ciphertext', async () => {
    const key = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: key.id }));
    const plaintext = Buffer.from('do-not-log-me');
    const record = await recordOf(() => failure(kms.send(new EncryptCommand({ KeyId: key.arn, Plaintext: plaintext, EncryptionContext: CONTEXT }))));
    expect(record).toMatchObject({ errorCode: 'DisabledException', responseElements: null, requestParameters: { keyId: key.arn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: CONTEXT } });
    expect(record.additionalEventData).toBeUndefined();
    expect(JSON.stringify(record)).not.toContain(plaintext.toString('base64'));
  });
});
