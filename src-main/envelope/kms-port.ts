/**
 * The narrow port through which the envelope core reaches a KMS: five calls and nothing else.
 * Implemented over @aws-sdk/client-kms (sdk-kms-port.ts) for every backend, so the core never knows
 * whether it talks to the embedded KMS, LocalStack or AWS. Byte arrays in results are the caller's:
 * the core copies plaintext keys out and zeroes what it was handed.
 */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface KmsPort {
  generateDataKey(req: { region: string; keyId: string; encryptionContext: EncryptionContext; numberOfBytes?: number }): Promise<{
    plaintext: Uint8Array;
    ciphertextBlob: Uint8Array;
    keyArn: string;
    keyMaterialId: string | undefined;
  }>;
  decrypt(req: { region: string; ciphertextBlob: Uint8Array; encryptionContext: EncryptionContext; keyId?: string }): Promise<{
    plaintext: Uint8Array;
    keyArn: string;
    keyMaterialId: string | undefined;
  }>;
  reEncrypt(req: {
    region: string;
    ciphertextBlob: Uint8Array;
    sourceEncryptionContext: EncryptionContext;
    sourceKeyId?: string;
    destinationKeyId: string;
    destinationEncryptionContext: EncryptionContext;
  }): Promise<{
    ciphertextBlob: Uint8Array;
    keyArn: string;
    sourceKeyArn: string;
    /** The destination key's material that now wraps the data (KMS's DestinationKeyMaterialId). */
    keyMaterialId: string | undefined;
  }>;
  encrypt(req: { region: string; keyId: string; plaintext: Uint8Array; encryptionContext: EncryptionContext }): Promise<{ ciphertextBlob: Uint8Array; keyArn: string }>;
  describeKey(req: { region: string; keyId: string }): Promise<KeyDescription>;
}

export interface KeyDescription {
  keyId: string;
  keyArn: string;
  keyState: string;
  multiRegion: boolean;
  /** For a multi-Region key: the primary's region and the regions of its replicas. */
  primaryRegion: string | undefined;
  replicaRegions: string[];
  currentKeyMaterialId: string | undefined;
}

/**
 * A KMS call that failed, as the core sees it: which call, in which region, and the KMS error name
 * (DisabledException, AccessDeniedException, ...) or a connection failure. Never carries key bytes.
 */
export class KmsCallError extends Error {
  override name = 'KmsCallError';
  constructor(
    readonly operation: string,
    readonly region: string,
    /** The KMS error name, or 'NetworkingError' / 'TimeoutError' when the region was unreachable. */
    readonly code: string,
    message: string,
  ) {
    super(`${operation} in ${region} failed: ${code}: ${message}`);
  }

  /** True when the KMS could not be reached at all (outage), as opposed to a KMS refusal. */
  get unreachable(): boolean {
    return this.code === 'NetworkingError' || this.code === 'TimeoutError' || this.code === 'ECONNREFUSED';
  }
}
