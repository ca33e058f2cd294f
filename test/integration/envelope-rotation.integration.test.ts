import { RotateKeyOnDemandCommand, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvelopeCluster } from '../../src-main/envelope/envelope-cluster';
import { SnapshotUnrecoverableError } from '../../src-main/envelope/envelope-errors';
import type { EnvelopeNode } from '../../src-main/envelope/envelope-node';
import { readKeyRef } from '../../src-main/envelope/record-format';
import type { SealedRecord } from '../../src-main/envelope/record-cipher-pool';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

const DAY = 86_400_000;
let f: EnvelopeFixture;
let cmk: { keyId: string; arn: string };
let cluster: EnvelopeCluster;
let n1: EnvelopeNode;
let records: SealedRecord[];

beforeEach(async () => {
  f = await startEnvelope();
  cmk = await f.createCmk();
  cluster = await f.cluster({ cmk: cmk.keyId });
  n1 = await cluster.addNode('n1');
  await cluster.addNode('n2');
  await n1.addDatabase('orders');
  const sealed = await n1.encryptRecords('orders', [1, 2, 3].map((i) => ({ recordId: `o${i}`, plaintext: Buffer.from(`order ${i}`) })));
  records = sealed.map((s, i) => ({ recordId: `o${i + 1}`, sealed: s }));
});

afterEach(async () => {
  await f.close();
});

const texts = (list: Uint8Array[]): string[] => list.map((b) => Buffer.from(b).toString());
const ORDERS = ['order 1', 'order 2', 'order 3'];

describe('CMK key material rotation (same ARN)', () => {
  it('new data keys use the new material, keys wrapped before still decrypt, and the snapshot stays pinned to the old material', async () => {
    const before = await cluster.takeSnapshot('n1', 'orders', records);
    const oldMaterial = cluster.cmk.currentKeyMaterialId;
    expect(before.snapshot.keyMaterialId).toBe(oldMaterial);

    await f.admin().send(new RotateKeyOnDemandCommand({ KeyId: cmk.keyId }));
    const refreshed = await cluster.refreshCmk();
    expect(refreshed.currentKeyMaterialId).not.toBe(oldMaterial);

    const after = await cluster.takeSnapshot('n1', 'orders', records);
    expect(after.snapshot.cmkArn).toBe(cmk.arn);
    expect(after.snapshot.keyMaterialId).toBe(refreshed.currentKeyMaterialId);
    expect(cluster.snapshot(before.snapshot.id).keyMaterialId).toBe(oldMaterial);

    // The master keys were wrapped under the old material; a restart still unwraps them.
    await n1.restart();
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
    expect(texts(await cluster.restoreSnapshot(before.snapshot.id, before.records))).toEqual(ORDERS);
    expect(texts(await cluster.restoreSnapshot(after.snapshot.id, after.records))).toEqual(ORDERS);
  });

  it('a rolling master-key rotation after the CMK rotation moves every running node onto the new material without rewriting a record', async () => {
    await f.admin().send(new RotateKeyOnDemandCommand({ KeyId: cmk.keyId }));
    const { currentKeyMaterialId } = await cluster.refreshCmk();
    const report = await cluster.rotateMasterKeys();
    expect(report.rotated.map((r) => [r.node, r.fromVersion, r.toVersion, r.keyMaterialId])).toEqual([
      ['n1', 1, 2, currentKeyMaterialId],
      ['n2', 1, 2, currentKeyMaterialId],
    ]);
    expect(report.rotated[0]?.databaseKeysRewrapped).toBe(1);
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
  });
});

describe('rolling master-key rotation', () => {
  it('gives each node a new master key, re-wraps its database keys, and old records stay readable after a restart from stored state', async () => {
    await n1.rotateDatabaseKey('orders');
    const stateBefore = cluster.exportState().nodes[0];
    const report = await cluster.rotateMasterKeys();
    expect(report.skipped).toEqual([]);
    const stateAfter = cluster.exportState().nodes[0];
    expect(stateAfter?.masterKey.version).toBe(2);
    expect(stateAfter?.masterKey.ciphertextBlob).not.toBe(stateBefore?.masterKey.ciphertextBlob);
    expect(stateAfter?.databases[0]?.keys.map((k) => k.masterKeyVersion)).toEqual([2, 2]);
    expect(stateAfter?.databases[0]?.keys.map((k) => k.wrappedKey)).not.toEqual(stateBefore?.databases[0]?.keys.map((k) => k.wrappedKey));
    await n1.restart();
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
  });

  it('skips nodes that are not running and says so', async () => {
    cluster.node('n2').shutdown();
    const report = await cluster.rotateMasterKeys();
    expect(report.rotated.map((r) => r.node)).toEqual(['n1']);
    expect(report.skipped).toEqual([{ node: 'n2', status: 'stopped' }]);
  });
});

