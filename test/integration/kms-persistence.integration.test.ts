import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListAliasesCommand,
  ListGrantsCommand,
  ListKeyRotationsCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedKms } from '../../src-main/kms/embedded/embedded-kms';
import type { Identity } from '../../src-main/kms/embedded/identities';
import { credentialsOf } from '../../src-main/kms/embedded-backend';
import { failure, startKms, type KmsHarness } from '../support/kms-harness';

const ACCOUNT = '111122223333';
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/keydrill-service`;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
    { Sid: 'Service may describe', Effect: 'Allow', Principal: { AWS: SERVICE_ROLE }, Action: 'kms:DescribeKey', Resource: '*' },
  ],
});

/** What the first server left behind, to compare with what a restarted one reports. */
const before = {
  appKey: '', appArn: '', disabledKey: '', doomedKey: '', doomedDeletion: 0, mrk: '', grantId: '', nextRotation: 0,
  oldBlob: new Uint8Array() as Uint8Array, newBlob: new Uint8Array() as Uint8Array, mrkBlob: new Uint8Array() as Uint8Array,
  dataKey: Buffer.alloc(0), materials: [] as Buffer[],
};
let first: KmsHarness;
let dataDir: string;

const secret = Buffer.from('persisted secret');
const ids = (keys: { KeyId?: string | undefined }[] | undefined): string[] => (keys ?? []).map((k) => k.KeyId!);

/** The credentials the data folder's identities.json holds, as a user would read them. */
function identitiesFile(): Identity[] {
  return (JSON.parse(readFileSync(join(dataDir, 'identities.json'), 'utf8')) as { identities: Identity[] }).identities;
}

/** How many of this process's file descriptors point at `file`: 0 where /proc is not available. */
function openHandlesTo(file: string): number {
  if (!existsSync('/proc/self/fd')) return 0;
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

function clientFor(endpoint: string, name: string, region = 'us-east-1'): KMSClient {
  const id = identitiesFile().find((i) => i.name === name)!;
  return new KMSClient({ endpoint, region, maxAttempts: 1, credentials: credentialsOf(id) });
}

beforeAll(async () => {
  first = await startKms({ persistent: true });
  dataDir = first.dataDir!;
  const kms = first.client('admin');
  const app = (await kms.send(new CreateKeyCommand({ Description: 'application data', Tags: [{ TagKey: 'team', TagValue: 'payments' }] }))).KeyMetadata!;
  before.appKey = app.KeyId!;
  before.appArn = app.Arn!;
  await kms.send(new PutKeyPolicyCommand({ KeyId: app.KeyId, PolicyName: 'default', Policy: POLICY }));
  await kms.send(new CreateAliasCommand({ AliasName: 'alias/app', TargetKeyId: app.KeyId }));
  before.grantId = (await kms.send(new CreateGrantCommand({ KeyId: app.KeyId, GranteePrincipal: SERVICE_ROLE, Operations: ['Encrypt', 'Decrypt'], Name: 'service-crypto' }))).GrantId!;
  before.oldBlob = (await kms.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: secret, EncryptionContext: { table: 'orders' } }))).CiphertextBlob!;
  await kms.send(new RotateKeyOnDemandCommand({ KeyId: app.KeyId }));
  await kms.send(new EnableKeyRotationCommand({ KeyId: app.KeyId, RotationPeriodInDays: 180 }));
  before.nextRotation = (await kms.send(new GetKeyRotationStatusCommand({ KeyId: app.KeyId }))).NextRotationDate!.getTime();
  before.newBlob = (await kms.send(new EncryptCommand({ KeyId: app.KeyId, Plaintext: secret }))).CiphertextBlob!;

  before.disabledKey = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  await kms.send(new DisableKeyCommand({ KeyId: before.disabledKey }));
  before.doomedKey = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
  before.doomedDeletion = (await kms.send(new ScheduleKeyDeletionCommand({ KeyId: before.doomedKey, PendingWindowInDays: 7 }))).DeletionDate!.getTime();

  before.mrk = (await kms.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
  await kms.send(new ReplicateKeyCommand({ KeyId: before.mrk, ReplicaRegion: 'eu-west-1', Description: 'replica' }));
  before.mrkBlob = (await kms.send(new EncryptCommand({ KeyId: before.mrk, Plaintext: secret }))).CiphertextBlob!;

  before.dataKey = Buffer.from((await kms.send(new GenerateDataKeyCommand({ KeyId: app.KeyId, KeySpec: 'AES_256' }))).Plaintext!);
  // Key material is not reachable through the API; copy it from the running server to look for it on disk.
  for (const [region, keyId] of [['us-east-1', before.appKey], ['us-east-1', before.mrk]] as const) {
    const family = first.kms.core.family(first.kms.core.store.getKey(region, keyId)!);
    before.materials.push(...family.materials.map((m) => Buffer.from(m.bytes)));
  }
  await first.kms.close(); // the server stops; its data folder stays until first.close()
});
afterAll(async () => {
  await first?.close();
});

describe('a persistent embedded KMS across a restart', () => {
  it('a new server on the same folder accepts the same credentials and has every key, alias, grant, policy, rotation and replica', async () => {
    const second = await startKms({ dataDir, clock: first.clock });
    try {
      expect(second.kms.identity('admin').accessKeyId).toBe(identitiesFile().find((i) => i.name === 'admin')!.accessKeyId);
      const kms = clientFor(second.endpoint, 'admin');
      const service = clientFor(second.endpoint, 'service');
      const eu = clientFor(second.endpoint, 'admin', 'eu-west-1');
      try {
        expect(ids((await kms.send(new ListKeysCommand({}))).Keys).sort()).toEqual([before.appKey, before.disabledKey, before.doomedKey, before.mrk].sort());
        expect((await kms.send(new DescribeKeyCommand({ KeyId: 'alias/app' }))).KeyMetadata).toMatchObject({ KeyId: before.appKey, Description: 'application data', KeyState: 'Enabled' });
        expect((await kms.send(new DescribeKeyCommand({ KeyId: before.disabledKey }))).KeyMetadata!.KeyState).toBe('Disabled');
        const doomed = (await kms.send(new DescribeKeyCommand({ KeyId: before.doomedKey }))).KeyMetadata!;
        expect(doomed.KeyState).toBe('PendingDeletion');
        expect(doomed.DeletionDate!.getTime()).toBe(before.doomedDeletion);

        expect((await kms.send(new GetKeyPolicyCommand({ KeyId: before.appKey }))).Policy).toBe(POLICY);
        expect((await kms.send(new ListResourceTagsCommand({ KeyId: before.appKey }))).Tags).toEqual([{ TagKey: 'team', TagValue: 'payments' }]);
        expect((await kms.send(new ListAliasesCommand({ KeyId: before.appKey }))).Aliases!.map((a) => a.AliasName)).toEqual(['alias/app']);
        const status = await kms.send(new GetKeyRotationStatusCommand({ KeyId: before.appKey }));
        expect(status).toMatchObject({ KeyRotationEnabled: true, RotationPeriodInDays: 180 });
        expect(status.NextRotationDate!.getTime()).toBe(before.nextRotation);
        expect((await kms.send(new ListKeyRotationsCommand({ KeyId: before.appKey }))).Rotations!.map((r) => r.RotationType)).toEqual(['ON_DEMAND']);

        const grants = (await kms.send(new ListGrantsCommand({ KeyId: before.appKey }))).Grants!;
        expect(grants).toEqual([expect.objectContaining({ GrantId: before.grantId, Name: 'service-crypto', GranteePrincipal: SERVICE_ROLE, Operations: ['Encrypt', 'Decrypt'] })]);
        // The grant still works: the service role's only way to decrypt is the grant.
        const viaGrant = await service.send(new DecryptCommand({ CiphertextBlob: before.newBlob }));
        expect(Buffer.from(viaGrant.Plaintext!)).toEqual(secret);

        // Ciphertext from before the on-demand rotation and after it, and from the multi-Region key in its replica's region.
        const old = await kms.send(new DecryptCommand({ CiphertextBlob: before.oldBlob, EncryptionContext: { table: 'orders' } }));
        expect(Buffer.from(old.Plaintext!)).toEqual(secret);
        expect(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: before.newBlob }))).Plaintext!)).toEqual(secret);
        const replica = (await eu.send(new DescribeKeyCommand({ KeyId: before.mrk }))).KeyMetadata!;
        expect(replica).toMatchObject({ Description: 'replica', MultiRegionConfiguration: { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Region: 'us-east-1' } } });
        expect(Buffer.from((await eu.send(new DecryptCommand({ CiphertextBlob: before.mrkBlob }))).Plaintext!)).toEqual(secret);

        // The deletion scheduled before the restart still happens when its date comes.
        second.clock.set(before.doomedDeletion);
        expect((await failure(kms.send(new DescribeKeyCommand({ KeyId: before.doomedKey })))).name).toBe('NotFoundException');
      } finally {
        for (const c of [kms, service, eu]) c.destroy();
      }
    } finally {
      await second.close();
    }
  });

  it('a folder written before session tokens: its temporary identity is given one, kept in identities.json, the same on every restart', async () => {
    const file = join(dataDir, 'identities.json');
    const original = readFileSync(file, 'utf8');
    try {
      const old = identitiesFile().map(({ sessionToken: _none, ...rest }) => rest);
      writeFileSync(file, JSON.stringify({ identities: old }, null, 2), { mode: 0o600 });
      const opened = await startKms({ dataDir, clock: first.clock });
      const token = opened.kms.identity('service').sessionToken;
      await opened.close();
      expect(token).toMatch(/^IQoJ/);
      expect(identitiesFile().find((i) => i.name === 'service')?.sessionToken).toBe(token);
      expect(identitiesFile().find((i) => i.name === 'admin')?.sessionToken).toBeUndefined();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const again = await startKms({ dataDir, clock: first.clock });
      expect(again.kms.identity('service').sessionToken).toBe(token);
      await again.close();
    } finally {
      writeFileSync(file, original, { mode: 0o600 });
    }
  });

  it('root.key, identities.json and kms.sqlite are readable by their owner only, and no file but root.key holds key material or a data key', () => {
    expect(statSync(join(dataDir, 'root.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'identities.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'kms.sqlite')).mode & 0o777).toBe(0o600);
    const files = readdirSync(dataDir).filter((f) => f !== 'root.key');
    expect(files).toContain('kms.sqlite');
    const contents = files.map((f) => readFileSync(join(dataDir, f)));
    expect(before.materials.length).toBeGreaterThanOrEqual(3);
    for (const secretBytes of [before.dataKey, ...before.materials]) {
      expect(secretBytes).toHaveLength(32);
      for (const needle of [secretBytes, Buffer.from(secretBytes.toString('base64')), Buffer.from(secretBytes.toString('hex'))]) {
        expect(contents.filter((c) => c.includes(needle))).toEqual([]);
      }
    }
  });

  it('a replaced root.key makes opening the folder fail with an error that says so; the right one opens it again', async () => {
    const file = join(dataDir, 'root.key');
    const original = readFileSync(file);
    try {
      writeFileSync(file, randomBytes(32));
      expect(() => new EmbeddedKms({ dataDir })).toThrow(/does not decrypt with this data folder's root\.key \(wrong or replaced root key\?\)/);
      // The failed open leaves no database handle behind (where /proc shows this process's files).
      expect(openHandlesTo(join(realpathSync(dataDir), 'kms.sqlite'))).toBe(0);
      writeFileSync(file, randomBytes(16));
      expect(() => new EmbeddedKms({ dataDir })).toThrow(/root\.key is not a KeyDrill root key \(expected 32 bytes, found 16\)/);
    } finally {
      writeFileSync(file, original);
    }
    const again = await startKms({ dataDir, clock: first.clock });
    try {
      const kms = clientFor(again.endpoint, 'admin');
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: before.newBlob }));
      expect(Buffer.from(out.Plaintext!)).toEqual(secret);
      kms.destroy();
    } finally {
      await again.close();
    }
  });

  it('a second server on a data folder in use is refused with an error naming the folder, and the first keeps serving', async () => {
    const running = await startKms({ dataDir, clock: first.clock });
    try {
      const escaped = dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(() => new EmbeddedKms({ dataDir })).toThrow(new RegExp(`${escaped}.*in use`));
      const kms = clientFor(running.endpoint, 'admin');
      expect(ids((await kms.send(new ListKeysCommand({}))).Keys)).toContain(before.appKey);
      kms.destroy();
    } finally {
      await running.close();
    }
    // Closed, the folder is free again.
    const next = new EmbeddedKms({ dataDir, clock: first.clock });
    await next.close();
  });

  it('a data folder held by another process is refused, naming the folder and that process', async () => {
    const kmsModule = fileURLToPath(new URL('../../src-main/kms/embedded/embedded-kms.ts', import.meta.url));
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
      const { EmbeddedKms } = await import(${JSON.stringify(kmsModule)});
      const kms = new EmbeddedKms({ dataDir: process.argv[1] });
      process.stdout.write('ready\\n');
      process.stdin.resume();
      process.stdin.on('end', async () => { await kms.close(); process.exit(0); });
    `, dataDir], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
      expect(chunk.toString()).toBe('ready\n');
      const escaped = dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(() => new EmbeddedKms({ dataDir })).toThrow(new RegExp(`${escaped} is in use by another KeyDrill process \\(pid ${holder.pid}\\)`));
      holder.stdin!.end();
      expect((await once(holder, 'exit'))[0]).toBe(0);
    } finally {
      if (holder.exitCode === null) holder.kill();
    }
    const next = new EmbeddedKms({ dataDir, clock: first.clock });
    await next.close();
  });
});
