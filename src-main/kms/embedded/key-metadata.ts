import { KmsError } from './errors';
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

/**
 * Paging for List* operations. The opaque marker names the last item returned (its id and its
 * position): the next page starts right after that item even if items were added before it
 * meanwhile; if that item is gone, the position is the fallback.
 */
export function page<T>(items: readonly T[], limit: number | undefined, marker: string | undefined, idOf: (item: T) => string): { items: T[]; truncated: boolean; nextMarker: string | undefined } {
  let start = 0;
  if (marker !== undefined) {
    const match = /^(\d+):(.+)$/s.exec(Buffer.from(marker, 'base64url').toString());
    if (!match) throw new KmsError('InvalidMarkerException', 'The marker is not valid for this request: pass the NextMarker of the previous response unchanged.');
    const found = items.findIndex((item) => idOf(item) === match[2]);
    start = found >= 0 ? found + 1 : Math.min(Number(match[1]), items.length);
  }
  const slice = items.slice(start, start + (limit ?? 100));
  const end = start + slice.length;
  const truncated = end < items.length;
  const last = slice[slice.length - 1];
  return { items: slice, truncated, nextMarker: truncated && last !== undefined ? Buffer.from(`${end}:${idOf(last)}`).toString('base64url') : undefined };
}
