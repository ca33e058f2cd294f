import { EnvelopeError } from './envelope-errors';
import type { EnvelopeNode, MasterKeyRotation } from './envelope-node';
import { fromBase64, toBase64, type CmkState, type SnapshotState } from './hierarchy-state';
import { KmsCallError } from './kms-port';
import { keyIdOfArn, regionalArn } from './kms-region-router';
import type { NodeContext } from './node-context';
import { counted } from '../../src-shared/count';

/** What a CMK replacement did, and what still depends on the old key. */
export interface CmkReplacementReport {
  from: string;
  to: string;
  /** Nodes whose wrapped master key was re-encrypted under the new CMK now. */
  rewrapped: string[];
  /** Nodes already on the new CMK (a retried replacement). */
  alreadyOnNewKey: string[];
  /** Snapshots never re-wrapped, still needing the old CMK: delete it only after they expire. */
  snapshotsNeedingOldKey: SnapshotState[];
}

/** What a rolling master-key rotation did, node by node. */
export interface RollingRotationReport {
  rotated: MasterKeyRotation[];
  /** Nodes not running, which keep their master key until they run and rotate. */
  skipped: { node: string; status: string }[];
}

/** True when `keyArn` names the key `cmk` describes (in any of its Regions). */
export function sameKey(keyArn: string, cmk: CmkState): boolean {
  return keyIdOfArn(keyArn) === cmk.keyId;
}

/**
 * Replaces the CMK by another key ARN (seeds/001 "create a new key and update the CMK ID";
 * seeds/003: data under an ARN that is gone is lost): every node's wrapped master key is
 * re-encrypted with KMS ReEncrypt — inside KMS, so the master key's plaintext never changes and
 * running nodes keep their caches, and stopped nodes are moved as well. Snapshots are not
 * re-wrapped; the report lists those that still need the old key.
 *
 * If some nodes fail, the others stay moved (each wrapped key records its own CMK), the cluster
 * keeps the old CMK as current, and the error lists what is left; calling again finishes the job.
 */
export async function replaceCmk(ctx: NodeContext, nodes: readonly EnvelopeNode[], snapshots: readonly SnapshotState[], from: CmkState, to: CmkState): Promise<CmkReplacementReport> {
  const report: CmkReplacementReport = { from: from.keyArn, to: to.keyArn, rewrapped: [], alreadyOnNewKey: [], snapshotsNeedingOldKey: [] };
  const failures: { node: string; error: Error }[] = [];
  for (const node of nodes) {
    const wrapped = node.exportState().masterKey;
    if (sameKey(wrapped.cmkArn, to)) {
      report.alreadyOnNewKey.push(node.id);
      continue;
    }
    if (!to.regions.includes(node.region)) {
      failures.push({ node: node.id, error: new EnvelopeError('CONFLICT', `node ${node.id} calls KMS in ${node.region}, where ${to.keyArn} does not exist (it is in ${to.regions.join(', ')})`) });
      continue;
    }
    try {
      const { result } = await ctx.router.run(wrapped.cmkArn, node.region, (region, sourceKeyId) =>
        ctx.observe(node.id, 'ReEncrypt', region, () =>
          ctx.kmsFor(node.id).reEncrypt({
            region,
            ciphertextBlob: fromBase64(wrapped.ciphertextBlob),
            sourceEncryptionContext: wrapped.encryptionContext,
            sourceKeyId,
            destinationKeyId: regionalArn(to.keyArn, region),
            destinationEncryptionContext: wrapped.encryptionContext,
          }),
        ),
      );
      node.replaceWrappedMasterKey({ ciphertextBlob: toBase64(result.ciphertextBlob), cmkArn: result.keyArn, keyMaterialId: result.keyMaterialId });
      report.rewrapped.push(node.id);
    } catch (err) {
      failures.push({ node: node.id, error: err as Error });
    }
  }
  report.snapshotsNeedingOldKey = snapshots.filter((s) => sameKey(s.cmkArn, from));
  if (failures.length) {
    const list = failures.map((f) => `${f.node}: ${f.error instanceof KmsCallError ? f.error.code : f.error.message}`).join('; ');
    throw new EnvelopeError(
      'CMK_REPLACEMENT_INCOMPLETE',
      `Replacing ${from.keyArn} by ${to.keyArn} is incomplete: ${counted(failures.length, 'node')} still ${failures.length === 1 ? 'depends' : 'depend'} on the old key (${list}). ${counted(report.rewrapped.length + report.alreadyOnNewKey.length, 'node')} ${report.rewrapped.length + report.alreadyOnNewKey.length === 1 ? 'is' : 'are'} on the new key; run the replacement again to finish.`,
      { cause: failures[0]?.error },
    );
  }
  ctx.events.emit('cmk-replaced', { from: from.keyArn, to: to.keyArn, nodes: report.rewrapped, snapshotsNeedingOldKey: report.snapshotsNeedingOldKey.map((s) => s.id) });
  return report;
}

/**
 * Rolling master-key rotation over the cluster: one running node at a time gets a new master key
 * under the current CMK and re-wraps its database keys. Nodes that are not running are skipped
 * (their keys cannot be unwrapped without starting them) and reported.
 */
export async function rotateMasterKeysRolling(nodes: readonly EnvelopeNode[]): Promise<RollingRotationReport> {
  const report: RollingRotationReport = { rotated: [], skipped: [] };
  for (const node of nodes) {
    if (node.status !== 'running') {
      report.skipped.push({ node: node.id, status: node.status });
      continue;
    }
    report.rotated.push(await node.rotateMasterKey());
  }
  return report;
}
