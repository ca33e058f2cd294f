import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FailoverRefusedError, KeyUnavailableError } from '../../src-main/envelope/envelope-errors';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

/**
 * Regional KMS outages (seeds/001 "Reconfigure AWS KMS Region During an Outage"), injected on the
 * client path by the FaultInjector as a real outage would be: running nodes keep working from
 * cache, a restarting node cannot unwrap its master key unless it is moved to a replica Region.
 */
let f: EnvelopeFixture;

beforeEach(async () => {
  f = await startEnvelope();
});

afterEach(async () => {
  await f.close();
});

async function clusterWithData(options: { multiRegion: boolean; automatic?: boolean }) {
  const cmk = await f.createCmk({ multiRegion: options.multiRegion, replicas: options.multiRegion ? ['eu-west-1', 'ap-southeast-2'] : [] });
  const cluster = await f.cluster({ cmk: cmk.keyId, ...(options.automatic ? { failover: { mode: 'automatic' as const } } : {}) });
  const node = await cluster.addNode('n1');
  await node.addDatabase('orders');
  const sealed = await node.encryptRecord('orders', 'r1', Buffer.from('replicated data'));
  const read = async (): Promise<string> => Buffer.from(await node.decryptRecord('r1', sealed)).toString();
  return { cmk, cluster, node, read };
}

describe('a multi-Region key', () => {
  it('during an outage of the primary Region a running node keeps serving, a restarting node fails and is told where the replicas are', async () => {
    const { node, read } = await clusterWithData({ multiRegion: true });
    f.faults.outage('us-east-1');
    expect(await read()).toBe('replicated data');
    const err = await node.restart().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(KeyUnavailableError);
    expect(err).toMatchObject({ kmsCode: 'NetworkingError', region: 'us-east-1' });
    expect((err as Error).message).toContain('KMS in us-east-1 is unreachable (NetworkingError)');
    expect((err as Error).message).toContain('is a multi-Region key with replicas in ap-southeast-2, eu-west-1: switch the node');
  });

  it('after a manual switch to the replica Region, the node restarts there and reads its data', async () => {
    const { cluster, node, read } = await clusterWithData({ multiRegion: true });
    f.faults.outage('us-east-1');
    await expect(node.restart()).rejects.toBeInstanceOf(KeyUnavailableError);
    await cluster.switchRegion('eu-west-1');
    await node.start();
    expect(node.region).toBe('eu-west-1');
    expect(await read()).toBe('replicated data');
    expect(cluster.exportState().nodes[0]?.region).toBe('eu-west-1');
    const lastCall = f.events.filter((e) => e.name === 'kms-call').at(-1)?.payload;
    expect(lastCall).toMatchObject({ operation: 'Decrypt', region: 'eu-west-1', ok: true });
    expect(f.events.filter((e) => e.name === 'failover').map((e) => e.payload)).toEqual([{ node: 'n1', from: 'us-east-1', to: 'eu-west-1', automatic: false }]);
  });

  it('with automatic failover, a node restarting during an outage unwraps its master key in the first replica Region that answers', async () => {
    const { node, read } = await clusterWithData({ multiRegion: true, automatic: true });
    // DescribeKey lists replicas in Region order: ap-southeast-2, then eu-west-1.
    f.faults.outage('us-east-1', 'timeout');
    f.faults.outage('ap-southeast-2');
    await node.restart();
    expect(node.status).toBe('running');
    expect(node.region).toBe('eu-west-1');
    expect(await read()).toBe('replicated data');
    expect(f.events.filter((e) => e.name === 'failover').map((e) => e.payload)).toEqual([{ node: 'n1', from: 'us-east-1', to: 'eu-west-1', automatic: true }]);
    const calls = f.events.filter((e) => e.name === 'kms-call').slice(-3).map((e) => e.payload as { region: string; ok: boolean; code?: string });
    expect(calls.map((c) => [c.region, c.ok, c.code])).toEqual([
      ['us-east-1', false, 'TimeoutError'],
      ['ap-southeast-2', false, 'NetworkingError'],
      ['eu-west-1', true, undefined],
    ]);
  });

  it('automatic failover follows the configured order of Regions', async () => {
    const { cluster, node } = await clusterWithData({ multiRegion: true, automatic: true });
    cluster.setFailover('automatic', ['eu-west-1', 'ap-southeast-2']);
    f.faults.outage('us-east-1');
    await node.restart();
    expect(node.region).toBe('eu-west-1');
  });

  it('automatic failover does not hide a revocation: KMS refusing in the home Region is not retried elsewhere', async () => {
    const { cmk, node } = await clusterWithData({ multiRegion: true, automatic: true });
    await f.revoke(cmk.keyId);
    await expect(node.restart()).rejects.toMatchObject({ kmsCode: 'AccessDeniedException', region: 'us-east-1' });
    expect(node.region).toBe('us-east-1');
  });

  it('when every Region of the key is unreachable, the error names them all', async () => {
    const { node } = await clusterWithData({ multiRegion: true, automatic: true });
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-2']) f.faults.outage(region);
    await expect(node.restart()).rejects.toMatchObject({ name: 'FailoverRefusedError', reason: 'all-regions-unreachable', message: expect.stringContaining('KMS is unreachable in us-east-1, ap-southeast-2, eu-west-1') });
    expect(node.status).toBe('failed');
  });

  it('a switch to a Region without a replica is refused', async () => {
    const { cluster } = await clusterWithData({ multiRegion: true });
    await expect(cluster.switchRegion('sa-east-1')).rejects.toMatchObject({ name: 'FailoverRefusedError', reason: 'no-replica-in-region' });
  });
});

describe('a single-Region key', () => {
  it('cannot fail over, and the error says so', async () => {
    const { cluster, cmk } = await clusterWithData({ multiRegion: false });
    const err = await cluster.switchRegion('eu-west-1').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(FailoverRefusedError);
    expect(err).toMatchObject({ reason: 'single-region-key' });
    expect((err as Error).message).toBe(
      `Cannot switch to eu-west-1: ${cmk.arn} is a single-Region key; its key material exists only in us-east-1, and only multi-Region keys (mrk-…) can be used from another Region. A single-Region key cannot be converted into a multi-Region key.`,
    );
  });

  it('with automatic failover configured, a restart during an outage fails saying the key is single-Region', async () => {
    const { node } = await clusterWithData({ multiRegion: false, automatic: true });
    f.faults.outage('us-east-1');
    const err = await node.restart().then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ name: 'FailoverRefusedError', reason: 'single-region-key' });
    expect((err as Error).message).toContain('automatic failover is impossible');
    expect((err as Error).message).toContain('is a single-Region key: its key material exists only in us-east-1, so it cannot fail over to another Region');
  });

  it('in manual mode, a restart during an outage fails and says the key cannot fail over', async () => {
    const { node } = await clusterWithData({ multiRegion: false });
    f.faults.outage('us-east-1');
    await expect(node.restart()).rejects.toMatchObject({ name: 'KeyUnavailableError', message: expect.stringContaining('so it cannot fail over to another Region') });
    f.faults.restore('us-east-1');
    await node.start();
    expect(node.status).toBe('running');
  });
});
