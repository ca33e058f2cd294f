import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/common/clock';
import { InvariantError } from '../../src-main/common/needs';
import { createDatabase, unwrapVersion } from '../../src-main/envelope/database-keys';
import { EnvelopeEvents } from '../../src-main/envelope/envelope-events';
import type { DatabaseState } from '../../src-main/envelope/hierarchy-state';
import { KeyCache } from '../../src-main/envelope/key-cache';
import { regionalArn } from '../../src-main/envelope/kms-region-router';
import { countOperations, encryptRecords, type NodeKeyAccess } from '../../src-main/envelope/node-records';
import { RecordCipherPool } from '../../src-main/envelope/record-cipher-pool';
import { recordPrefix } from '../../src-main/envelope/record-format';
import { runReencryptJob } from '../../src-main/envelope/reencrypt-job';
import { SecretKey } from '../../src-main/envelope/secret-key';

/**
 * Each `needs(cond, sentence)` in src-main/envelope has a test titled by the same sentence that
 * breaks the invariant and sees exactly that InvariantError (CONVENTIONS 9).
 */
const ids = { tenant: 'acme', cluster: 'c1', node: 'n1' };
const pool = new RecordCipherPool({ threads: 0 });

/** A node whose databaseKey() forgets to cache what it returns: a broken NodeKeyAccess. */
function leakyNode(): { node: NodeKeyAccess; db: DatabaseState } {
  const master = SecretKey.random('m');
  const { state: db } = createDatabase(ids, 'orders', master, 1, 0, randomUUID());
  const node: NodeKeyAccess = {
    id: 'n1',
    cache: new KeyCache(new ManualClock()),
    pool,
    database: () => db,
    databaseByKeyId: () => db,
    databaseKey: async () => SecretKey.random('uncached'),
  };
  return { node, db };
}

const cases: [string, () => unknown][] = [
  ['A secret key is exactly 32 bytes.', () => SecretKey.adopt('short', Buffer.alloc(16))],
  [
    'A key is used only before it is destroyed.',
    () => {
      const key = SecretKey.random('k');
      key.destroy();
      return key.keyObject();
    },
  ],
  ['A record key id is a lower-case UUID.', () => recordPrefix({ keyId: 'ORDERS', version: 1 })],
  ['A record key version is an unsigned 32-bit integer.', () => recordPrefix({ keyId: randomUUID(), version: 2 ** 32 })],
  ['A record id is 1 to 1024 bytes of UTF-8.', () => pool.seal(SecretKey.random('k'), { keyId: randomUUID(), version: 1 }, [{ recordId: 'x'.repeat(1025), plaintext: Buffer.from('a') }])],
  [
    'An output buffer holds the whole batch.',
    () => pool.seal(SecretKey.random('k'), { keyId: randomUUID(), version: 1 }, [{ recordId: 'r', plaintext: Buffer.alloc(100) }], { into: Buffer.alloc(100) }),
  ],
  ['A record is opened only after its header was read.', () => pool.open(SecretKey.random('k'), [{ recordId: 'r', sealed: Buffer.alloc(10) }])],
  [
    'A database key is unwrapped by the master key version that wrapped it.',
    () => {
      const master = SecretKey.random('m');
      const { state } = createDatabase(ids, 'orders', master, 1, 0, randomUUID());
      return unwrapVersion(ids, state, 1, master, 2);
    },
  ],
  ['A CMK is identified by a key ARN.', () => regionalArn('alias/tenant-cmk', 'eu-west-1')],
  ['Cache limits are positive.', () => new KeyCache(new ManualClock(), { maxOperations: 0 })],
  ['A cached key is put below a parent that is cached.', () => new KeyCache(new ManualClock()).put('db', SecretKey.random('k'), 'master')],
  ['Counted operations and bytes are not negative.', () => new KeyCache(new ManualClock()).count('db', -1, 0)],
  ['A database key just fetched is in the cache.', () => encryptRecords(leakyNode().node, 'orders', [{ recordId: 'r', plaintext: Buffer.from('x') }])],
  ['Counted operations are a whole number and bytes are not negative.', () => countOperations(leakyNode().node, 'orders', 1.5, 0)],
  ['A re-encrypt batch holds at least one record.', () => runReencryptJob(leakyNode().node, new EnvelopeEvents(), 'orders', [], { batchSize: 0 })],
  [
    'Every record given to a re-encrypt job belongs to its database.',
    async () => {
      const foreign = await pool.seal(SecretKey.random('k'), { keyId: randomUUID(), version: 1 }, [{ recordId: 'r', plaintext: Buffer.from('x') }]);
      return runReencryptJob(leakyNode().node, new EnvelopeEvents(), 'orders', [{ recordId: 'r', sealed: foreign[0] as Uint8Array }]);
    },
  ],
];

describe('envelope invariants', () => {
  for (const [sentence, breakIt] of cases) {
    it(sentence, async () => {
      await expect(Promise.resolve().then(breakIt)).rejects.toEqual(new InvariantError(sentence));
    });
  }
});
