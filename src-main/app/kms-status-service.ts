import type { KeySummary, KmsStatus } from '../../src-shared/api';
import type { EmbeddedKms } from '../kms/embedded/embedded-kms';
import { nextRotationAt } from '../kms/embedded/model';

/** What the embedded KMS holds, for the UI: keys per region with state, rotation and aliases. */
export function kmsStatus(kms: EmbeddedKms, endpoint: string | null, dataDir: string | null): KmsStatus {
  const store = kms.core.store;
  const keys: KeySummary[] = store.allKeys().map((key) => {
    const family = store.getFamily(key.keyId);
    const next = family ? nextRotationAt(family) : undefined;
    return {
      keyId: key.keyId,
      arn: key.arn,
      region: key.region,
      state: key.state,
      description: key.description,
      multiRegion: key.multiRegion,
      role: !key.multiRegion ? 'single-region' : family?.primaryRegion === key.region ? 'primary' : 'replica',
      aliases: store.aliasesIn(key.region).filter((a) => a.targetKeyId === key.keyId).map((a) => a.name),
      materialVersions: family?.materials.length ?? 0,
      rotationEnabled: family?.rotationEnabled ?? false,
      nextRotation: next === undefined ? null : new Date(next).toISOString(),
      deletionDate: key.deletionDate === undefined ? null : new Date(key.deletionDate).toISOString(),
    };
  });
  keys.sort((a, b) => a.region.localeCompare(b.region) || a.keyId.localeCompare(b.keyId));
  return {
    backend: 'embedded',
    endpoint,
    account: kms.account,
    dataDir,
    identities: kms.identities.map((i) => ({ name: i.name, arn: i.callerArn })),
    keys,
  };
}
