import { CreateAliasCommand, CreateGrantCommand, CreateKeyCommand, EnableKeyRotationCommand, ReplicateKeyCommand } from '@aws-sdk/client-kms';
import type { Scenario } from '../../src-shared/scenario';
import { EventLoopTurns } from '../common/event-loop-turns';
import type { DrillBackend } from './drill-backend';

/**
 * Creates the scenario's keys in the backend as the customer would: each tenant key with a key
 * policy that lets the SaaS service role use it (or a grant, if the scenario says so), its
 * multi-Region replicas, its alias, and automatic rotation when the policy asks for it.
 */
export interface ProvisionedKey {
  id: string;
  tenant: string;
  service: string | undefined;
  keyId: string;
  arn: string;
  region: string;
  multiRegion: boolean;
  replicas: { region: string; arn: string }[];
  alias: string | undefined;
  serviceAccess: 'key-policy' | 'grant';
  /** The key policy's network controls for the service (kept when access is restored). */
  allowFrom: NetworkControls;
  /** Grant ids per region, for serviceAccess: grant. */
  grants: Map<string, string>;
}

const SERVICE_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

/** The key's network controls for the service's statement (seeds/000, seeds/001): source addresses and VPC endpoints. */
export type NetworkControls = { sourceIps?: string[] | undefined; vpcEndpoints?: string[] | undefined } | undefined;

