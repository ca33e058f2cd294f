import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embeddedPeer, LOCALSTACK_ENDPOINT, localstackPeer, requireLocalStackInCi, type Peer } from './interop-peers';
import { SEQUENCES } from './kms-sequences';
import { LOCALSTACK_DEPARTURES } from './localstack-departures';
import { Transcript } from './transcript';

requireLocalStackInCi();

/**
 * The same KMS call sequences through @aws-sdk/client-kms against the embedded KMS and LocalStack,
 * compared step by step and field by field. Every difference must be a documented LocalStack
 * departure from AWS; every documented departure must still be observed.
 */
describe.skipIf(!LOCALSTACK_ENDPOINT)('the embedded KMS and LocalStack answer the same call sequences alike, except where LocalStack departs from AWS', () => {
  let embedded: Peer;
  let localstack: Peer;
  beforeAll(async () => {
    embedded = await embeddedPeer();
    localstack = localstackPeer(LOCALSTACK_ENDPOINT as string);
  });
  afterAll(async () => {
    await embedded?.close();
    await localstack?.close();
  });

  for (const [name, sequence] of Object.entries(SEQUENCES)) {
    it(name, async () => {
      const ours = new Transcript();
      const theirs = new Transcript();
      await sequence(embedded, ours);
      await sequence(localstack, theirs);
      expect(theirs.steps.map((s) => s.step)).toEqual(ours.steps.map((s) => s.step));
      const documented = new Set(LOCALSTACK_DEPARTURES.filter((d) => d.sequence === name).map((d) => d.step));
      const differing = ours.steps.filter((s, i) => !isDeepStrictEqual(s.outcome, theirs.steps[i]?.outcome)).map((s) => s.step);
      const report = ours.steps
        .filter((s) => differing.includes(s.step) !== documented.has(s.step))
        .map((s) => `${s.step}\n  embedded:   ${JSON.stringify(s.outcome)}\n  localstack: ${JSON.stringify(theirs.steps.find((t) => t.step === s.step)?.outcome)}`);
      expect(report, 'steps whose agreement differs from docs/backends.md').toEqual([]);
      expect(differing.sort()).toEqual([...documented].sort());
    });
  }
});
