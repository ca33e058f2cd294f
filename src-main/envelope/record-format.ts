import { needs } from '../common/needs';
import { RecordFormatError } from './envelope-errors';

/**
 * The binary format of a sealed record (AES-256-GCM), version 1:
 *
 *   offset   size  field
 *   0        3     magic "KDR" (0x4B 0x44 0x52)
 *   3        1     format version (0x01)
 *   4        16    key reference: key id (a database key's id, or a snapshot id), UUID bytes
 *   20       4     key reference: key version, unsigned 32-bit big-endian
 *   24       12    AES-GCM nonce, random per record
 *   36       n     AES-256-GCM ciphertext (n = plaintext length)
 *   36 + n   16    AES-GCM authentication tag
 *
 * AAD = bytes 0..35 (the whole header) followed by the UTF-8 record id. The header is fixed-size, so
 * the record id needs no length prefix. Binding the id means a record copied over another record's
 * slot fails to decrypt; binding the header means the key reference cannot be edited to point the
 * reader at another key version.
 *
 * The key reference names the key, never contains it; a reader that does not hold that key
 * version says so (UnknownRecordKeyError) rather than failing authentication.
 */
export const RECORD_MAGIC = Buffer.from('KDR', 'latin1');
export const RECORD_VERSION = 0x01;
export const KEY_ID_OFFSET = 4;
export const KEY_VERSION_OFFSET = 20;
export const NONCE_OFFSET = 24;
export const NONCE_LENGTH = 12;
export const RECORD_HEADER_LENGTH = 36;
export const TAG_LENGTH = 16;
export const RECORD_OVERHEAD = RECORD_HEADER_LENGTH + TAG_LENGTH;
/** Record ids are bounded so the AAD stays small; 1 KiB of UTF-8 is generous for any key scheme. */
export const MAX_RECORD_ID_BYTES = 1024;

/** Which key sealed a record: a key id (UUID) and a version. */
export interface KeyRef {
  readonly keyId: string;
  readonly version: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A key reference as text for messages: `<key id> v<version>`. */
export function keyRefLabel(ref: KeyRef): string {
  return `${ref.keyId} v${ref.version}`;
}

/**
 * The first 24 bytes of every record sealed with `ref`: magic, version and key reference. Built
 * once per batch; the nonce follows per record.
 */
export function recordPrefix(ref: KeyRef): Buffer {
  needs(UUID.test(ref.keyId), 'A record key id is a lower-case UUID.');
  needs(Number.isInteger(ref.version) && ref.version >= 0 && ref.version <= 0xffff_ffff, 'A record key version is an unsigned 32-bit integer.');
  const prefix = Buffer.alloc(NONCE_OFFSET);
  RECORD_MAGIC.copy(prefix, 0);
  prefix[3] = RECORD_VERSION;
  Buffer.from(ref.keyId.replaceAll('-', ''), 'hex').copy(prefix, KEY_ID_OFFSET);
  prefix.writeUInt32BE(ref.version, KEY_VERSION_OFFSET);
  return prefix;
}

/** Reads and checks a record's header; throws RecordFormatError for anything but a version-1 record. */
export function readKeyRef(sealed: Uint8Array, recordId: string): KeyRef {
  if (sealed.length < RECORD_OVERHEAD) {
    throw new RecordFormatError(`Record '${recordId}' is ${sealed.length} bytes, shorter than the ${RECORD_OVERHEAD}-byte header and tag of any sealed record.`);
  }
  if (sealed[0] !== RECORD_MAGIC[0] || sealed[1] !== RECORD_MAGIC[1] || sealed[2] !== RECORD_MAGIC[2]) {
    throw new RecordFormatError(`Record '${recordId}' is not a KeyDrill sealed record: it does not start with the magic bytes "KDR".`);
  }
  if (sealed[3] !== RECORD_VERSION) {
    throw new RecordFormatError(`Record '${recordId}' uses record format version ${sealed[3]}; this build reads version ${RECORD_VERSION}.`);
  }
  const view = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const hex = view.toString('hex', KEY_ID_OFFSET, KEY_VERSION_OFFSET);
  const keyId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { keyId, version: view.readUInt32BE(KEY_VERSION_OFFSET) };
}

/** Checks a record id against the size bound without encoding it. */
export function checkRecordId(recordId: string): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8, so short ids need no measuring.
  needs(recordId.length > 0 && (recordId.length <= 341 || Buffer.byteLength(recordId, 'utf8') <= MAX_RECORD_ID_BYTES), 'A record id is 1 to 1024 bytes of UTF-8.');
}

/** UTF-8 bytes of a record id, checked against the size bound. */
export function recordIdBytes(recordId: string): Buffer {
  checkRecordId(recordId);
  return Buffer.from(recordId, 'utf8');
}
