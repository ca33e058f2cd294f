import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsStore } from '../../src-main/kms/embedded/kms-store';
import { MaterialVault } from '../../src-main/kms/embedded/material-vault';
import type { GrantRecord, KeyRecord } from '../../src-main/kms/embedded/model';

/**
 * The embedded KMS finds a multi-Region key's members and a key's grants through indexes, not by
 * looking at every key and grant (a fleet has thousands). The indexes must say what the records
 * say: after writes, deletes, rolled-back changes and a reopen of the data folder.
 */
const key = (keyId: string, region: string, state: KeyRecord['state'] = 'Enabled'): KeyRecord => ({
  keyId, region, account: '111122223333', arn: `arn:aws:kms:${region}:111122223333:key/${keyId}`, createdAt: 0, description: '', state,
  deletionDate: undefined, pendingWindowDays: undefined, multiRegion: true, policy: '{}', tags: {},
});
const grant = (grantId: string, keyId: string, region = 'us-east-1', createdAt = 0): GrantRecord => ({
  grantId, token: `token-${grantId}`, region, keyId, name: undefined, createdAt, granteePrincipal: 'arn:aws:iam::111122223333:role/app',
  retiringPrincipal: undefined, issuingAccount: '111122223333', operations: ['Decrypt'], constraints: undefined,
});
const regions = (store: KmsStore, keyId: string) => store.keysWithId(keyId).map((k) => k.region).sort();
const grantIds = (store: KmsStore, region: string, keyId: string) => store.grantsFor(region, keyId).map((g) => g.grantId);

describe('embedded KMS store: keys by id and grants by key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("lists a key id's regional keys and a key's grants as written, deleted and rolled back", () => {
    const store = KmsStore.open(undefined, MaterialVault.ephemeral());
    const mrk = 'mrk-1234567890abcdef1234567890abcdef';
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) store.putKey(key(mrk, region));
    store.putKey(key('11111111-2222-3333-4444-555555555555', 'us-east-1'));
    expect(regions(store, mrk)).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
    // A changed record replaces the one the index held.
    store.putKey(key(mrk, 'us-west-2', 'Disabled'));
    expect(store.keysWithId(mrk).find((k) => k.region === 'us-west-2')?.state).toBe('Disabled');
    store.deleteKey('eu-west-1', mrk);
    expect(regions(store, mrk)).toEqual(['us-east-1', 'us-west-2']);
    // A change that fails leaves both the records and the index as they were.
    expect(() => store.atomically(() => {
      store.deleteKey('us-east-1', mrk);
      store.putKey(key(mrk, 'ap-south-1'));
      throw new Error('refused halfway');
    })).toThrow('refused halfway');
    expect(regions(store, mrk)).toEqual(['us-east-1', 'us-west-2']);
    expect(store.getKey('us-east-1', mrk)?.state).toBe('Enabled');

    store.putGrant(grant('g2', mrk, 'us-east-1', 2));
    store.putGrant(grant('g1', mrk, 'us-east-1', 1));
    store.putGrant(grant('g3', mrk, 'us-west-2'));
    expect(grantIds(store, 'us-east-1', mrk)).toEqual(['g1', 'g2']);
    expect(grantIds(store, 'us-west-2', mrk)).toEqual(['g3']);
    store.deleteGrant('g2');
    expect(grantIds(store, 'us-east-1', mrk)).toEqual(['g1']);
    // Written again under another region's key: listed there only.
    store.putGrant(grant('g3', mrk, 'us-east-1', 3));
    expect(grantIds(store, 'us-west-2', mrk)).toEqual([]);
    expect(grantIds(store, 'us-east-1', mrk)).toEqual(['g1', 'g3']);
    store.deleteGrant('g3');
    expect(() => store.atomically(() => {
      store.deleteGrant('g1');
      store.putGrant(grant('g4', mrk));
      throw new Error('refused halfway');
    })).toThrow('refused halfway');
    expect(grantIds(store, 'us-east-1', mrk)).toEqual(['g1']);
    store.close();
  });

  it('rebuilds the indexes from the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keydrill-kms-store-'));
    dirs.push(dir);
    const first = KmsStore.open(dir, MaterialVault.openOrCreate(dir));
    first.putKey(key('mrk-aaaa', 'us-east-1'));
    first.putKey(key('mrk-aaaa', 'us-west-2'));
    first.putGrant(grant('g1', 'mrk-aaaa', 'us-west-2'));
    first.close();
    const again = KmsStore.open(dir, MaterialVault.openOrCreate(dir));
    expect(regions(again, 'mrk-aaaa')).toEqual(['us-east-1', 'us-west-2']);
    expect(grantIds(again, 'us-west-2', 'mrk-aaaa')).toEqual(['g1']);
    again.close();
  });

  it('tells the core of each key id it changes, so a deletion date set now is acted on at that date', () => {
    const store = KmsStore.open(undefined, MaterialVault.ephemeral());
    const heard: string[] = [];
    store.onKeyChange = (keyId) => heard.push(keyId);
    store.putKey(key('mrk-bbbb', 'us-east-1'));
    store.putKey({ ...key('mrk-bbbb', 'us-west-2', 'PendingDeletion'), deletionDate: 1_000 });
    store.deleteKey('us-west-2', 'mrk-bbbb');
    expect(heard).toEqual(['mrk-bbbb', 'mrk-bbbb', 'mrk-bbbb']);
    store.close();
  });
});
