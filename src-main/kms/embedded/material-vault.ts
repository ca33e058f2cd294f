import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Key material at rest is encrypted under a local root key, so the SQLite file alone reveals no
 * key. The root key lives in `root.key` beside the database, created with mode 0600; without a data
 * folder (an in-memory KMS) the root key is random and lives only in memory.
 */
export class MaterialVault {
  private constructor(private readonly rootKey: Buffer) {}

  static ephemeral(): MaterialVault {
    return new MaterialVault(randomBytes(32));
  }

  static openOrCreate(dataDir: string): MaterialVault {
    const file = join(dataDir, 'root.key');
    if (existsSync(file)) {
      const mode = statSync(file).mode & 0o777;
      if (mode & 0o077) chmodSync(file, 0o600); // tighten a copy that lost its mode
      const key = readFileSync(file);
      if (key.length !== 32) throw new Error(`${file} is not a KeyDrill root key (expected 32 bytes, found ${key.length})`);
      return new MaterialVault(key);
    }
    const key = randomBytes(32);
    writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
    return new MaterialVault(key);
  }

  /** Wraps material; `label` (key id + material id) is bound as AAD so rows cannot be swapped. */
  wrap(material: Buffer, label: string): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.rootKey, nonce);
    cipher.setAAD(Buffer.from(label));
    const body = Buffer.concat([cipher.update(material), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  unwrap(wrapped: Buffer, label: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.rootKey, wrapped.subarray(0, 12));
    decipher.setAAD(Buffer.from(label));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    try {
      return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    } catch {
      throw new Error(`Key material for ${label} does not decrypt with this data folder's root.key (wrong or replaced root key?)`);
    }
  }
}
