import type { CloudTrailSink } from '../audit/cloudtrail-sink';
import type { Clock } from '../common/clock';
import { seededIds } from '../common/id-source';
import { checkAwsProfile } from '../kms/aws-profile-check';
import { AWS_CAPABILITIES, drillCapabilities, probeCapabilities, type DrillCapabilities } from '../kms/backend-capabilities';
import { startEmbeddedBackend, type EmbeddedBackend } from '../kms/embedded-backend';
import { vendorIamPolicy } from '../kms/embedded/identities';
import type { KmsServiceEvent } from '../kms/embedded/kms-core';
import { inProcessTransport } from '../kms/in-process-handler';
import type { FaultInjector } from '../kms/fault-injector';
import { KmsClientFactory, type KmsBackend } from '../kms/kms-client-factory';
import { networkAllows, type NodeNetwork } from './network-controls';
import type { NetworkControls } from './provision';

/**
 * The KMS a drill runs against, as two client factories: the key administrator (the customer, who
 * creates, disables and revokes keys) and the service role (the SaaS nodes). Both carry the
 * CloudTrail recorder; only the service role's calls meet the injected regional faults, since a
 * regional outage is between the service and KMS.
 */
export interface DrillBackendOptions {
  kind: KmsBackend;
  endpoint?: string | undefined;
  profile?: string | undefined;
  /** Regions for the capability probe (primary, replica). */
  regions: string[];
  clock: Clock;
  seed: number;
  /**
   * The scenario's hash (runIdentity): the embedded KMS's key ids come from the seed *and* the
   * scenario, so a re-run of a drill repeats its keys while two drills with one seed never share
   * one — their records under one key ARN in the same store or the same exported folder would name
   * another drill's tenant's key.
   */
  scenarioHash: string;
  runId: string;
  sink: CloudTrailSink;
  faults: FaultInjector;
  /** Whose account the service role is in: the customer's (the keys'), or the SaaS vendor's own. */
  serviceAccount?: 'customer' | 'vendor' | undefined;
  /** What the embedded KMS does on its own (rotations, deletions), as it happens; LocalStack and AWS write theirs in their own CloudTrail. */
  onKmsEvent?: ((event: KmsServiceEvent) => void) | undefined;
}

export type { NodeNetwork } from './network-controls';

export interface DrillBackend {
  kind: KmsBackend;
  account: string;
  /** The service role's principal ARN, as key policies and grants name it. */
  servicePrincipal: string;
  /** Who makes the calls, as CloudTrail and the report name them: the customer's key administrator and the SaaS service role. */
  principals: { administrator: string; service: string };
  /** Where the calls go: the endpoint URL, or "AWS KMS regional endpoints". */
  endpoint: string;
  admin: KmsClientFactory;
  service: KmsClientFactory;
  capabilities: DrillCapabilities;
  /** The embedded KMS, when that is the backend: its clock follows the drill's. */
  embedded: EmbeddedBackend | undefined;
  /** Keys (per region, in creation order) and aliases the drill made, for the clean-up at its end. */
  created: { keys: { keyId: string; region: string }[]; aliases: { region: string; name: string }[] };
  /**
   * Nodes' network paths and the vendor's IAM policy. On the embedded KMS (`enforced`): a node's own
   * clients are a session of the service role named after the node on its network path, which the
   * KMS checks against aws:SourceIp / aws:SourceVpce; moving it changes the session; the vendor's IAM
   * policy is granted or taken away. Elsewhere (LocalStack does not evaluate them, and a drill cannot
   * move a real node) the same is played on the client: the node's clients refuse what the key's
   * network controls would, and a revoked vendor permission refuses every key.
   */
  network: {
    enforced: boolean;
    nodeClients(sessionName: string, network: NodeNetwork, controlsFor: (keyRef: string | undefined) => NetworkControls): KmsClientFactory;
    move(clients: KmsClientFactory, network: NodeNetwork): void;
    setVendorIamAccess(allowed: boolean): void;
  };
  close(): Promise<void>;
}

const SERVICE_ROLE_NAME = 'keydrill-service';

