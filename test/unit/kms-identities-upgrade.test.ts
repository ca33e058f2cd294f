import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src-main/kms/embedded/access';
import { defaultIdentities, upgradeIdentities, type Identity } from '../../src-main/kms/embedded/identities';

/** May this identity read its account's CloudTrail event history (LookupEvents)? */
function mayReadEventHistory(identity: Identity): boolean {
  try {
    new AccessControl().authorize({ caller: identity, action: 'cloudtrail:LookupEvents', key: undefined });
    return true;
  } catch {
    return false;
  }
}

describe("identities of an older data folder", () => {
  const account = '111122223333';
  const fresh = defaultIdentities(account);
  const admin = fresh.find((i) => i.name === 'admin')!;

  it('a new administrator reads its event history; the service and vendor roles do not', () => {
    expect(fresh.map((i) => [i.name, mayReadEventHistory(i)])).toEqual([['admin', true], ['service', false], ['vendor', false]]);
  });

  it("the administrator's policy as older KeyDrill wrote it gains cloudtrail:LookupEvents; one the user changed is kept as it is", () => {
    const older = JSON.stringify({ Version: '2012-10-17', Statement: [
      { Sid: 'AdministerKeysOfThisAccount', Effect: 'Allow', Action: 'kms:*', Resource: `arn:aws:kms:*:${account}:*` },
      { Sid: 'OperationsOnNoKey', Effect: 'Allow', Action: ['kms:CreateKey', 'kms:ListKeys', 'kms:ListAliases', 'kms:GenerateRandom'], Resource: '*' },
    ] });
    const [upgraded] = upgradeIdentities([{ ...admin, iamPolicy: older }], account);
    expect(mayReadEventHistory({ ...admin, iamPolicy: older })).toBe(false);
    expect(upgraded?.iamPolicy).toBe(admin.iamPolicy);
    expect(mayReadEventHistory(upgraded!)).toBe(true);
    const narrowed = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] });
    expect(upgradeIdentities([{ ...admin, iamPolicy: narrowed }], account)[0]?.iamPolicy).toBe(narrowed);
  });
});
