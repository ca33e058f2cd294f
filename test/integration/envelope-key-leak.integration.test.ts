import { RotateKeyOnDemandCommand } from '@aws-sdk/client-kms';
import { inspect } from 'node:util';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EnvelopeCluster } from '../../src-main/envelope/envelope-cluster';
import type { Logger } from '../../src-main/envelope/envelope-events';
import type { ClusterState } from '../../src-main/envelope/hierarchy-state';
import { unwrapDatabaseKey } from '../../src-main/envelope/key-wrap';
import { SecretKey } from '../../src-main/envelope/secret-key';
import { startEnvelope, type EnvelopeFixture } from '../support/envelope-fixture';

/**
 * Key material never leaves the core. Every plaintext key the run produces is collected — each
 * Plaintext KMS returned, captured on the wire side of the SDK, and every database key unwrapped
 * from the stored state — and then everything the core hands out is searched for those bytes:
 * exported state, reports, events, log lines, error messages (with their causes) and
 * util.inspect of the live objects.
 */
let f: EnvelopeFixture;
const keys: Buffer[] = [];
const outputs: string[] = [];

beforeEach(async () => {
  f = await startEnvelope();
  keys.length = 0;
  outputs.length = 0;
  for (const region of ['us-east-1', 'eu-west-1']) {
    f.factory.clientFor(region).middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const plaintext = (result.output as { Plaintext?: Uint8Array } | undefined)?.Plaintext;
        if (plaintext) keys.push(Buffer.from(plaintext));
        return result;
      },
      { step: 'initialize', name: 'captureKeysForTheLeakScan' },
    );
  }
});

afterEach(async () => {
  await f.close();
});

const logger: Logger = {
  debug: (m, x) => outputs.push(JSON.stringify([m, x])),
  info: (m, x) => outputs.push(JSON.stringify([m, x])),
  warn: (m, x) => outputs.push(JSON.stringify([m, x])),
  error: (m, x) => outputs.push(JSON.stringify([m, x])),
};

function recordError(err: unknown): void {
  outputs.push(String(err), (err as Error).message, inspect(err, { depth: 10 }), JSON.stringify(err));
}

async function expectFailure(p: Promise<unknown>): Promise<void> {
  await p.then(
    () => expect.fail('expected a failure'),
    (err: unknown) => recordError(err),
  );
}

/** Database keys, unwrapped from the exported state with master keys the test got from KMS. */
function databaseKeysOf(state: ClusterState, masterKeys: Buffer[]): Buffer[] {
  const found: Buffer[] = [];
  for (const node of state.nodes) {
    for (const db of node.databases) {
      for (const k of db.keys) {
        for (const m of masterKeys) {
          try {
            const master = SecretKey.adopt('test', Buffer.from(m));
            const binding = { tenant: state.tenant, cluster: state.cluster, node: node.node, database: db.name, databaseKeyId: db.keyId, version: k.version, masterKeyVersion: k.masterKeyVersion };
            unwrapDatabaseKey(master, Buffer.from(k.wrappedKey, 'base64'), binding, 'test').withBytes((b) => found.push(Buffer.from(b)));
          } catch {
            // not this master key
          }
        }
      }
    }
  }
  return found;
}

it('no plaintext key appears, raw, hex or base64, in anything the core exports, reports, logs, emits or throws', async () => {
  const cmk = await f.createCmk({ multiRegion: true, replicas: ['eu-west-1'] });
  const cluster = await f.cluster({ cmk: cmk.keyId, logger, cacheLimits: { maxOperations: 50 } });
  const events: unknown[] = [];
  cluster.events.onAny((name, payload) => events.push([name, payload]));

  const n1 = await cluster.addNode('n1');
  const n2 = await cluster.addNode('n2');
  await n1.addDatabase('orders');
  await n2.addDatabase('orders');
  const records = (await n1.encryptRecords('orders', Array.from({ length: 20 }, (_, i) => ({ recordId: `r${i}`, plaintext: Buffer.from(`record ${i}`) })))).map((sealed, i) => ({ recordId: `r${i}`, sealed }));
  await n1.countOperations('orders', 120);
  await n1.rotateDatabaseKey('orders');
  const moved = await n1.reencryptRecords('orders', records, { batchSize: 7 });
  const snapshot = await cluster.takeSnapshot('n1', 'orders', moved.records);
  await f.admin().send(new RotateKeyOnDemandCommand({ KeyId: cmk.keyId }));
  outputs.push(JSON.stringify(await cluster.refreshCmk()), JSON.stringify(await cluster.rotateMasterKeys()));
  outputs.push(JSON.stringify(await n1.healthCheck()));
  const next = await f.createCmk({ multiRegion: true, replicas: ['eu-west-1'] });
  outputs.push(JSON.stringify(await cluster.replaceCmk(next.keyId)));
  outputs.push(JSON.stringify(await cluster.restoreSnapshot(snapshot.snapshot.id, snapshot.records).then((r) => r.length)));

  // Failures of every kind, each message kept.
  await expectFailure(n1.decryptRecord('r1', Buffer.from(moved.records[2]?.sealed as Uint8Array)));
  const tampered = Buffer.from(moved.records[1]?.sealed as Uint8Array);
  tampered[40] = (tampered[40] as number) ^ 1;
  await expectFailure(n1.decryptRecord('r1', tampered));
  await expectFailure(cluster.switchRegion('sa-east-1'));
  f.faults.outage('us-east-1');
  await expectFailure(n2.restart());
  await cluster.switchRegion('eu-west-1');
  await n2.start();
  f.faults.clear();
  await f.revoke(next.keyId);
  await f.revoke(next.keyId, 'eu-west-1');
  outputs.push(JSON.stringify(await n1.healthCheck()));
  await expectFailure(n1.restart());
  await expectFailure(n2.countOperations('orders', 500));

  const state = cluster.exportState();
  outputs.push(
    JSON.stringify(state),
    JSON.stringify(events),
    JSON.stringify(cluster.dependencies()),
    JSON.stringify(cluster.snapshots()),
    JSON.stringify([n1.cacheStats(), n2.cacheStats(), n1.lastFailure, n2.lastFailure]),
    inspect(cluster, { depth: 12 }),
    inspect(n2, { depth: 12 }),
  );
  outputs.push(inspect(EnvelopeCluster.restore(state, { kms: f.port, pool: f.pool }), { depth: 12 }));

  const allKeys = [...keys, ...databaseKeysOf(state, keys)];
  // 2 nodes × (provision + rotation + restarts) and a snapshot key came from KMS; the database keys from the state.
  expect(keys.length).toBeGreaterThanOrEqual(6);
  expect(allKeys.length).toBeGreaterThanOrEqual(keys.length + 2);
  expect(events.length).toBeGreaterThan(20);

  const haystack = outputs.join('\n');
  const haystackBytes = Buffer.from(haystack, 'utf8');
  const haystackLatin1 = Buffer.from(haystack, 'latin1');
  for (const key of allKeys) {
    for (const part of [key, key.subarray(0, 16), key.subarray(16)]) {
      expect(haystackBytes.includes(part)).toBe(false);
      expect(haystackLatin1.includes(part)).toBe(false);
      for (const form of [part.toString('hex'), part.toString('hex').toUpperCase(), part.toString('base64').replace(/=+$/, ''), part.toString('base64url')]) {
        expect(haystack.includes(form), `a key leaked as ${form.slice(0, 8)}…`).toBe(false);
      }
    }
  }
});
