import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { canonicalJson } from '../../src-main/drill/canonical-json';
import { InlineDigest, OffThreadDigest, trailDigestFor, OFF_THREAD_FROM_RECORDS } from '../../src-main/drill/trail-digest';

/** Records as a drill makes them, with what canonical JSON must order or leave out: unsorted keys, integer-like keys, undefined members, non-ASCII text. */
function records(count: number, from = 0): CloudTrailRecord[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const context = JSON.parse(`{"tenant":"t${i % 7}","10":"ten","9":"nine","__proto__":{"own":true}}`) as Record<string, unknown>;
    return {
      eventVersion: '1.11',
      userIdentity: { type: 'AssumedRole', principalId: `AROA:n${i}`, accountId: '111122223333' },
      eventTime: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: 'kms.amazonaws.com',
      eventName: i % 3 ? 'Decrypt' : 'GenerateDataKey',
      awsRegion: i % 2 ? 'us-east-1' : 'us-west-2',
      sourceIPAddress: '10.0.0.1',
      userAgent: 'aws-sdk-js/3 — "quoted" \u2028 ünïcode',
      requestParameters: { keyId: `arn:aws:kms:us-east-1:111122223333:key/mrk-${i}`, encryptionContext: context, numberOfBytes: i % 3 ? undefined : 32 },
      responseElements: null,
      requestID: `req-${i}`,
      eventID: `id-${i}`,
      readOnly: true,
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: `arn:aws:kms:us-east-1:111122223333:key/mrk-${i}` }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '111122223333',
      eventCategory: 'Management',
    } as CloudTrailRecord;
  });
}

/** The definition: SHA-256 over each record's canonical JSON and a line break, in order. */
function expected(list: CloudTrailRecord[]): string {
  return createHash('sha256').update(list.map((r) => `${canonicalJson(r)}\n`).join('')).digest('hex');
}

describe('the event-set digest', () => {
  it('worked out on its own thread is the digest of the records as canonical JSON lines, the same as on the drill\'s thread', async () => {
    const all = records(1_000);
    const inline = new InlineDigest();
    const threaded = new OffThreadDigest();
    try {
      for (const r of all) {
        inline.add(r);
        threaded.add(r);
      }
      const hex = await threaded.digest();
      expect(hex).toBe(expected(all));
      expect(await inline.digest()).toBe(hex);
    } finally {
      await threaded.close();
    }
  });

  it('a digest asked for midway covers the records added before it, and the run goes on after it', async () => {
    const first = records(300);
    const then = records(400, 300);
    const threaded = new OffThreadDigest();
    try {
      for (const r of first) threaded.add(r);
      const midway = threaded.digest();
      for (const r of then) threaded.add(r);
      expect(await midway).toBe(expected(first));
      expect(await threaded.digest()).toBe(expected([...first, ...then]));
    } finally {
      await threaded.close();
    }
  });

  it('a record changed after it was added does not change the digest', async () => {
    const [record] = records(1) as [CloudTrailRecord];
    const before = expected([record]);
    const threaded = new OffThreadDigest();
    try {
      threaded.add(record);
      record.eventName = 'Encrypt';
      expect(await threaded.digest()).toBe(before);
    } finally {
      await threaded.close();
    }
  });

  it('when its thread cannot start, the records are hashed here and the digest is the same', async () => {
    const all = records(600);
    const threaded = new OffThreadDigest({ source: 'throw new Error("no trail-digest.js in this bundle")', eval: true });
    try {
      for (const r of all.slice(0, 400)) threaded.add(r);
      const midway = threaded.digest();
      for (const r of all.slice(400)) threaded.add(r);
      expect(await midway).toBe(expected(all.slice(0, 400)));
      expect(await threaded.digest()).toBe(expected(all));
    } finally {
      await threaded.close();
    }
  });

  it('when its thread dies after it started, no digest of fewer records is named', async () => {
    // A thread that starts, says it is ready, then dies with the hash state.
    const source = `const { parentPort } = require('node:worker_threads');
      parentPort.postMessage({ type: 'ready' });
      parentPort.once('message', () => process.exit(3));`;
    const threaded = new OffThreadDigest({ source, eval: true });
    try {
      for (const r of records(600)) threaded.add(r);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(threaded.digest()).rejects.toThrow(/event-set digest could not be worked out: its thread failed/);
      // The drill goes on to its end; still no digest is named for it.
      for (const r of records(300, 600)) threaded.add(r);
      await expect(threaded.digest()).rejects.toThrow(/its thread failed/);
    } finally {
      await threaded.close();
    }
  });

  it('only a drill of thousands of records starts a thread for it', async () => {
    const small = trailDigestFor(OFF_THREAD_FROM_RECORDS - 1);
    const large = trailDigestFor(OFF_THREAD_FROM_RECORDS);
    expect(small).toBeInstanceOf(InlineDigest);
    expect(large).toBeInstanceOf(OffThreadDigest);
    await large.close();
  });
});
