import { expect, it } from 'vitest';
import { startEmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { probeCapabilities } from '../../src-main/kms/backend-capabilities';
import { ManualClock } from '../../src-main/common/clock';

it('probing the embedded KMS finds that it enforces key state, key policies and multi-Region sync, and leaves no usable key behind', async () => {
  const backend = await startEmbeddedBackend({ clock: new ManualClock() });
  try {
    const admin = backend.factory('admin', { maxAttempts: 1 });
    const service = backend.factory('service', { maxAttempts: 1 });
    const caps = await probeCapabilities('embedded', {
      admin: (r) => admin.clientFor(r),
      other: (r) => service.clientFor(r),
      otherPrincipalArn: backend.kms.identity('service').principalArn,
      account: backend.kms.account,
      regions: ['us-east-1', 'eu-west-1'],
    });
    expect(caps).toMatchObject({
      disabledKeyRefusesDecrypt: true,
      keyPolicyEnforced: true,
      replicasFollowRotation: true,
      unambiguousEncryptionContext: true,
      listKeyRotations: true,
      updatePrimaryRegion: true,
    });
    const states = backend.kms.core.store.allKeys().map((k) => k.state);
    expect(states.length).toBeGreaterThan(0);
    expect(states.every((s) => s === 'PendingDeletion' || s === 'PendingReplicaDeletion')).toBe(true);
  } finally {
    await backend.close();
  }
});
