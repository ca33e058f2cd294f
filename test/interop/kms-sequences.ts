import {
  CancelKeyDeletionCommand, CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, DecryptCommand, DeleteAliasCommand,
  DescribeKeyCommand, DisableKeyCommand, EnableKeyCommand, EnableKeyRotationCommand, EncryptCommand, GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand, GenerateRandomCommand, GetKeyRotationStatusCommand, ListAliasesCommand,
  ListKeyRotationsCommand, ListResourceTagsCommand, PutKeyPolicyCommand, ReEncryptCommand, ReplicateKeyCommand,
  RevokeGrantCommand, RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand, TagResourceCommand, UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import type { Peer } from './interop-peers';
import type { Transcript } from './transcript';

/**
 * The KMS call sequences run against both peers. Each is a small story a drill depends on; every
 * call's outcome goes into the transcript, successes and errors alike.
 */
export type Sequence = (peer: Peer, t: Transcript) => Promise<void>;

const EAST = 'us-east-1';
const WEST = 'eu-west-1';
const bytes = (s: string) => Buffer.from(s);

export const SEQUENCES: Record<string, Sequence> = {
  'key lifecycle and key states': async (peer, t) => {
    const kms = peer.admin(EAST);
    const key = await t.call('CreateKey', () => kms.send(new CreateKeyCommand({ Description: 'interop' })));
    const id = key?.KeyMetadata?.KeyId;
    await t.call('DescribeKey', () => kms.send(new DescribeKeyCommand({ KeyId: id })));
    await t.call('DisableKey', () => kms.send(new DisableKeyCommand({ KeyId: id })));
    await t.call('Encrypt with a disabled key', () => kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })));
    await t.call('EnableKey', () => kms.send(new EnableKeyCommand({ KeyId: id })));
    await t.call('ScheduleKeyDeletion 6 days', () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 6 })));
    await t.call('ScheduleKeyDeletion 7 days', () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: id, PendingWindowInDays: 7 })));
    await t.call('Encrypt with a key pending deletion', () => kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })));
    await t.call('CancelKeyDeletion', () => kms.send(new CancelKeyDeletionCommand({ KeyId: id })));
    await t.call('DescribeKey after cancel', async () => ({ KeyState: (await kms.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.KeyState }));
    await t.call('DescribeKey of a key that does not exist', () => kms.send(new DescribeKeyCommand({ KeyId: '11111111-2222-4333-8444-555555555555' })));
  },

  'data keys, encryption and re-encryption': async (peer, t) => {
    const kms = peer.admin(EAST);
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const ctx = { tenant: 'acme', node: 'n1' };
    const dk = await t.call('GenerateDataKey AES_256', () => kms.send(new GenerateDataKeyCommand({ KeyId: a, KeySpec: 'AES_256', EncryptionContext: ctx })));
    await t.call('GenerateDataKey 16 bytes', () => kms.send(new GenerateDataKeyCommand({ KeyId: a, NumberOfBytes: 16 })));
    await t.call('GenerateDataKey with KeySpec and NumberOfBytes', () => kms.send(new GenerateDataKeyCommand({ KeyId: a, KeySpec: 'AES_256', NumberOfBytes: 32 })));
    await t.call('GenerateDataKeyWithoutPlaintext', () => kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: a, KeySpec: 'AES_128' })));
    const back = await t.call('Decrypt with the right context', () => kms.send(new DecryptCommand({ CiphertextBlob: dk?.CiphertextBlob, EncryptionContext: ctx })));
    t.note('Decrypt returns the data key', back?.Plaintext !== undefined && Buffer.from(back.Plaintext).equals(Buffer.from(dk?.Plaintext ?? [])));
    await t.call('Decrypt with a wrong context', () => kms.send(new DecryptCommand({ CiphertextBlob: dk?.CiphertextBlob, EncryptionContext: { tenant: 'other', node: 'n1' } })));
    await t.call('Decrypt without the context', () => kms.send(new DecryptCommand({ CiphertextBlob: dk?.CiphertextBlob })));
    await t.call('Decrypt naming another key', () => kms.send(new DecryptCommand({ CiphertextBlob: dk?.CiphertextBlob, EncryptionContext: ctx, KeyId: b })));
    const re = await t.call('ReEncrypt to another key', () => kms.send(new ReEncryptCommand({ CiphertextBlob: dk?.CiphertextBlob, SourceEncryptionContext: ctx, DestinationKeyId: b, DestinationEncryptionContext: { tenant: 'acme' } })));
    await t.call('Decrypt the re-encrypted key', () => kms.send(new DecryptCommand({ CiphertextBlob: re?.CiphertextBlob, EncryptionContext: { tenant: 'acme' } })));
    await t.call('Encrypt 4097 bytes', () => kms.send(new EncryptCommand({ KeyId: a, Plaintext: Buffer.alloc(4097) })));
    await t.call('GenerateRandom 64', () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 64 })));
  },

  'encryption context encoding': async (peer, t) => {
    const kms = peer.admin(EAST);
    const id = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const blob = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('secret'), EncryptionContext: { ab: 'c' } }))).CiphertextBlob;
    await t.call('Decrypt {"ab":"c"} ciphertext with {"a":"bc"}', () => kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'bc' } })));
    await t.call('Decrypt with the same pairs in another order', async () => {
      const two = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('s'), EncryptionContext: { x: '1', y: '2' } }))).CiphertextBlob;
      return kms.send(new DecryptCommand({ CiphertextBlob: two, EncryptionContext: { y: '2', x: '1' } }));
    });
  },

  'aliases': async (peer, t) => {
    const kms = peer.admin(EAST);
    const id = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const name = `alias/interop-${Date.now()}`;
    await t.call('CreateAlias', () => kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: id })));
    await t.call('CreateAlias again', () => kms.send(new CreateAliasCommand({ AliasName: name, TargetKeyId: id })));
    await t.call('Encrypt through the alias', () => kms.send(new EncryptCommand({ KeyId: name, Plaintext: bytes('x') })));
    await t.call('ListAliases for the key', () => kms.send(new ListAliasesCommand({ KeyId: id })));
    await t.call('DeleteAlias', () => kms.send(new DeleteAliasCommand({ AliasName: name })));
    await t.call('Encrypt through the deleted alias', () => kms.send(new EncryptCommand({ KeyId: name, Plaintext: bytes('x') })));
  },

  'key rotation': async (peer, t) => {
    const kms = peer.admin(EAST);
    const id = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const old = (await kms.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('before') }))).CiphertextBlob;
    await t.call('EnableKeyRotation 89 days', () => kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 89 })));
    await t.call('EnableKeyRotation 90 days', () => kms.send(new EnableKeyRotationCommand({ KeyId: id, RotationPeriodInDays: 90 })));
    await t.call('GetKeyRotationStatus', async () => {
      const s = await kms.send(new GetKeyRotationStatusCommand({ KeyId: id }));
      return { KeyRotationEnabled: s.KeyRotationEnabled, RotationPeriodInDays: s.RotationPeriodInDays, hasNextRotationDate: s.NextRotationDate !== undefined };
    });
    await t.call('RotateKeyOnDemand', () => kms.send(new RotateKeyOnDemandCommand({ KeyId: id })));
    await t.call('ListKeyRotations', () => kms.send(new ListKeyRotationsCommand({ KeyId: id })));
    await t.call('Decrypt a ciphertext from before the rotation', () => kms.send(new DecryptCommand({ CiphertextBlob: old })));
  },

  'multi-Region keys': async (peer, t) => {
    const east = peer.admin(EAST);
    const west = peer.admin(WEST);
    const id = (await east.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata?.KeyId;
    await t.call('ReplicateKey', async () => ({ type: (await east.send(new ReplicateKeyCommand({ KeyId: id, ReplicaRegion: WEST }))).ReplicaKeyMetadata?.MultiRegionConfiguration?.MultiRegionKeyType }));
    await t.call('ReplicateKey to the same region again', () => east.send(new ReplicateKeyCommand({ KeyId: id, ReplicaRegion: WEST })));
    await t.call('DescribeKey of the replica', async () => (await west.send(new DescribeKeyCommand({ KeyId: id }))).KeyMetadata?.MultiRegionConfiguration);
    const before = (await east.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') }))).CiphertextBlob;
    await t.call('Decrypt in the replica region', () => west.send(new DecryptCommand({ CiphertextBlob: before })));
    await t.call('RotateKeyOnDemand on the primary', () => east.send(new RotateKeyOnDemandCommand({ KeyId: id })));
    const after = (await east.send(new EncryptCommand({ KeyId: id, Plaintext: bytes('y') }))).CiphertextBlob;
    await t.call('Decrypt in the replica region after the primary rotated', () => west.send(new DecryptCommand({ CiphertextBlob: after })));
    await t.call('UpdatePrimaryRegion', () => east.send(new UpdatePrimaryRegionCommand({ KeyId: id, PrimaryRegion: WEST })));
  },

  'key policies and grants': async (peer, t) => {
    const kms = peer.admin(EAST);
    const id = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const rootOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${peer.account}:root` }, Action: 'kms:*', Resource: '*' }] };
    await t.call('PutKeyPolicy trusting only the account', () => kms.send(new PutKeyPolicyCommand({ KeyId: id, PolicyName: 'default', Policy: JSON.stringify(rootOnly) })));
    await t.call('GenerateDataKey by a principal the policy does not name', () => peer.other(EAST).send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })));
    const grant = await t.call('CreateGrant for that principal', () => kms.send(new CreateGrantCommand({ KeyId: id, GranteePrincipal: peer.otherPrincipalArn, Operations: ['GenerateDataKey', 'Decrypt'] })));
    await t.call('GenerateDataKey under the grant', () => peer.other(EAST).send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })));
    await t.call('Encrypt, which the grant does not cover', () => peer.other(EAST).send(new EncryptCommand({ KeyId: id, Plaintext: bytes('x') })));
    await t.call('RevokeGrant', () => kms.send(new RevokeGrantCommand({ KeyId: id, GrantId: grant?.GrantId })));
    await t.call('GenerateDataKey after the grant was revoked', () => peer.other(EAST).send(new GenerateDataKeyCommand({ KeyId: id, KeySpec: 'AES_256' })));
  },

  'tags': async (peer, t) => {
    const kms = peer.admin(EAST);
    const id = (await kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'tenant', TagValue: 'acme' }] }))).KeyMetadata?.KeyId;
    await t.call('TagResource', () => kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'env', TagValue: 'prod' }] })));
    await t.call('TagResource with an aws: key', () => kms.send(new TagResourceCommand({ KeyId: id, Tags: [{ TagKey: 'aws:reserved', TagValue: 'x' }] })));
    await t.call('ListResourceTags', async () => ({ Tags: (await kms.send(new ListResourceTagsCommand({ KeyId: id }))).Tags?.sort((x, y) => (x.TagKey ?? '').localeCompare(y.TagKey ?? '')) }));
  },
};
