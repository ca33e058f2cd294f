import { SnapshotUnrecoverableError, UnknownRecordKeyError } from './envelope-errors';
import type { EnvelopeNode } from './envelope-node';
import { fromBase64, toBase64, type SnapshotState } from './hierarchy-state';
import { KmsCallError } from './kms-port';
import type { NodeContext } from './node-context';
import type { SealedRecord } from './record-cipher-pool';
import { keyRefLabel, readKeyRef } from './record-format';
import { SecretKey } from './secret-key';

/** Snapshot data keys are a single version: the key id is the snapshot id. */
const SNAPSHOT_KEY_VERSION = 1;

/**
 * Takes a snapshot of records of one database on a running node (seeds/001: Atlas encrypts
 * snapshots with "the project's CMK ... at the time of the snapshot"): a data key from
 * GenerateDataKey under the cluster's current CMK, which is never re-wrapped afterwards. The
 * records are opened with the node's database keys and sealed with the snapshot key. The returned
 * state records the CMK ARN and key material the snapshot depends on.
 */
export async function takeSnapshot(ctx: NodeContext, node: EnvelopeNode, database: string, records: readonly SealedRecord[]): Promise<{ snapshot: SnapshotState; records: SealedRecord[] }> {
  node.databaseState(database);
  const plain = await node.decryptRecords(records);
  try {
    const id = ctx.ids.uuid();
    const context = { ...ctx.encryptionContext(node.id), snapshot: id };
    const cmk = ctx.cmk();
    const { result, region } = await ctx.router.run(cmk.keyArn, node.region, (r, keyId) =>
      ctx.observe(node.id, 'GenerateDataKey', r, () => ctx.kmsFor(node.id).generateDataKey({ region: r, keyId, encryptionContext: context })),
    );
    const key = SecretKey.adopt(`snapshot/${id}`, result.plaintext);
    try {
      const sealed = await ctx.pool.seal(key, { keyId: id, version: SNAPSHOT_KEY_VERSION }, records.map((r, i) => ({ recordId: r.recordId, plaintext: plain[i] as Uint8Array })));
      const snapshot: SnapshotState = {
        id,
        node: node.id,
        database,
        takenAt: ctx.clock.now(),
        records: records.length,
        region,
        cmkArn: result.keyArn,
        keyMaterialId: result.keyMaterialId,
        ciphertextBlob: toBase64(result.ciphertextBlob),
        encryptionContext: context,
      };
      ctx.events.emit('snapshot-taken', { snapshot: id, node: node.id, database, cmkArn: result.keyArn, keyMaterialId: result.keyMaterialId });
      return { snapshot, records: records.map((r, i) => ({ recordId: r.recordId, sealed: sealed[i] as Uint8Array })) };
    } finally {
      key.destroy();
    }
  } finally {
    for (const p of plain) p.fill(0);
  }
}

/**
 * Restores a snapshot's records: KMS Decrypt of its data key under the CMK it was taken with.
 * When KMS will not, the error says why and whether the data is lost for good (the CMK was
 * deleted) or can come back (re-enable the key, cancel its deletion, restore access).
 */
export async function restoreSnapshot(ctx: NodeContext, snapshot: SnapshotState, records: readonly SealedRecord[]): Promise<Uint8Array[]> {
  for (const r of records) {
    const ref = readKeyRef(r.sealed, r.recordId);
    if (ref.keyId !== snapshot.id) throw new UnknownRecordKeyError(`Record '${r.recordId}' was sealed with key ${keyRefLabel(ref)}, not with the key of snapshot ${snapshot.id}.`);
  }
  let plaintext: Uint8Array;
  try {
    ({ result: { plaintext } } = await ctx.router.run(snapshot.cmkArn, snapshot.region, (r, keyId) =>
      ctx.observe(undefined, 'Decrypt', r, () => ctx.kms.decrypt({ region: r, ciphertextBlob: fromBase64(snapshot.ciphertextBlob), encryptionContext: snapshot.encryptionContext, keyId })),
    ));
  } catch (err) {
    throw await explain(ctx, snapshot, err);
  }
  const key = SecretKey.adopt(`snapshot/${snapshot.id}`, plaintext);
  try {
    return await ctx.pool.open(key, records);
  } finally {
    ctx.pool.forget(key);
    key.destroy();
  }
}

async function explain(ctx: NodeContext, snapshot: SnapshotState, err: unknown): Promise<unknown> {
  const kms = err instanceof KmsCallError ? err : (err as { cause?: unknown })?.cause;
  if (!(kms instanceof KmsCallError)) return err;
  const what = `Snapshot ${snapshot.id} (node ${snapshot.node}, database ${snapshot.database}, taken ${new Date(snapshot.takenAt).toISOString()}) cannot be restored: its data key is wrapped under ${snapshot.cmkArn}${snapshot.keyMaterialId ? ` (key material ${snapshot.keyMaterialId})` : ''}`;
  if (kms.unreachable) return new SnapshotUnrecoverableError(`${what}, and KMS in ${kms.region} is unreachable (${kms.code}).`, 'unreachable', false, kms);
  let state: string | undefined;
  try {
    state = (await ctx.observe(undefined, 'DescribeKey', snapshot.region, () => ctx.kms.describeKey({ region: snapshot.region, keyId: snapshot.cmkArn }))).keyState;
  } catch (describeErr) {
    if (describeErr instanceof KmsCallError && describeErr.code === 'NotFoundException') state = 'Deleted';
  }
  if (state === 'Deleted') {
    return new SnapshotUnrecoverableError(`${what}, and that KMS key has been deleted. Snapshot keys are never re-wrapped, so the data in this snapshot is lost.`, 'key-deleted', true, kms);
  }
  if (state === 'PendingDeletion' || state === 'PendingReplicaDeletion') {
    return new SnapshotUnrecoverableError(`${what}, which is pending deletion (KMS: ${kms.code}). Cancel the deletion (CancelKeyDeletion) and enable the key to restore it; once the key is deleted the snapshot is lost.`, 'key-pending-deletion', false, kms);
  }
  if (state === 'Disabled' || kms.code === 'DisabledException') {
    return new SnapshotUnrecoverableError(`${what}, which is disabled (KMS: ${kms.code}). Enable the key to restore the snapshot.`, 'key-disabled', false, kms);
  }
  if (kms.code === 'AccessDeniedException') {
    return new SnapshotUnrecoverableError(`${what}, and KMS denies this service access to it (AccessDeniedException). Restore the key policy or grant to restore the snapshot.`, 'access-denied', false, kms);
  }
  return new SnapshotUnrecoverableError(`${what}, and KMS refused: ${kms.message}`, 'kms-refused', false, kms);
}
