/**
 * Where LocalStack (localstack-core 2026.3.0) departs from AWS KMS, found by the differential suite.
 * The embedded KMS follows AWS in each case. docs/backends.md lists the same items for users; the
 * suite fails if a departure disappears or a new one appears, so this list and the docs stay true.
 */
export interface Departure {
  sequence: string;
  step: string;
  /** What AWS documents (and the embedded KMS does). */
  aws: string;
  /** What LocalStack does. */
  localstack: string;
}

export const LOCALSTACK_DEPARTURES: Departure[] = [
  { sequence: 'key lifecycle and key states', step: 'ScheduleKeyDeletion 7 days', aws: 'KeyId is the key ARN', localstack: 'KeyId is the bare key id' },
  { sequence: 'data keys, encryption and re-encryption', step: 'GenerateDataKey AES_256', aws: 'response carries KeyMaterialId', localstack: 'no KeyMaterialId' },
  { sequence: 'data keys, encryption and re-encryption', step: 'GenerateDataKey 16 bytes', aws: 'NumberOfBytes 16 gives a 16-byte key', localstack: 'NumberOfBytes is ignored: 32 bytes' },
  { sequence: 'data keys, encryption and re-encryption', step: 'GenerateDataKey with KeySpec and NumberOfBytes', aws: 'ValidationException: specify one of them', localstack: 'accepted' },
  { sequence: 'data keys, encryption and re-encryption', step: 'GenerateDataKeyWithoutPlaintext', aws: 'response carries KeyMaterialId', localstack: 'no KeyMaterialId' },
  { sequence: 'data keys, encryption and re-encryption', step: 'Decrypt with the right context', aws: 'response carries EncryptionAlgorithm and KeyMaterialId', localstack: 'neither' },
  { sequence: 'data keys, encryption and re-encryption', step: 'ReEncrypt to another key', aws: 'ciphertext under the destination key', localstack: 'InternalError' },
  { sequence: 'data keys, encryption and re-encryption', step: 'Decrypt the re-encrypted key', aws: 'the data key', localstack: 'InvalidCiphertextException (nothing was re-encrypted)' },
  { sequence: 'encryption context encoding', step: 'Decrypt {"ab":"c"} ciphertext with {"a":"bc"}', aws: 'InvalidCiphertextException: a different context', localstack: 'decrypts: the context is encoded ambiguously' },
  { sequence: 'encryption context encoding', step: 'Decrypt with the same pairs in another order', aws: 'response carries EncryptionAlgorithm and KeyMaterialId', localstack: 'neither' },
  { sequence: 'aliases', step: 'Encrypt through the alias', aws: 'response carries EncryptionAlgorithm', localstack: 'no EncryptionAlgorithm' },
  { sequence: 'aliases', step: 'ListAliases for the key', aws: 'LastUpdatedDate and Truncated', localstack: 'neither' },
  { sequence: 'key rotation', step: 'EnableKeyRotation 89 days', aws: 'ValidationException: RotationPeriodInDays is 90 to 2560', localstack: 'accepted' },
  { sequence: 'key rotation', step: 'ListKeyRotations', aws: 'the rotations', localstack: 'InternalFailure: not emulated' },
  { sequence: 'key rotation', step: 'Decrypt a ciphertext from before the rotation', aws: 'response carries EncryptionAlgorithm and KeyMaterialId', localstack: 'neither' },
  { sequence: 'multi-Region keys', step: 'Decrypt in the replica region', aws: 'response carries EncryptionAlgorithm and KeyMaterialId', localstack: 'neither' },
  { sequence: 'multi-Region keys', step: 'Decrypt in the replica region after the primary rotated', aws: 'decrypts: replicas share the new material', localstack: 'InvalidCiphertextException: the replica kept the old material' },
  { sequence: 'multi-Region keys', step: 'UpdatePrimaryRegion', aws: 'the replica becomes primary', localstack: 'InternalFailure: not emulated' },
  { sequence: 'key policies and grants', step: 'GenerateDataKey by a principal the policy does not name', aws: 'AccessDeniedException', localstack: 'allowed: key policies are not enforced' },
  { sequence: 'key policies and grants', step: 'CreateGrant for that principal', aws: 'GrantId is 64 hex digits', localstack: 'GrantId is a UUID' },
  { sequence: 'key policies and grants', step: 'GenerateDataKey under the grant', aws: 'response carries KeyMaterialId', localstack: 'no KeyMaterialId' },
  { sequence: 'key policies and grants', step: 'Encrypt, which the grant does not cover', aws: 'AccessDeniedException', localstack: 'allowed: grants are not enforced' },
  { sequence: 'key policies and grants', step: 'GenerateDataKey after the grant was revoked', aws: 'AccessDeniedException', localstack: 'allowed: grants are not enforced' },
];
