import { createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { needs } from '../common/needs';

/** Every key of the hierarchy is AES-256: 32 bytes. */
export const KEY_BYTES = 32;

let nextHandle = 1;

/**
 * A plaintext 256-bit key held by the envelope core: master keys, database keys, snapshot keys.
 *
 * The bytes live in a private field of a frozen object, so nothing outside this class reaches them
 * and `JSON.stringify`, `util.inspect`, template strings and structured logs show only the key's
 * name. The core encrypts through a `KeyObject` (faster, and transferable to the record workers);
 * Node keeps that copy in native memory, out of reach of JavaScript (it cannot be zeroed on
 * demand; it is released when the KeyObject is collected). `destroy()` zeroes our own copy and
 * drops the KeyObject, as the cache does on eviction.
 */
export class SecretKey {
  /** A name for logs and events, e.g. `n1/master/v2`: ids and versions only, never bytes. */
  readonly name: string;
  /** Process-unique number the record workers use to refer to this key. */
  readonly handle: number;
  #bytes: Buffer | undefined;
  #object: KeyObject | undefined;

  private constructor(name: string, bytes: Buffer) {
    needs(bytes.length === KEY_BYTES, 'A secret key is exactly 32 bytes.');
    this.name = name;
    this.handle = nextHandle++;
    this.#bytes = bytes;
    this.#object = createSecretKey(bytes);
    Object.freeze(this);
  }

  /** Takes key bytes handed over by KMS or an unwrap: copies them in and zeroes the source. */
  static adopt(name: string, source: Uint8Array): SecretKey {
    const own = Buffer.alloc(source.length);
    own.set(source);
    source.fill(0);
    return new SecretKey(name, own);
  }

  /** A fresh random key (database keys are made locally). */
  static random(name: string): SecretKey {
    return new SecretKey(name, randomFillSync(Buffer.alloc(KEY_BYTES)));
  }

  get destroyed(): boolean {
    return this.#bytes === undefined;
  }

  /** For the core's AES-GCM calls only; never hand it outside src-main/envelope. */
  keyObject(): KeyObject {
    needs(this.#object !== undefined, 'A key is used only before it is destroyed.');
    return this.#object;
  }

  /** Lends the raw bytes to `use` (key wrapping needs them as a plaintext); the view is not kept. */
  withBytes<T>(use: (bytes: Uint8Array) => T): T {
    needs(this.#bytes !== undefined, 'A key is used only before it is destroyed.');
    return use(this.#bytes);
  }

  /** Zeroes the bytes and drops the KeyObject; using the key afterwards is an invariant failure. */
  destroy(): void {
    this.#bytes?.fill(0);
    this.#bytes = undefined;
    this.#object = undefined;
  }

  toJSON(): { key: string; material: 'redacted' } {
    return { key: this.name, material: 'redacted' };
  }

  toString(): string {
    return `SecretKey(${this.name})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
