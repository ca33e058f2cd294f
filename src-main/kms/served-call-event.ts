import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { randomIds } from '../common/id-source';
import { buildKmsEvent } from './cloudtrail-event';
import { cloudTrailIdentity, embeddedCiphertextInfo } from './embedded-backend';
import type { ServedCall } from './embedded/embedded-kms';

/**
 * The CloudTrail record of a call `keydrill kms serve` answered for a client of its own (the AWS CLI,
 * an SDK, the user's application), as AWS KMS writes one for every call, refusals included. A drill
 * writes its calls on the client, where it knows its clock and its nodes' network paths; a standalone
 * server knows what came off the wire, and that every client is on this machine (it listens on
 * 127.0.0.1 only).
 *
 * The request and the answer are as they travel, blobs in base64: those are read back into bytes
 * first, so the record keeps none of them (cloudtrail-event.ts drops bytes before anything is kept)
 * and a ciphertext still names the key material it was made with.
 */
export function servedCallRecord(call: ServedCall, sessionsCreatedAt: number): CloudTrailRecord {
  return buildKmsEvent({
    operation: call.operation,
    region: call.region,
    input: asDates(asBytes(call.input)),
    output: call.output && asDates(asBytes(call.output)),
    error: call.error,
    identity: cloudTrailIdentity(call.identity, sessionsCreatedAt),
    account: call.identity.account,
    at: call.at,
    requestId: call.requestId,
    transport: { userAgent: call.userAgent, tls: undefined },
    userAgent: 'unknown',
    sourceIPAddress: '127.0.0.1',
    ids: randomIds,
    ciphertextInfo: embeddedCiphertextInfo,
  });
}

/**
 * The members of KMS requests and answers that are timestamps: epoch seconds on the wire, Dates as
 * the SDK reads them — and a record writes a Date as AWS does ("Aug 10, 2022, 10:38:27 PM"), where
 * a number would be kept as the number.
 */
const TIMESTAMP_MEMBERS: ReadonlySet<string> = new Set([
  'CreationDate', 'DeletionDate', 'ValidTo', 'NextRotationDate', 'RotationDate', 'OnDemandRotationStartDate', 'LastUpdatedDate', 'ParametersValidTo',
]);

/** The request or answer with its timestamps as Dates, at any depth (KeyMetadata, ReplicaKeyMetadata, Aliases[]…). */
function asDates<T>(value: T): T {
  if (Array.isArray(value)) return value.map(asDates) as T;
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return value;
  const out: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    out[name] = TIMESTAMP_MEMBERS.has(name) && typeof member === 'number' ? new Date(member * 1000) : asDates(member);
  }
  return out as T;
}

/** The members of KMS requests and answers that are blobs (base64 on the wire). */
const BLOB_MEMBERS = ['CiphertextBlob', 'Plaintext', 'Message', 'Signature', 'Mac', 'PublicKey', 'KeyMaterial', 'ImportToken', 'PrivateKeyCiphertextBlob', 'PrivateKeyPlaintext', 'CiphertextForRecipient'];

function asBytes(members: Record<string, unknown>): Record<string, unknown> {
  const out = { ...members };
  for (const name of BLOB_MEMBERS) {
    const value = out[name];
    // Bytes either way: a malformed blob is no more kept than a well-formed one.
    if (value !== undefined) out[name] = typeof value === 'string' ? Buffer.from(value, 'base64') : new Uint8Array(0);
  }
  return out;
}