export async function openDrillBackend(o: DrillBackendOptions): Promise<DrillBackend> {
  // Request ids of calls that got no answer are this execution's own (the run id is unique per execution).
  const common = { sink: o.sink, clock: o.clock, runId: () => o.runId, ids: seededIds(`trail:${o.runId}`), maxAttempts: 1, sleep: async () => undefined };
  if (o.kind === 'embedded') {
    // A drill's own clients hand their requests to the embedded KMS in this process (see in-process-handler.ts).
    const embedded = await startEmbeddedBackend({ clock: o.clock, ids: seededIds(`kms:${o.seed}:${o.scenarioHash}`), inProcess: inProcessTransport(), onServiceEvent: o.onKmsEvent });
    const admin = embedded.factory('admin', common);
    const role = o.serviceAccount === 'vendor' ? 'vendor' : 'service';
    const service = embedded.factory(role, { ...common, faults: o.faults });
    const account = embedded.kms.account;
    return {
      kind: 'embedded',
      account,
      servicePrincipal: embedded.kms.identity(role).principalArn,
      principals: { administrator: embedded.kms.identity('admin').callerArn, service: embedded.kms.identity(role).callerArn },
      network: {
        enforced: true,
        nodeClients: (sessionName, network) => embedded.sessionFactory(role, sessionName, network, { ...common, faults: o.faults }),
        move: (clients, network) => {
          // The node's current session: its renewals carry the new path on.
          const accessKeyId = clients.options.session?.accessKeyId ?? clients.options.credentials?.accessKeyId;
          if (accessKeyId) embedded.kms.setSessionNetwork(accessKeyId, network);
        },
        setVendorIamAccess: (allowed) => embedded.kms.setIamPolicy('vendor', allowed ? vendorIamPolicy(account) : undefined),
      },
      endpoint: embedded.inProcess ? `the embedded KMS in this process (calls handed over in-process; it also listens at ${embedded.endpoint})` : embedded.endpoint,
      admin,
      service,
      // The embedded KMS is ours: it enforces everything AWS does (see docs/backends.md); probing would only add noise to the trail.
      capabilities: drillCapabilities({ backend: 'embedded', ...AWS_CAPABILITIES, notes: ['The embedded KMS enforces key state, key policies, grants and multi-Region sync, on the drill\'s clock.'] }, true),
      embedded,
      created: { keys: [], aliases: [] },
      close: () => embedded.close(),
    };
  }
  // A mistyped profile is named as such before anything is provisioned (see aws-profile-check.ts).
  await checkAwsProfile(o.profile);
  const account = o.kind === 'localstack' ? '000000000000' : (process.env.KEYDRILL_AWS_ACCOUNT ?? 'unknown');
  const base = { backend: o.kind, endpoint: o.endpoint, profile: o.profile } as const;
  const admin = new KmsClientFactory({ ...base, ...common });
  // LocalStack takes any credentials: a second access key stands in for the service role.
  const service = new KmsClientFactory({
    ...base,
    ...common,
    faults: o.faults,
    credentials: o.kind === 'localstack' ? { accessKeyId: 'ASIAKEYDRILLSERVICE1', secretAccessKey: 'keydrill' } : undefined,
  });
  const probeAdmin = new KmsClientFactory({ ...base, maxAttempts: 1 });
  const probeOther = new KmsClientFactory({ ...base, maxAttempts: 1, credentials: o.kind === 'localstack' ? { accessKeyId: 'ASIAKEYDRILLPROBE001', secretAccessKey: 'probe' } : undefined });
  const servicePrincipal = `arn:aws:iam::${account}:role/${SERVICE_ROLE_NAME}`;
  try {
    const [primary = 'us-east-1', replica = primary === 'us-west-2' ? 'us-east-1' : 'us-west-2'] = o.regions;
    const probed = await probeCapabilities(o.kind, {
      admin: (r) => probeAdmin.clientFor(r),
      other: (r) => probeOther.clientFor(r),
      otherPrincipalArn: servicePrincipal,
      account,
      regions: [primary, replica],
    });
    return {
      kind: o.kind,
      account,
      servicePrincipal,
      principals: {
        administrator: o.kind === 'localstack' ? `arn:aws:iam::${account}:root` : `the credentials of ${o.profile ? `AWS profile "${o.profile}"` : 'the default AWS credential chain'}`,
        service: servicePrincipal,
      },
      endpoint: admin.endpoint ?? 'AWS KMS regional endpoints',
      admin,
      service,
      capabilities: drillCapabilities(probed, false),
      network: clientSideNetwork(base, common, o.faults, o.kind === 'localstack' ? { accessKeyId: 'ASIAKEYDRILLSERVICE1', secretAccessKey: 'keydrill' } : undefined),
      embedded: undefined,
      created: { keys: [], aliases: [] },
      close: async () => {
        admin.destroy();
        service.destroy();
      },
    };
  } finally {
    probeAdmin.destroy();
    probeOther.destroy();
  }
}

/** Network paths and the vendor's IAM permission played on the client, for a backend that does not evaluate them. */
function clientSideNetwork(
  base: { backend: KmsBackend; endpoint: string | undefined; profile: string | undefined },
  common: Omit<ConstructorParameters<typeof KmsClientFactory>[0], 'backend'>,
  faults: FaultInjector,
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined,
): DrillBackend['network'] {
  const paths = new Map<KmsClientFactory, NodeNetwork>();
  let vendorAllowed = true;
  return {
    enforced: false,
    nodeClients(_sessionName, network, controlsFor) {
      const refuse = (keyRef: string | undefined): boolean => !vendorAllowed || !networkAllows(controlsFor(keyRef), paths.get(clients) ?? {});
      const clients: KmsClientFactory = new KmsClientFactory({ ...base, ...common, faults: faults.forClient(refuse), credentials });
      paths.set(clients, network);
      return clients;
    },
    move(clients, network) {
      paths.set(clients, network);
    },
    setVendorIamAccess(allowed) {
      vendorAllowed = allowed;
    },
  };
}