export function keyPolicy(account: string, servicePrincipal: string | undefined, allowFrom?: NetworkControls): string {
  const statements: object[] = [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'kms:*', Resource: '*' }];
  const condition: Record<string, Record<string, string[]>> = {};
  if (allowFrom?.sourceIps) condition.IpAddress = { 'aws:SourceIp': allowFrom.sourceIps };
  if (allowFrom?.vpcEndpoints) condition.StringEquals = { 'aws:SourceVpce': allowFrom.vpcEndpoints };
  if (servicePrincipal) {
    statements.push({ Sid: 'AllowSaaSServiceRole', Effect: 'Allow', Principal: { AWS: servicePrincipal }, Action: SERVICE_ACTIONS, Resource: '*', ...(Object.keys(condition).length ? { Condition: condition } : {}) });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export async function grantService(backend: DrillBackend, key: ProvisionedKey, region: string): Promise<string> {
  const arn = region === key.region ? key.arn : key.replicas.find((r) => r.region === region)?.arn;
  const grant = await backend.admin.clientFor(region).send(new CreateGrantCommand({
    KeyId: arn,
    GranteePrincipal: backend.servicePrincipal,
    Operations: ['Encrypt', 'Decrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GenerateDataKey', 'GenerateDataKeyWithoutPlaintext', 'DescribeKey'],
    Name: `keydrill-${key.id}`,
  }));
  if (!grant.GrantId) throw new Error(`CreateGrant for ${key.id} returned no GrantId`);
  return grant.GrantId;
}

/**
 * Makes the scenario's keys, tenant by tenant; `onTenant` hears how many tenants' keys are made. When
 * `stopped()` says so (a Stop during a fleet's set-up), it stops before the next tenant and returns the
 * keys made so far: they are the run's, and are cleaned up with it.
 */
export async function provisionKeys(scenario: Scenario, backend: DrillBackend, onTenant?: (done: number) => void, stopped: () => boolean = () => false): Promise<Map<string, ProvisionedKey>> {
  const keys = new Map<string, ProvisionedKey>();
  // A fleet's keys take seconds to make on the embedded KMS, whose answers never wait for I/O: the event loop gets its turns.
  const turns = new EventLoopTurns();
  let made = 0;
  for (const tenant of scenario.topology.tenants) {
    await turns.take();
    if (stopped()) break;
    for (const spec of tenant.keys) {
      const policy = keyPolicy(backend.account, spec.serviceAccess === 'key-policy' ? backend.servicePrincipal : undefined, spec.allowFrom);
      const admin = backend.admin.clientFor(spec.region);
      const tags = [{ TagKey: 'keydrill:scenario', TagValue: scenario.name }, { TagKey: 'tenant', TagValue: tenant.id }];
      const created = await admin.send(new CreateKeyCommand({
        Description: `KeyDrill ${scenario.name}: ${tenant.id}${spec.service ? ` ${spec.service}` : ''} CMK (${spec.id})`,
        MultiRegion: spec.multiRegion,
        Policy: policy,
        Tags: tags,
      }));
      const meta = created.KeyMetadata;
      if (!meta?.KeyId || !meta.Arn) throw new Error(`CreateKey for ${spec.id} returned no key`);
      backend.created.keys.push({ keyId: meta.KeyId, region: spec.region });
      const key: ProvisionedKey = {
        id: spec.id, tenant: tenant.id, service: spec.service, keyId: meta.KeyId, arn: meta.Arn, region: spec.region,
        multiRegion: spec.multiRegion, replicas: [], alias: spec.alias, serviceAccess: spec.serviceAccess, allowFrom: spec.allowFrom, grants: new Map(),
      };
      for (const region of spec.replicas) {
        // A replica does not inherit its primary's tags: tag it too, so keydrill cleanup finds it in its own region.
        const replica = await admin.send(new ReplicateKeyCommand({ KeyId: meta.KeyId, ReplicaRegion: region, Policy: policy, Tags: tags }));
        backend.created.keys.push({ keyId: meta.KeyId, region });
        key.replicas.push({ region, arn: replica.ReplicaKeyMetadata?.Arn ?? meta.Arn.replace(`:${spec.region}:`, `:${region}:`) });
      }
      if (spec.alias) key.alias = await createAliases(backend, spec.alias, meta.KeyId, regionsOf(key));
      if (spec.serviceAccess === 'grant') {
        for (const region of [spec.region, ...spec.replicas]) key.grants.set(region, await grantService(backend, key, region));
      }
      if (scenario.policy.cmkRotation.automatic) {
        await admin.send(new EnableKeyRotationCommand({ KeyId: meta.KeyId, RotationPeriodInDays: rotationPeriodDays(scenario) }));
      }
      keys.set(spec.id, key);
    }
    onTenant?.(++made);
  }
  return keys;
}

/** The automatic rotation period KMS accepts (90 to 2560 days) nearest the scenario's. */
export function rotationPeriodDays(scenario: Scenario): number {
  return Math.min(2560, Math.max(90, Math.round(scenario.policy.cmkRotation.period / 86_400_000)));
}

/**
 * The scenario's alias in every region of the key. LocalStack and AWS keep aliases after a run (a
 * key pending deletion keeps its aliases), so there a taken name gets the key id as a suffix rather
 * than failing the drill or moving someone else's alias.
 */
async function createAliases(backend: DrillBackend, alias: string, keyId: string, regions: string[]): Promise<string | undefined> {
  let name = alias;
  let primaryName: string | undefined;
  for (const region of regions) {
    const create = () => backend.admin.clientFor(region).send(new CreateAliasCommand({ AliasName: name, TargetKeyId: keyId }));
    try {
      await create();
    } catch (err) {
      if ((err as Error).name !== 'AlreadyExistsException' || backend.kind === 'embedded' || name !== alias) throw err;
      name = `${alias}-${keyId.replace(/^mrk-/, '').slice(0, 8)}`;
      await create();
    }
    backend.created.aliases.push({ region, name });
    primaryName ??= name;
  }
  return primaryName;
}

/** The key's ARN in `region` (the primary's or a replica's). */
export function arnIn(key: ProvisionedKey, region: string): string | undefined {
  return region === key.region ? key.arn : key.replicas.find((r) => r.region === region)?.arn;
}

export function regionsOf(key: ProvisionedKey): string[] {
  return [key.region, ...key.replicas.map((r) => r.region)];
}
