import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvelopeCluster } from '../../src-main/envelope/envelope-cluster';
import { NodeNotRunningError } from '../../src-main/envelope/envelope-errors';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

/**
 * The whole hierarchy against the embedded KMS over HTTP: tenant CMK → nodes → databases →
 * records, and a restart of every node from serialised state.
 */
let f: EnvelopeFixture;

beforeEach(async () => {
  f = await startEnvelope();
});

afterEach(async () => {
  await f.close();
});

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');

describe('a tenant cluster from CMK to records', () => {
  it('builds three nodes with three databases each, and every node reads back what it wrote', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    for (const id of ['n1', 'n2', 'n3']) {
      const node = await cluster.addNode(id);
      for (const db of ['orders', 'users', 'audit']) await node.addDatabase(db);
    }
    for (const node of cluster.nodes()) {
      expect(node.status).toBe('running');
      expect(node.databases()).toEqual(['orders', 'users', 'audit']);
      const sealed = await node.encryptRecord('orders', 'order-1', bytes(`order on ${node.id}`));
      expect(text(await node.decryptRecord('order-1', sealed))).toBe(`order on ${node.id}`);
    }
    // One GenerateDataKey per node made its master key; database keys never touch KMS.
    const calls = f.events.filter((e) => e.name === 'kms-call').map((e) => (e.payload as { operation: string }).operation);
    expect(calls).toEqual(['GenerateDataKey', 'GenerateDataKey', 'GenerateDataKey']);
  });

  it('asks KMS for the master key under the tenant context {tenant, cluster, node}, and records the CMK and key material it depends on', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    await cluster.addNode('n1');
    const master = cluster.exportState().nodes[0]?.masterKey;
    expect(master?.encryptionContext).toEqual({ tenant: 'acme', cluster: 'c1', node: 'n1' });
    expect(master?.cmkArn).toBe(cmk.arn);
    expect(master?.keyMaterialId).toMatch(/^[0-9a-f]{64}$/);
    expect(cluster.dependentsOf(cmk.arn).map((d) => d.id)).toEqual(['n1/master/v1']);
  });

  it("a node cannot read another node's records: each node has its own database keys", async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    const n1 = await cluster.addNode('n1');
    const n2 = await cluster.addNode('n2');
    await n1.addDatabase('orders');
    await n2.addDatabase('orders');
    const sealed = await n1.encryptRecord('orders', 'o1', bytes('secret order'));
    await expect(n2.decryptRecord('o1', sealed)).rejects.toMatchObject({ name: 'UnknownRecordKeyError', message: expect.stringContaining('which node n2 does not hold') });
  });

  it('restarts every node from serialised state, and the restarted nodes read the records written before', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    const written: { node: string; recordId: string; sealed: Uint8Array }[] = [];
    for (const id of ['n1', 'n2']) {
      const node = await cluster.addNode(id);
      await node.addDatabase('orders');
      await node.rotateDatabaseKey('orders');
      written.push({ node: id, recordId: `${id}-r1`, sealed: await node.encryptRecord('orders', `${id}-r1`, bytes(`written by ${id}`)) });
    }
    const stored = JSON.stringify(cluster.exportState());
    await cluster.close();

    const restored = EnvelopeCluster.restore(JSON.parse(stored), { kms: f.port, clock: f.h.clock, pool: f.pool });
    expect(restored.nodes().map((n) => n.status)).toEqual(['stopped', 'stopped']);
    await expect(restored.node('n1').decryptRecord('n1-r1', written[0]?.sealed as Uint8Array)).rejects.toBeInstanceOf(NodeNotRunningError);
    for (const node of restored.nodes()) await node.start();
    for (const w of written) expect(text(await restored.node(w.node).decryptRecord(w.recordId, w.sealed))).toBe(`written by ${w.node}`);
    expect(restored.exportState()).toEqual(JSON.parse(stored));
    await restored.close();
  });

  it('a node that is shut down and restarted unwraps its master key with one KMS Decrypt', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    const node = await cluster.addNode('n1');
    await node.addDatabase('orders');
    const sealed = await node.encryptRecord('orders', 'r1', bytes('kept'));
    node.shutdown();
    expect(node.status).toBe('stopped');
    expect(node.cacheStats().entries).toBe(0);
    const before = f.events.length;
    await node.restart();
    const calls = f.events.slice(before).filter((e) => e.name === 'kms-call');
    expect(calls.map((e) => e.payload)).toEqual([expect.objectContaining({ operation: 'Decrypt', region: 'us-east-1', ok: true })]);
    expect(text(await node.decryptRecord('r1', sealed))).toBe('kept');
  });

  it('a health check proves access with a KMS Decrypt and reports the Region', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    const node = await cluster.addNode('n1');
    expect(await node.healthCheck()).toEqual({ ok: true, region: 'us-east-1', shutDown: false });
    expect(f.events.filter((e) => e.name === 'health-check').map((e) => e.payload)).toEqual([{ node: 'n1', region: 'us-east-1', ok: true }]);
  });

  it('serves records from cache: after the first record, reads and writes are cache hits with no KMS call', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId });
    const node = await cluster.addNode('n1');
    await node.addDatabase('orders');
    const kmsCallsBefore = f.events.filter((e) => e.name === 'kms-call').length;
    const sealed = await node.encryptRecords('orders', Array.from({ length: 50 }, (_, i) => ({ recordId: `r${i}`, plaintext: bytes(`record ${i}`) })));
    const opened = await node.decryptRecords(sealed.map((s, i) => ({ recordId: `r${i}`, sealed: s })));
    expect(opened.map(text)).toEqual(Array.from({ length: 50 }, (_, i) => `record ${i}`));
    expect(f.events.filter((e) => e.name === 'kms-call').length).toBe(kmsCallsBefore);
    expect(node.cacheStats()).toMatchObject({ misses: 0, evictions: 0 });
    expect(node.cacheStats().hits).toBeGreaterThan(0);
  });

  it('concurrent writes and reads that cross the cache limits many times all succeed', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId, cacheLimits: { maxOperations: 7 } });
    const node = await cluster.addNode('n1');
    await node.addDatabase('orders');
    const sealed = await Promise.all(Array.from({ length: 60 }, (_, i) => node.encryptRecord('orders', `r${i}`, bytes(`value ${i}`))));
    const opened = await Promise.all(sealed.map((s, i) => node.decryptRecord(`r${i}`, s)));
    expect(opened.map(text)).toEqual(Array.from({ length: 60 }, (_, i) => `value ${i}`));
    expect(node.cacheStats().evictionsByReason['max-operations']).toBeGreaterThanOrEqual(120 / 7 - 1);
  });

  it('one record at a time counts against the cache limits exactly as a batch does: keys refreshed at the same operations', async () => {
    const cmk = await f.createCmk();
    const cluster = await f.cluster({ cmk: cmk.keyId, cacheLimits: { maxOperations: 5 } });
    const single = await cluster.addNode('n1');
    const batched = await cluster.addNode('n2');
    for (const node of [single, batched]) await node.addDatabase('orders');
    const records = Array.from({ length: 12 }, (_, i) => ({ recordId: `r${i}`, plaintext: bytes(`value ${i}`) }));
    const one: Uint8Array[] = [];
    for (const r of records) one.push(await single.encryptRecord('orders', r.recordId, r.plaintext));
    const opened: Uint8Array[] = [];
    for (const [i, s] of one.entries()) opened.push(await single.decryptRecord(`r${i}`, s));
    const many = await batched.encryptRecords('orders', records);
    const manyOpened = await batched.decryptRecords(many.map((sealed, i) => ({ recordId: `r${i}`, sealed })));
    expect(opened.map(text)).toEqual(records.map((r) => text(r.plaintext)));
    expect(manyOpened.map(text)).toEqual(records.map((r) => text(r.plaintext)));
    // 24 operations at 5 a key: the master key (and its database key with it) evicted after operations 5, 10, 15 and 20,
    // and unwrapped again with Decrypt before operations 6, 11, 16 and 21 — on either path.
    const decrypts = (node: string) => f.events.filter((e) => e.name === 'kms-call' && (e.payload as { operation: string; node?: string }).operation === 'Decrypt' && JSON.stringify(e.payload).includes(`"${node}"`)).length;
    expect(decrypts('n1')).toBe(4);
    expect(decrypts('n2')).toBe(4);
    const { misses, evictionsByReason } = single.cacheStats();
    expect({ misses, evictionsByReason }).toEqual({ misses: batched.cacheStats().misses, evictionsByReason: batched.cacheStats().evictionsByReason });
    expect(evictionsByReason['max-operations']).toBe(4);
  });

  it('restoring state that is not valid says which field is wrong', () => {
    expect(() => EnvelopeCluster.restore({ format: 'keydrill.envelope/1', tenant: 'acme' }, { kms: f.port })).toThrow(/The stored envelope state is not valid: cluster/);
  });
});
