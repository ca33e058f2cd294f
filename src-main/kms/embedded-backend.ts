import { systemClock } from '../common/clock';
import { cloudTrailTime, type CallerIdentity, type CiphertextInfo } from './cloudtrail-event';
import { readBlobHeader } from './embedded/ciphertext-blob';
import { EmbeddedKms, type EmbeddedKmsOptions } from './embedded/embedded-kms';
import { uniqueIdOf, type Identity } from './embedded/identities';
import type { SessionNetwork } from './embedded/identity-registry';
import { InProcessHandler } from './in-process-handler';
import { KmsClientFactory, type KmsClientFactoryOptions } from './kms-client-factory';
import { RenewingRoleSession } from './role-session';

/**
 * The default backend: the embedded KMS started in this process on a loopback port, and client
 * factories that call it as one of its identities — through the same SDK path as LocalStack or AWS.
 */
export interface EmbeddedBackend {
  kms: EmbeddedKms;
  endpoint: string;
  /** True when this process's clients hand requests to the server directly rather than over loopback HTTP. */
  inProcess: boolean;
  /**
   * A client factory calling as a named identity ('admin', 'service' or 'vendor'), or as a given one
   * (a role session). A role's calls are a session renewed every hour on the factory's clock (role-session.ts).
   */
  factory(identity: string | Identity, options?: Omit<KmsClientFactoryOptions, 'backend' | 'endpoint' | 'credentials' | 'identity' | 'session'>): KmsClientFactory;
  /**
   * A client factory for one node: a session of `role` named after the node, on the network path
   * it presents (aws:SourceIp / aws:SourceVpce in key policies; see embedded/identity-registry.ts).
   * Move it later with `kms.setSessionNetwork(factory.options.session.accessKeyId, …)`.
   */
  sessionFactory(role: string, sessionName: string, network: SessionNetwork, options?: Omit<KmsClientFactoryOptions, 'backend' | 'endpoint' | 'credentials' | 'identity' | 'session'>): KmsClientFactory;
  close(): Promise<void>;
}

export async function startEmbeddedBackend(options: EmbeddedKmsOptions & { inProcess?: boolean } = {}): Promise<EmbeddedBackend> {
  const kms = new EmbeddedKms(options);
  const endpoint = await kms.listen(0);
  const factories: KmsClientFactory[] = [];
  const inProcess = options.inProcess ?? false;
  const handler = inProcess ? new InProcessHandler(kms) : undefined;
  const backend: EmbeddedBackend = {
    kms,
    endpoint,
    inProcess,
    sessionFactory(role, sessionName, network, factoryOptions = {}) {
      const session = kms.startSession(role, sessionName, network);
      // Its records show the path the key policy judged, wherever the session has moved since
      // (setSessionNetwork): the current session's, which renewals carry on.
      const callerNetwork = () => kms.sessionNetwork(factory.options.session?.accessKeyId ?? session.accessKeyId);
      const factory = backend.factory(session, { ...factoryOptions, callerNetwork });
      return factory;
    },
    factory(who, factoryOptions = {}) {
      const identity = typeof who === 'string' ? kms.identity(who) : who;
      const clock = factoryOptions.clock ?? options.clock ?? systemClock;
      // The session of an assumed role begins when its credentials are handed out: now, on the caller's clock.
      const createdAt = clock.now();
      const caller = identity.type === 'AssumedRole'
        ? { session: new RenewingRoleSession(identity, createdAt, clock, kms, cloudTrailIdentity) }
        : { credentials: credentialsOf(identity), identity: cloudTrailIdentity(identity, createdAt) };
      const factory = new KmsClientFactory({
        ...factoryOptions,
        clock,
        backend: 'embedded',
        endpoint,
        ...caller,
        inProcess: handler,
        ciphertextInfo: embeddedCiphertextInfo,
      });
      factories.push(factory);
      return factory;
    },
    async close() {
      for (const f of factories) f.destroy();
      await kms.close();
    },
  };
  return backend;
}

/** The SDK credentials of an embedded-KMS identity: a temporary one's session token included, as the server requires. */
export function credentialsOf(identity: Identity): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } {
  const { accessKeyId, secretAccessKey, sessionToken } = identity;
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/**
 * CloudTrail's userIdentity for an embedded-KMS identity, as AWS writes it: an IAM user with its
 * user name; an assumed role with its session context (the role that issued the session, when it
 * was created, no MFA). Principal ids have AWS's shape: AIDA/AROA and 17 characters of the user's
 * or role's unique id (identities.ts uniqueIdOf).
 */
export function cloudTrailIdentity(identity: Identity, sessionCreatedAt: number): CallerIdentity {
  // A role's, not the session's: every session of a role shows the same AROA id.
  const uniqueId = uniqueIdOf(identity);
  const name = identity.principalArn.slice(identity.principalArn.lastIndexOf('/') + 1);
  const common = { arn: identity.callerArn, accountId: identity.account, accessKeyId: identity.accessKeyId };
  if (identity.type !== 'AssumedRole') return { type: identity.type, principalId: `AIDA${uniqueId}`, ...common, userName: name };
  const session = identity.callerArn.slice(identity.callerArn.lastIndexOf('/') + 1);
  return {
    type: 'AssumedRole',
    principalId: `AROA${uniqueId}:${session}`,
    ...common,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROA${uniqueId}`, arn: identity.principalArn, accountId: identity.account, userName: name },
      attributes: { creationDate: cloudTrailTime(sessionCreatedAt), mfaAuthenticated: 'false' },
    },
  };
}

/** The embedded KMS's ciphertexts name their key and key material (see embedded/ciphertext-blob.ts). */
export function embeddedCiphertextInfo(blob: Uint8Array): CiphertextInfo | undefined {
  const header = readBlobHeader(Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength));
  return header && { keyId: header.keyId, keyMaterialId: header.materialId };
}
