import {
  CreateKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  type KMSClient,
  PutKeyPolicyCommand,
  ReplicateKeyCommand,
} from '@aws-sdk/client-kms';
import { EnvelopeCluster, type CreateClusterOptions } from '../../src-main/envelope/envelope-cluster';
import type { EnvelopeEventMap, EnvelopeEventName } from '../../src-main/envelope/envelope-events';
import { RecordCipherPool } from '../../src-main/envelope/record-cipher-pool';
import { SdkKmsPort } from '../../src-main/envelope/sdk-kms-port';
import { credentialsOf } from '../../src-main/kms/embedded-backend';
import { FaultInjector } from '../../src-main/kms/fault-injector';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';
import { startKms, type KmsHarness } from './kms-harness';

/**
 * The envelope core against the real embedded KMS over HTTP: the admin owns the tenant's CMK, the
 * core calls as the service role through KmsClientFactory (with its fault injector), one
 * ManualClock drives KMS and core alike.
 */
export const ACCOUNT = '111122223333';
export const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/keydrill-service`;
const ROOT_STATEMENT = { Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const SERVICE_STATEMENT = {
  Sid: 'AllowKeyDrillService',
  Effect: 'Allow',
  Principal: { AWS: SERVICE_ROLE },
  Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:Encrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo', 'kms:DescribeKey'],
  Resource: '*',
};

/** The tenant's key policy: the account root administers, the service role may use the key (or only `actions`). */
export const servicePolicy = (actions: string[] = SERVICE_STATEMENT.Action): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [ROOT_STATEMENT, { ...SERVICE_STATEMENT, Action: actions }] });
/** The same policy with the service role's statement removed: revocation. */
export const revokedPolicy = (): string => JSON.stringify({ Version: '2012-10-17', Statement: [ROOT_STATEMENT] });

export interface EnvelopeFixture {
  h: KmsHarness;
  admin(region?: string): KMSClient;
  faults: FaultInjector;
  factory: KmsClientFactory;
  port: SdkKmsPort;
  pool: RecordCipherPool;
  createCmk(options?: { multiRegion?: boolean; replicas?: string[]; region?: string }): Promise<{ keyId: string; arn: string }>;
  revoke(keyId: string, region?: string): Promise<void>;
  grantBack(keyId: string, region?: string): Promise<void>;
  /** Lets the service role do only `actions` with the key. */
  allowOnly(keyId: string, actions: string[], region?: string): Promise<void>;
  disable(keyId: string, region?: string): Promise<void>;
  enable(keyId: string, region?: string): Promise<void>;
  cluster(options: Partial<CreateClusterOptions> & { cmk: string }): Promise<EnvelopeCluster>;
  /** Every event the clusters made by `cluster()` emitted, in order. */
  events: { name: EnvelopeEventName; payload: EnvelopeEventMap[EnvelopeEventName] }[];
  close(): Promise<void>;
}

export async function startEnvelope(options: { persistent?: boolean } = {}): Promise<EnvelopeFixture> {
  const h = await startKms({ persistent: options.persistent ?? false });
  const service = h.kms.identity('service');
  const faults = new FaultInjector();
  const factory = new KmsClientFactory({
    backend: 'embedded',
    endpoint: h.endpoint,
    credentials: credentialsOf(service),
    faults,
    clock: h.clock,
    maxAttempts: 1,
  });
  const port = new SdkKmsPort((region) => factory.clientFor(region));
  const pool = new RecordCipherPool({ threads: 0 });
  const admins = new Map<string, KMSClient>();
  const admin = (region = 'us-east-1'): KMSClient => {
    let client = admins.get(region);
    if (!client) admins.set(region, (client = h.client('admin', region)));
    return client;
  };
  const clusters: EnvelopeCluster[] = [];
  const events: EnvelopeFixture['events'] = [];
  return {
    h,
    admin,
    faults,
    factory,
    port,
    pool,
    async createCmk({ multiRegion = false, replicas = [], region = 'us-east-1' } = {}) {
      const { KeyMetadata } = await admin(region).send(new CreateKeyCommand({ Description: 'tenant CMK', MultiRegion: multiRegion, Policy: servicePolicy() }));
      const keyId = KeyMetadata?.KeyId as string;
      for (const replica of replicas) await admin(region).send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: replica, Policy: servicePolicy() }));
      return { keyId, arn: KeyMetadata?.Arn as string };
    },
    async revoke(keyId, region = 'us-east-1') {
      await admin(region).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: revokedPolicy() }));
    },
    async grantBack(keyId, region = 'us-east-1') {
      await admin(region).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: servicePolicy() }));
    },
    async allowOnly(keyId, actions, region = 'us-east-1') {
      await admin(region).send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: servicePolicy(actions) }));
    },
    async disable(keyId, region = 'us-east-1') {
      await admin(region).send(new DisableKeyCommand({ KeyId: keyId }));
    },
    async enable(keyId, region = 'us-east-1') {
      await admin(region).send(new EnableKeyCommand({ KeyId: keyId }));
    },
    async cluster(opts) {
      const cluster = await EnvelopeCluster.create({ kms: port, clock: h.clock, pool, tenant: 'acme', cluster: 'c1', region: 'us-east-1', ...opts });
      cluster.events.onAny((name, payload) => events.push({ name, payload }));
      clusters.push(cluster);
      return cluster;
    },
    events,
    async close() {
      for (const c of clusters) await c.close();
      await pool.close();
      factory.destroy();
      await h.close();
    },
  };
}
