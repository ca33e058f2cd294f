/**
 * The embedded KMS's state. Records are immutable values: a change replaces the record, which
 * keeps undo (on a failed SQLite write) and reasoning about concurrent readers simple.
 */
export type KeyState = 'Enabled' | 'Disabled' | 'PendingDeletion' | 'PendingReplicaDeletion';

export interface KeyRecord {
  readonly keyId: string;
  readonly region: string;
  readonly account: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly description: string;
  readonly state: KeyState;
  /** When a PendingDeletion key is really deleted. */
  readonly deletionDate: number | undefined;
  readonly pendingWindowDays: number | undefined;
  readonly multiRegion: boolean;
  readonly policy: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** One generation of key material. `id` is the API's KeyMaterialId (64 hex digits). */
export interface MaterialVersion {
  readonly id: string;
  readonly createdAt: number;
  /** How this material came to be: undefined for the key's original material. */
  readonly rotationType: 'AUTOMATIC' | 'ON_DEMAND' | undefined;
  readonly bytes: Buffer;
}

/**
 * What related keys share. A single-Region key is a family of one; a multi-Region key's primary
 * and replicas share one family, so rotating the primary reaches every replica at once and a
 * ciphertext from one region decrypts with the replica in another.
 */
export interface KeyFamily {
  readonly keyId: string;
  readonly primaryRegion: string;
  /** Oldest first; the last one is current. */
  readonly materials: readonly MaterialVersion[];
  readonly rotationEnabled: boolean;
  readonly rotationPeriodDays: number | undefined;
  /** The next automatic rotation is due at anchor + period: the anchor is when rotation was enabled or last happened. */
  readonly rotationAnchor: number | undefined;
  readonly onDemandRotations: number;
}

export interface AliasRecord {
  readonly region: string;
  readonly name: string;
  readonly targetKeyId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface GrantConstraints {
  readonly EncryptionContextEquals?: Readonly<Record<string, string>> | undefined;
  readonly EncryptionContextSubset?: Readonly<Record<string, string>> | undefined;
}

export interface GrantRecord {
  readonly grantId: string;
  readonly token: string;
  readonly region: string;
  readonly keyId: string;
  readonly name: string | undefined;
  readonly createdAt: number;
  readonly granteePrincipal: string;
  readonly retiringPrincipal: string | undefined;
  readonly issuingAccount: string;
  readonly operations: readonly string[];
  readonly constraints: GrantConstraints | undefined;
}

export const currentMaterial = (family: KeyFamily): MaterialVersion => {
  const last = family.materials[family.materials.length - 1];
  if (!last) throw new Error(`key ${family.keyId} has no key material`);
  return last;
};

export const nextRotationAt = (family: KeyFamily): number | undefined =>
  family.rotationEnabled && family.rotationAnchor !== undefined && family.rotationPeriodDays !== undefined
    ? family.rotationAnchor + family.rotationPeriodDays * 86_400_000
    : undefined;
