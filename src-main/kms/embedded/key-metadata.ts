import type { KmsCore } from './kms-core';
import type { KeyRecord } from './model';

/** Epoch seconds, the JSON 1.1 protocol's timestamp format. */
export const seconds = (ms: number): number => ms / 1000;

/** DescribeKey's KeyMetadata for a key, as AWS shapes it for a symmetric encryption key. */
export function keyMetadata(core: KmsCore, key: KeyRecord): Record<string, unknown> {
  const family = core.family(key);
  const material = family.materials[family.materials.length - 1];
  const meta: Record<string, unknown> = {
    AWSAccountId: key.account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: seconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.state,
    Origin: 'AWS_KMS',
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: key.multiRegion,
    CurrentKeyMaterialId: material?.id,
  };
  if (key.deletionDate !== undefined) meta.DeletionDate = seconds(key.deletionDate);
  if (key.pendingWindowDays !== undefined && key.state !== 'Enabled' && key.state !== 'Disabled') meta.PendingDeletionWindowInDays = key.pendingWindowDays;
  if (key.multiRegion) {
    const members = core.store.keysWithId(key.keyId);
    const primary = members.find((k) => k.region === family.primaryRegion);
    meta.MultiRegionConfiguration = {
      MultiRegionKeyType: key.region === family.primaryRegion ? 'PRIMARY' : 'REPLICA',
      PrimaryKey: primary ? { Arn: primary.arn, Region: primary.region } : undefined,
      ReplicaKeys: members.filter((k) => k.region !== family.primaryRegion).sort((a, b) => a.region.localeCompare(b.region)).map((k) => ({ Arn: k.arn, Region: k.region })),
    };
  }
  return meta;
}

/** The key policy AWS gives a key created without one: the account root, delegating to IAM. */
export function defaultKeyPolicy(account: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }],
    },
    null,
    2,
  );
}

/** Opaque list markers: the offset of the next item. */
export function page<T>(items: readonly T[], limit: number | undefined, marker: string | undefined, invalid: () => Error): { items: T[]; truncated: boolean; nextMarker: string | undefined } {
  let start = 0;
  if (marker !== undefined) {
    const decoded = Buffer.from(marker, 'base64url').toString();
    if (!/^o:\d+$/.test(decoded)) throw invalid();
    start = Number(decoded.slice(2));
  }
  const end = start + (limit ?? 100);
  const truncated = end < items.length;
  return { items: items.slice(start, end), truncated, nextMarker: truncated ? Buffer.from(`o:${end}`).toString('base64url') : undefined };
}
