import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvelopeCluster } from '../../src-main/envelope/envelope-cluster';
import { KeyUnavailableError, NodeNotRunningError } from '../../src-main/envelope/envelope-errors';
import type { EnvelopeNode } from '../../src-main/envelope/envelope-node';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

/**
 * Revocation as a customer does it to a SaaS vendor (seeds/001: "If you revoke Atlas's access to
 * the CMK, Atlas shuts down the nodes"): the service role's statement removed from the key
 * policy, or the key disabled. Running nodes keep serving from their key cache until a limit;
 * restarting nodes fail at once.
 */
const HOUR = 3_600_000;
let f: EnvelopeFixture;
let keyId: string;
let cluster: EnvelopeCluster;
let node: EnvelopeNode;
let sealed: Uint8Array;

beforeEach(async () => {
  f = await startEnvelope();
  ({ keyId } = await f.createCmk());
});

afterEach(async () => {
  await f.close();
});

async function runningNode(cacheLimits?: { maxOperations?: number; maxAgeMs?: number }): Promise<void> {
  cluster = await f.cluster({ cmk: keyId, ...(cacheLimits ? { cacheLimits } : {}) });
  node = await cluster.addNode('n1');
  await node.addDatabase('orders');
  sealed = await node.encryptRecord('orders', 'r1', Buffer.from('before revocation'));
}

const read = async (): Promise<string> => Buffer.from(await node.decryptRecord('r1', sealed)).toString();
const kmsCalls = (): { operation: string; ok: boolean; code?: string }[] => f.events.filter((e) => e.name === 'kms-call').map((e) => e.payload as { operation: string; ok: boolean; code?: string });

describe('the service role removed from the key policy', () => {
  it('a restarting node fails with AccessDeniedException and says the key policy no longer lets it in', async () => {
    await runningNode();
    await f.revoke(keyId);
    const err = await node.restart().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KeyUnavailableError);
    expect(err).toMatchObject({ kmsCode: 'AccessDeniedException', region: 'us-east-1' });
    expect((err as Error).message).toContain('Node n1 cannot unwrap its master key');
    expect((err as Error).message).toContain('the key policy or grants no longer let this service use the CMK');
    expect(node.status).toBe('failed');
    expect(node.lastFailure).toMatchObject({ kmsCode: 'AccessDeniedException' });
  });

  it('a running node keeps serving from its cache, with no KMS call, until the cache reaches its 24-hour maximum age; then it fails', async () => {
    await runningNode();
    await f.revoke(keyId);
    const callsAtRevocation = kmsCalls().length;
    f.h.clock.advance(23 * HOUR);
    expect(await read()).toBe('before revocation');
    await node.encryptRecord('orders', 'r2', Buffer.from('written after revocation'));
    expect(kmsCalls().length).toBe(callsAtRevocation);

    f.h.clock.advance(1 * HOUR);
    await expect(read()).rejects.toMatchObject({ name: 'KeyUnavailableError', kmsCode: 'AccessDeniedException' });
    expect(node.status).toBe('failed');
    expect(kmsCalls().slice(callsAtRevocation)).toEqual([{ operation: 'Decrypt', region: 'us-east-1', ok: false, code: 'AccessDeniedException', durationMs: expect.any(Number), node: 'n1' }]);
    expect(node.cacheStats().evictionsByReason['max-age']).toBe(1);
    // Once failed, the node refuses work without calling KMS again until it is started.
    await expect(read()).rejects.toBeInstanceOf(NodeNotRunningError);
    expect(kmsCalls().length).toBe(callsAtRevocation + 1);
  });

  it('a running node keeps serving until it has done its maximum number of operations; then it fails', async () => {
    await runningNode({ maxOperations: 1000 });
    await f.revoke(keyId);
    // r1 was one operation; 998 counted in bulk and one real decrypt make 1000, the limit.
    await node.countOperations('orders', 998, 998 * 1024);
    expect(await read()).toBe('before revocation');
    expect(node.cacheStats().evictionsByReason['max-operations']).toBe(1);
    await expect(read()).rejects.toMatchObject({ name: 'KeyUnavailableError', kmsCode: 'AccessDeniedException' });
  });

  it('restoring the policy lets the failed node start again and read what it wrote', async () => {
    await runningNode();
    await f.revoke(keyId);
    await expect(node.restart()).rejects.toBeInstanceOf(KeyUnavailableError);
    await f.grantBack(keyId);
    await node.start();
    expect(node.status).toBe('running');
    expect(await read()).toBe('before revocation');
  });

  it('a health check refused by KMS shuts the running node down, as Atlas does', async () => {
    await runningNode();
    await f.revoke(keyId);
    const result = await node.healthCheck();
    expect(result).toMatchObject({ ok: false, region: 'us-east-1', kmsCode: 'AccessDeniedException', shutDown: true });
    expect(node.status).toBe('failed');
    await expect(read()).rejects.toBeInstanceOf(NodeNotRunningError);
    const states = f.events.filter((e) => e.name === 'node-state').map((e) => e.payload);
    expect(states.at(-1)).toMatchObject({ node: 'n1', status: 'failed', previous: 'running', kmsCode: 'AccessDeniedException' });
  });
});

describe('the CMK disabled', () => {
  it('a restarting node fails with DisabledException', async () => {
    await runningNode();
    await f.disable(keyId);
    await expect(node.restart()).rejects.toMatchObject({ name: 'KeyUnavailableError', kmsCode: 'DisabledException', message: expect.stringContaining('the CMK is disabled') });
  });

  it('a running node serves from cache until its maximum age, then fails; enabling the key recovers it', async () => {
    await runningNode();
    await f.disable(keyId);
    f.h.clock.advance(24 * HOUR - 1);
    expect(await read()).toBe('before revocation');
    f.h.clock.advance(1);
    await expect(read()).rejects.toMatchObject({ kmsCode: 'DisabledException' });
    await f.enable(keyId);
    await node.start();
    expect(await read()).toBe('before revocation');
  });
});

describe('cache limits while access is fine', () => {
  it('counting bulk operations past the maximum refreshes the master key from KMS once per limit reached', async () => {
    await runningNode({ maxOperations: 1000 });
    const before = kmsCalls().length;
    // 1 operation so far; 2,499 more make 2,500: the limit is reached at 1,000 and 2,000.
    await node.countOperations('orders', 2499);
    expect(kmsCalls().slice(before).map((c) => `${c.operation}:${c.ok}`)).toEqual(['Decrypt:true', 'Decrypt:true']);
    expect(node.cacheStats().evictionsByReason['max-operations']).toBe(2);
    expect(await read()).toBe('before revocation');
  });

  it('after the cache expires, concurrent reads share one KMS Decrypt of the master key', async () => {
    await runningNode();
    f.h.clock.advance(24 * HOUR);
    const before = kmsCalls().length;
    const reads = await Promise.all(Array.from({ length: 10 }, () => read()));
    expect(reads).toEqual(new Array(10).fill('before revocation'));
    expect(kmsCalls().slice(before).map((c) => c.operation)).toEqual(['Decrypt']);
  });

  it('a health check during a KMS outage leaves the running node serving from cache', async () => {
    await runningNode();
    f.faults.outage('us-east-1');
    const result = await node.healthCheck();
    expect(result).toMatchObject({ ok: false, kmsCode: 'NetworkingError', shutDown: false });
    expect(node.status).toBe('running');
    expect(await read()).toBe('before revocation');
  });
});
