import { createCipheriv, createDecipheriv } from 'node:crypto';
import { encodeEncryptionContext, type EncryptionContext } from './encryption-context';
import { pooledRandomBytes } from './random-pool';

/**
 * The ciphertext blob the embedded KMS hands out for symmetric keys. It names the key and the
 * key-material version that made it, so Decrypt needs no KeyId and an old ciphertext still decrypts
 * after rotation. Header and encryption context are both authenticated: changing a byte of either,
 * or presenting another context, fails with InvalidCiphertextException.
 *
 *   offset  size  field
 *   0       1     format version (0x01)
 *   1       36    key id, ASCII (a UUID or "mrk-" + 32 hex digits; both are 36 characters)
 *   37      32    key material id (binary; its hex form is the API's KeyMaterialId)
 *   69      12    AES-GCM nonce
 *   81      16    AES-GCM tag
 *   97      n     AES-256-GCM ciphertext of the plaintext
 *
 * AAD = bytes 0..68 (the header) followed by the encoded encryption context.
 */
export const BLOB_VERSION = 0x01;
const KEY_ID_LEN = 36;
const MATERIAL_ID_LEN = 32;
const HEADER_LEN = 1 + KEY_ID_LEN + MATERIAL_ID_LEN;
const NONCE_LEN = 12;
const TAG_LEN = 16;
export const BLOB_OVERHEAD = HEADER_LEN + NONCE_LEN + TAG_LEN;

export interface BlobHeader {
  keyId: string;
  materialId: string; // 64 hex digits
}

export function sealBlob(header: BlobHeader, material: Buffer, plaintext: Buffer, context: EncryptionContext | undefined): Buffer {
  const head = encodeHeader(header);
  const nonce = pooledRandomBytes(NONCE_LEN);
  const cipher = createCipheriv('aes-256-gcm', material, nonce);
  cipher.setAAD(Buffer.concat([head, encodeEncryptionContext(context)]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, nonce, cipher.getAuthTag(), body]);
}

/** Reads the header without decrypting; undefined when the bytes cannot be one of our blobs. */
export function readBlobHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < BLOB_OVERHEAD || blob[0] !== BLOB_VERSION) return undefined;
  const keyId = blob.subarray(1, 1 + KEY_ID_LEN).toString('latin1');
  if (!/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/.test(keyId)) return undefined;
  return { keyId, materialId: blob.subarray(1 + KEY_ID_LEN, HEADER_LEN).toString('hex') };
}

/** Returns the plaintext, or undefined when authentication fails (tampering or a wrong context). */
export function openBlob(blob: Buffer, material: Buffer, context: EncryptionContext | undefined): Buffer | undefined {
  const nonce = blob.subarray(HEADER_LEN, HEADER_LEN + NONCE_LEN);
  const tag = blob.subarray(HEADER_LEN + NONCE_LEN, BLOB_OVERHEAD);
  const decipher = createDecipheriv('aes-256-gcm', material, nonce);
  decipher.setAAD(Buffer.concat([blob.subarray(0, HEADER_LEN), encodeEncryptionContext(context)]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(BLOB_OVERHEAD)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function encodeHeader(header: BlobHeader): Buffer {
  const head = Buffer.alloc(HEADER_LEN);
  head[0] = BLOB_VERSION;
  head.write(header.keyId, 1, KEY_ID_LEN, 'latin1');
  Buffer.from(header.materialId, 'hex').copy(head, 1 + KEY_ID_LEN);
  return head;
}