describe('database-key rotation', () => {
  it('new records use the new key version, records written before stay readable, and the re-encrypt job moves them with progress', async () => {
    expect(await n1.rotateDatabaseKey('orders')).toBe(2);
    const fresh = await n1.encryptRecord('orders', 'o4', Buffer.from('order 4'));
    expect(readKeyRef(fresh, 'o4').version).toBe(2);
    expect(records.map((r) => readKeyRef(r.sealed, r.recordId).version)).toEqual([1, 1, 1]);
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);

    const all = [...records, { recordId: 'o4', sealed: fresh }];
    const progress: number[] = [];
    const result = await n1.reencryptRecords('orders', all, { batchSize: 2, onProgress: (p) => progress.push(p.done) });
    expect(progress).toEqual([2, 4]);
    expect(result).toMatchObject({ total: 4, done: 4, moved: 3, toVersion: 2 });
    expect(result.records.map((r) => readKeyRef(r.sealed, r.recordId).version)).toEqual([2, 2, 2, 2]);
    expect(result.records[3]?.sealed).toBe(fresh);
    expect(texts(await n1.decryptRecords(result.records))).toEqual([...ORDERS, 'order 4']);
    expect(f.events.filter((e) => e.name === 'reencrypt-progress').map((e) => e.payload)).toEqual([
      { node: 'n1', database: 'orders', done: 2, total: 4, moved: 2 },
      { node: 'n1', database: 'orders', done: 4, total: 4, moved: 3 },
    ]);
  });
});

describe('CMK replacement by a new key ARN', () => {
  it('re-encrypts every master key under the new CMK and lists the snapshots that still need the old one', async () => {
    const snap = await cluster.takeSnapshot('n1', 'orders', records);
    cluster.node('n2').shutdown(); // stopped nodes are moved too: ReEncrypt happens inside KMS
    const next = await f.createCmk();
    const report = await cluster.replaceCmk(next.keyId);
    expect(report).toMatchObject({ from: cmk.arn, to: next.arn, rewrapped: ['n1', 'n2'], alreadyOnNewKey: [] });
    expect(report.snapshotsNeedingOldKey.map((s) => s.id)).toEqual([snap.snapshot.id]);
    expect(cluster.cmk.keyArn).toBe(next.arn);
    expect(cluster.exportState().nodes.map((n) => n.masterKey.cmkArn)).toEqual([next.arn, next.arn]);
    expect(cluster.dependentsOf(cmk.arn).map((d) => d.kind)).toEqual(['snapshot']);

    // The running node never lost its cache; restarted nodes unwrap under the new CMK.
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
    await n1.restart();
    await cluster.node('n2').start();
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
    const newSnap = await cluster.takeSnapshot('n1', 'orders', records);
    expect(newSnap.snapshot.cmkArn).toBe(next.arn);
  });

  it('after the old CMK is deleted, the snapshots that needed it are lost, and the error says why', async () => {
    const snap = await cluster.takeSnapshot('n1', 'orders', records);
    const next = await f.createCmk();
    await cluster.replaceCmk(next.keyId);
    await f.admin().send(new ScheduleKeyDeletionCommand({ KeyId: cmk.keyId, PendingWindowInDays: 7 }));

    const pending = await cluster.restoreSnapshot(snap.snapshot.id, snap.records).then(() => undefined, (e: unknown) => e);
    expect(pending).toBeInstanceOf(SnapshotUnrecoverableError);
    expect(pending).toMatchObject({ reason: 'key-pending-deletion', lost: false });
    expect((pending as Error).message).toContain('Cancel the deletion (CancelKeyDeletion)');

    f.h.clock.advance(8 * DAY);
    const lost = await cluster.restoreSnapshot(snap.snapshot.id, snap.records).then(() => undefined, (e: unknown) => e);
    expect(lost).toMatchObject({ name: 'SnapshotUnrecoverableError', reason: 'key-deleted', lost: true });
    expect((lost as Error).message).toContain(`its data key is wrapped under ${cmk.arn}`);
    expect((lost as Error).message).toContain('that KMS key has been deleted. Snapshot keys are never re-wrapped, so the data in this snapshot is lost.');

    // The hierarchy itself lives on under the new CMK.
    await n1.restart();
    expect(texts(await n1.decryptRecords(records))).toEqual(ORDERS);
  });

  it('a replacement that cannot reach every node is reported as incomplete, and running it again finishes it', async () => {
    const next = await f.createCmk();
    await f.allowOnly(next.keyId, ['kms:DescribeKey']); // the service may not ReEncryptTo the new key yet
    await expect(cluster.replaceCmk(next.keyId)).rejects.toMatchObject({ code: 'CMK_REPLACEMENT_INCOMPLETE', message: expect.stringContaining('n1: AccessDeniedException; n2: AccessDeniedException') });
    expect(cluster.cmk.keyArn).toBe(cmk.arn);
    await f.grantBack(next.keyId);
    const report = await cluster.replaceCmk(next.keyId);
    expect(report.rewrapped).toEqual(['n1', 'n2']);
  });
});
