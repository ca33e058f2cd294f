import { z } from 'zod';
import { EnvelopeError } from './envelope-errors';

/**
 * What the envelope core persists for one tenant's cluster, so a drill can stop everything and
 * restart nodes from stored state: wrapped keys (KMS ciphertext blobs, locally wrapped database
 * keys), ids, versions, regions, and which CMK and key material each wrapped key depends on.
 * Never plaintext: a node rebuilds its keys by asking KMS to Decrypt its wrapped master key.
 */
const base64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64');
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'expected a lower-case UUID');
const id = z.string().min(1).max(128);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS Region name');
const version = z.number().int().min(1).max(0xffff_ffff);
const context = z.record(z.string(), z.string());
const arn = z.string().startsWith('arn:');

/** The tenant's CMK as the cluster knows it (from DescribeKey). */
export const cmkStateSchema = z.object({
  /** The ARN given at setup (primary Region for a multi-Region key). */
  keyArn: arn,
  keyId: z.string().min(1),
  /** The Region of `keyArn`. */
  region,
  multiRegion: z.boolean(),
  /** Every Region holding this key: the primary first, then replicas, as DescribeKey reported them. */
  regions: z.array(region).min(1),
  currentKeyMaterialId: z.string().optional(),
});

/** A node's master key as KMS wrapped it: the ciphertext blob, its context, and the CMK and material it needs. */
export const wrappedMasterKeySchema = z.object({
  version,
  ciphertextBlob: base64,
  /** The CMK (as KMS named it in the answer) and the key material that wrap this master key. */
  cmkArn: arn,
  keyMaterialId: z.string().optional(),
  encryptionContext: context,
  createdAt: z.number(),
  /**
   * Set when the node was pointed at a CMK that did not wrap this master key (a CMK replaced without
   * re-wrap): `cmkArn` is then the ARN the node calls KMS with, and this the CMK and material that
   * did wrap the ciphertext.
   */
  wrappedUnder: z.object({ cmkArn: arn, keyMaterialId: z.string().optional() }).optional(),
});

/** One version of a database key, wrapped locally by master key `masterKeyVersion`. */
export const databaseKeyStateSchema = z.object({
  version,
  wrappedKey: base64,
  masterKeyVersion: version,
  createdAt: z.number(),
});

/** A database of a node and every version of its key. */
export const databaseStateSchema = z.object({
  name: id,
  /** The key id in every record's key reference. */
  keyId: uuid,
  currentVersion: version,
  keys: z.array(databaseKeyStateSchema).min(1),
});

/** A node: its KMS Region, wrapped master key and databases. */
export const nodeStateSchema = z.object({
  node: id,
  /** The KMS Region this node calls now (changes on failover). */
  region,
  masterKey: wrappedMasterKeySchema,
  databases: z.array(databaseStateSchema),
});

/** A snapshot's data key as KMS wrapped it, under the CMK current when it was taken; never re-wrapped. */
export const snapshotStateSchema = z.object({
  id: uuid,
  node: id,
  database: id,
  takenAt: z.number(),
  records: z.number().int().min(0),
  region,
  cmkArn: arn,
  keyMaterialId: z.string().optional(),
  ciphertextBlob: base64,
  encryptionContext: context,
});

/** How nodes move to another KMS Region when theirs is unreachable. */
export const failoverSchema = z.object({
  mode: z.enum(['manual', 'automatic']),
  /** Regions to try, in order, when a node's Region is unreachable (automatic mode). */
  regions: z.array(region),
});

/** Everything persisted for one tenant's cluster (format keydrill.envelope/1). */
export const clusterStateSchema = z.object({
  format: z.literal('keydrill.envelope/1'),
  tenant: id,
  cluster: id,
  cmk: cmkStateSchema,
  failover: failoverSchema,
  nodes: z.array(nodeStateSchema),
  snapshots: z.array(snapshotStateSchema),
});

export type CmkState = z.infer<typeof cmkStateSchema>;
export type WrappedMasterKey = z.infer<typeof wrappedMasterKeySchema>;
export type DatabaseKeyState = z.infer<typeof databaseKeyStateSchema>;
export type DatabaseState = z.infer<typeof databaseStateSchema>;
export type NodeState = z.infer<typeof nodeStateSchema>;
export type SnapshotState = z.infer<typeof snapshotStateSchema>;
export type FailoverConfig = z.infer<typeof failoverSchema>;
export type ClusterState = z.infer<typeof clusterStateSchema>;

/** Parses stored state; a malformed document is a STATE_INVALID error naming the first bad paths. */
export function parseClusterState(input: unknown): ClusterState {
  const parsed = clusterStateSchema.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new EnvelopeError('STATE_INVALID', `The stored envelope state is not valid: ${where}`);
  }
  return parsed.data;
}

/** A deep copy frozen all the way down: what the core hands out, so callers cannot edit its state. */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Base64 of bytes, for the stored state. */
export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
/** Bytes of stored base64. */
export const fromBase64 = (text: string): Buffer => Buffer.from(text, 'base64');
