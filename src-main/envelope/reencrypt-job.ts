import { needs } from '../common/needs';
import type { EnvelopeEvents } from './envelope-events';
import { decryptRecords, encryptRecords, type NodeKeyAccess } from './node-records';
import type { SealedRecord } from './record-cipher-pool';
import { readKeyRef } from './record-format';

/** How a re-encrypt job runs. */
export interface ReencryptOptions {
  /** Records per step; progress is reported after each. Default 1000. */
  batchSize?: number;
  onProgress?: (progress: ReencryptProgress) => void;
}

/** Where a re-encrypt job is. */
export interface ReencryptProgress {
  done: number;
  total: number;
  /** Records that were on an older key version and now are on the current one. */
  moved: number;
}

/** A finished re-encrypt job. */
export interface ReencryptResult extends ReencryptProgress {
  /** Every record, in input order: moved ones re-sealed, current ones as they were. */
  records: SealedRecord[];
  toVersion: number;
}

/**
 * The job that follows a database-key rotation: records sealed with older versions of the
 * database's key are opened and sealed again with the current version, in batches, with progress
 * after each batch. Records already on the current version are passed through untouched. The
 * plaintext of each batch exists only between its open and its seal, and is zeroed.
 */
export async function runReencryptJob(node: NodeKeyAccess, events: EnvelopeEvents, database: string, records: readonly SealedRecord[], options: ReencryptOptions = {}): Promise<ReencryptResult> {
  const batchSize = options.batchSize ?? 1000;
  needs(Number.isInteger(batchSize) && batchSize > 0, 'A re-encrypt batch holds at least one record.');
  const db = node.database(database);
  const toVersion = db.currentVersion;
  const out = records.slice();
  let moved = 0;
  for (let from = 0; from < records.length; from += batchSize) {
    const stale: number[] = [];
    for (let i = from; i < Math.min(records.length, from + batchSize); i++) {
      const r = records[i] as SealedRecord;
      const ref = readKeyRef(r.sealed, r.recordId);
      // Records of other databases are not this job's to move.
      needs(ref.keyId === db.keyId, 'Every record given to a re-encrypt job belongs to its database.');
      if (ref.version !== toVersion) stale.push(i);
    }
    if (stale.length) {
      const plain = await decryptRecords(node, stale.map((i) => records[i] as SealedRecord));
      try {
        const resealed = await encryptRecords(node, database, stale.map((i, k) => ({ recordId: (records[i] as SealedRecord).recordId, plaintext: plain[k] as Uint8Array })));
        stale.forEach((i, k) => (out[i] = { recordId: (records[i] as SealedRecord).recordId, sealed: resealed[k] as Uint8Array }));
      } finally {
        for (const p of plain) p.fill(0);
      }
      moved += stale.length;
    }
    const progress = { done: Math.min(records.length, from + batchSize), total: records.length, moved };
    options.onProgress?.(progress);
    events.emit('reencrypt-progress', { node: node.id, database, ...progress });
  }
  return { records: out, done: records.length, total: records.length, moved, toVersion };
}
