import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvelopeCluster } from '../../src-main/envelope/envelope-cluster';
import { RecordFormatError, RecordIntegrityError } from '../../src-main/envelope/envelope-errors';
import type { EnvelopeNode } from '../../src-main/envelope/envelope-node';
import type { ClusterState } from '../../src-main/envelope/hierarchy-state';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

let f: EnvelopeFixture;
let cluster: EnvelopeCluster;
let node: EnvelopeNode;
let sealed: Uint8Array;

beforeEach(async () => {
  f = await startEnvelope();
  const cmk = await f.createCmk();
  cluster = await f.cluster({ cmk: cmk.keyId });
  node = await cluster.addNode('n1');
  await cluster.addNode('n2');
  await node.addDatabase('orders');
  sealed = await node.encryptRecord('orders', 'order-17', Buffer.from('ship 3 crates to Oslo'));
});

afterEach(async () => {
  await f.close();
});

const flipped = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] as number) ^ 0x01;
  return copy;
};

describe('a sealed record that was tampered with', () => {
  it('with one ciphertext bit flipped fails with RecordIntegrityError naming the record', async () => {
    const err = await node.decryptRecord('order-17', flipped(sealed, 40)).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RecordIntegrityError);
    expect((err as Error).message).toBe("Record 'order-17' failed authentication: its bytes were altered, or it was sealed under a different record id.");
  });

  it('with its tag or nonce altered fails the same way', async () => {
    for (const at of [sealed.length - 1, 30]) {
      await expect(node.decryptRecord('order-17', flipped(sealed, at))).rejects.toBeInstanceOf(RecordIntegrityError);
    }
  });

  it('pointing at a key version the node never had fails with UnknownRecordKeyError, saying which versions exist', async () => {
    await expect(node.decryptRecord('order-17', flipped(sealed, 23))).rejects.toMatchObject({
      name: 'UnknownRecordKeyError',
      message: expect.stringMatching(/^Record 'order-17' was sealed with key [0-9a-f-]{36} v0, which node n1 does not hold \(database orders has v1\)\.$/),
    });
  });

  it('presented under another record id fails: the record id is bound as AAD', async () => {
    await expect(node.decryptRecord('order-18', sealed)).rejects.toMatchObject({ name: 'RecordIntegrityError', recordId: 'order-18' });
  });

  it('pointed at another key version that exists fails authentication rather than decrypting', async () => {
    await node.rotateDatabaseKey('orders');
    const retargeted = Uint8Array.from(sealed);
    retargeted[23] = 2; // key version 1 → 2 in the header
    await expect(node.decryptRecord('order-17', retargeted)).rejects.toBeInstanceOf(RecordIntegrityError);
  });

  it('that is not a KeyDrill record at all, or is from a future format version, fails with RecordFormatError', async () => {
    await expect(node.decryptRecord('x', Buffer.alloc(100, 7))).rejects.toThrow(new RecordFormatError(`Record 'x' is not a KeyDrill sealed record: it does not start with the magic bytes "KDR".`));
    const future = Uint8Array.from(sealed);
    future[3] = 2;
    await expect(node.decryptRecord('order-17', future)).rejects.toThrow("Record 'order-17' uses record format version 2; this build reads version 1.");
    await expect(node.decryptRecord('order-17', sealed.subarray(0, 40))).rejects.toThrow("Record 'order-17' is 40 bytes, shorter than the 52-byte header and tag of any sealed record.");
  });

  it('in a batch fails the whole batch and returns no plaintext', async () => {
    const good = await node.encryptRecords('orders', [{ recordId: 'a', plaintext: Buffer.from('fine') }]);
    await expect(node.decryptRecords([{ recordId: 'a', sealed: good[0] as Uint8Array }, { recordId: 'order-17', sealed: flipped(sealed, 45) }])).rejects.toMatchObject({ recordId: 'order-17' });
  });
});

describe('the wrong encryption context', () => {
  async function restartedWith(edit: (state: ClusterState) => void): Promise<EnvelopeCluster> {
    const state = structuredClone(cluster.exportState()) as ClusterState;
    edit(state);
    return EnvelopeCluster.restore(state, { kms: f.port, clock: f.h.clock, pool: f.pool });
  }

  it("a node whose stored context names another node cannot unwrap its master key: KMS answers InvalidCiphertextException", async () => {
    const restored = await restartedWith((s) => {
      (s.nodes[0] as ClusterState['nodes'][number]).masterKey.encryptionContext = { tenant: 'acme', cluster: 'c1', node: 'n2' };
    });
    await expect(restored.node('n1').start()).rejects.toMatchObject({ name: 'KeyUnavailableError', kmsCode: 'InvalidCiphertextException' });
    await restored.close();
  });

  it("a node given another node's wrapped master key cannot unwrap it under its own context (confused-deputy protection)", async () => {
    const restored = await restartedWith((s) => {
      const [n1, n2] = s.nodes as [ClusterState['nodes'][number], ClusterState['nodes'][number]];
      n1.masterKey.ciphertextBlob = n2.masterKey.ciphertextBlob;
    });
    await expect(restored.node('n1').start()).rejects.toMatchObject({ kmsCode: 'InvalidCiphertextException' });
    await restored.close();
  });

  it('a database key moved to another database does not unwrap: its AAD binds node, database, ids and versions', async () => {
    await node.addDatabase('users');
    const restored = await restartedWith((s) => {
      const dbs = (s.nodes[0] as ClusterState['nodes'][number]).databases;
      (dbs[1] as (typeof dbs)[number]).keys = structuredClone((dbs[0] as (typeof dbs)[number]).keys);
    });
    const n1 = restored.node('n1');
    await n1.start();
    await expect(n1.encryptRecord('users', 'u1', Buffer.from('x'))).rejects.toMatchObject({ code: 'KEY_UNWRAP_FAILED', message: expect.stringContaining('database key users v1 of node n1 did not unwrap under master key v1') });
    await restored.close();
  });
});
