import { CreateGrantCommand, CreateKeyCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { expect, it } from 'vitest';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { ManualClock } from '../../src-main/common/clock';
import { seededIds } from '../../src-main/common/id-source';
import { startEmbeddedBackend } from '../../src-main/kms/embedded-backend';

async function drillOnce(seed: string) {
  const events: CloudTrailRecord[] = [];
  const backend = await startEmbeddedBackend({ clock: new ManualClock(), ids: seededIds(`kms:${seed}`) });
  try {
    const kms = backend.factory('admin', { ids: seededIds(`trail:${seed}`), sink: { record: (e) => events.push(e), observe: () => undefined }, maxAttempts: 1 }).clientFor('us-east-1');
    const key = await kms.send(new CreateKeyCommand({ MultiRegion: true }));
    const grant = await kms.send(new CreateGrantCommand({ KeyId: key.KeyMetadata?.KeyId, GranteePrincipal: backend.kms.identity('service').principalArn, Operations: ['Decrypt'] }));
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyMetadata?.KeyId, KeySpec: 'AES_256' }));
    return { arn: key.KeyMetadata?.Arn, grantId: grant.GrantId, materialId: dk.KeyMaterialId, plaintext: Buffer.from(dk.Plaintext!).toString('hex'), events };
  } finally {
    await backend.close();
  }
}

it('with a seeded id source the same calls give the same key ids, grant ids and CloudTrail records, but never the same key material', async () => {
  const a = await drillOnce('42');
  const b = await drillOnce('42');
  const c = await drillOnce('43');
  expect(b.arn).toBe(a.arn);
  expect(b.grantId).toBe(a.grantId);
  expect(b.materialId).toBe(a.materialId);
  expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
  expect(c.arn).not.toBe(a.arn);
  expect(b.plaintext).not.toBe(a.plaintext);
});
