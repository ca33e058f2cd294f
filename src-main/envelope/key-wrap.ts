import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EnvelopeError } from './envelope-errors';
import { KEY_BYTES, SecretKey } from './secret-key';

/**
 * Local wrapping of database keys by a node's master key, AES-256-GCM (no KMS call: Atlas's
 * per-database keys are "encrypted with the MongoDB Master Key" on the node).
 *
 *   offset  size  field
 *   0       1     wrap format version (0x01)
 *   1       12    nonce
 *   13      32    encrypted database key
 *   45      16    tag
 *
 * AAD = the JSON array of the binding below. It binds where the key belongs and which versions
 * are involved, so a wrapped key moved to another node, database or version slot, or kept after
 * a master-key rotation under the wrong master version, fails to unwrap instead of being misused.
 */
export interface DatabaseKeyBinding {
  tenant: string;
  cluster: string;
  node: string;
  database: string;
  databaseKeyId: string;
  version: number;
  masterKeyVersion: number;
}

const WRAP_VERSION = 0x01;
const NONCE = 12;
const TAG = 16;
/** Bytes of a wrapped database key: version, nonce, key, tag. */
export const WRAPPED_KEY_LENGTH = 1 + NONCE + KEY_BYTES + TAG;

function aad(b: DatabaseKeyBinding): Buffer {
  // An array, not an object: the order is fixed by this code, not by how the binding was built.
  return Buffer.from(JSON.stringify(['keydrill/database-key/1', b.tenant, b.cluster, b.node, b.database, b.databaseKeyId, b.version, b.masterKeyVersion]), 'utf8');
}

/** Wraps a database key with the master key, binding it to `binding` (AAD). */
export function wrapDatabaseKey(master: SecretKey, databaseKey: SecretKey, binding: DatabaseKeyBinding): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', master.keyObject(), nonce);
  cipher.setAAD(aad(binding));
  const body = databaseKey.withBytes((bytes) => cipher.update(bytes));
  cipher.final();
  return Buffer.concat([Buffer.of(WRAP_VERSION), nonce, body, cipher.getAuthTag()]);
}

/** Unwraps into a new SecretKey named `name`; a wrong master key or binding is a KEY_UNWRAP_FAILED error. */
export function unwrapDatabaseKey(master: SecretKey, wrapped: Uint8Array, binding: DatabaseKeyBinding, name: string): SecretKey {
  const where = `database key ${binding.database} v${binding.version} of node ${binding.node}`;
  if (wrapped.length !== WRAPPED_KEY_LENGTH || wrapped[0] !== WRAP_VERSION) {
    throw new EnvelopeError('KEY_UNWRAP_FAILED', `The stored ${where} is not a version-1 wrapped key of ${WRAPPED_KEY_LENGTH} bytes.`);
  }
  const decipher = createDecipheriv('aes-256-gcm', master.keyObject(), wrapped.subarray(1, 1 + NONCE));
  decipher.setAAD(aad(binding));
  decipher.setAuthTag(wrapped.subarray(1 + NONCE + KEY_BYTES));
  const plain = decipher.update(wrapped.subarray(1 + NONCE, 1 + NONCE + KEY_BYTES));
  try {
    decipher.final();
  } catch {
    plain.fill(0);
    throw new EnvelopeError(
      'KEY_UNWRAP_FAILED',
      `The ${where} did not unwrap under master key v${binding.masterKeyVersion}: it was altered, or it belongs to another node, database, version or master key.`,
    );
  }
  return SecretKey.adopt(name, plain);
}
