import { CreateKeyCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

let h: KmsHarness;
beforeEach(async () => {
  h = await startKms();
});
afterEach(() => h.close());

it('paging through ListKeys while keys are being created never returns a key twice', async () => {
  const kms = h.client();
  for (let i = 0; i < 5; i++) await kms.send(new CreateKeyCommand({}));
  const first = await kms.send(new ListKeysCommand({ Limit: 2 }));
  expect(first.Truncated).toBe(true);
  // Created at the same (manual) clock time: it may sort before the marker, but must not shift the pages.
  for (let i = 0; i < 3; i++) await kms.send(new CreateKeyCommand({}));
  const seen = new Set(first.Keys?.map((k) => k.KeyId));
  let marker = first.NextMarker;
  while (marker) {
    const next = await kms.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
    for (const k of next.Keys ?? []) {
      expect(seen.has(k.KeyId)).toBe(false);
      seen.add(k.KeyId);
    }
    marker = next.NextMarker;
  }
  expect(seen.size).toBeGreaterThanOrEqual(5);
});

it('a marker that was not issued by the server is refused with InvalidMarkerException', async () => {
  const err = await failure(h.client().send(new ListKeysCommand({ Marker: 'not-a-marker' })));
  expect(err.name).toBe('InvalidMarkerException');
  expect(err.message).toContain('NextMarker');
});
