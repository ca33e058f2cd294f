import type { CallerIdentity } from './cloudtrail-event';
import { EmbeddedKms, type EmbeddedKmsOptions } from './embedded/embedded-kms';
import type { Identity } from './embedded/identities';
import { InProcessHandler } from './in-process-handler';
import { KmsClientFactory, type KmsClientFactoryOptions } from './kms-client-factory';

/**
 * The default backend: the embedded KMS started in this process on a loopback port, and client
 * factories that call it as one of its identities — through the same SDK path as LocalStack or AWS.
 */
export interface EmbeddedBackend {
  kms: EmbeddedKms;
  endpoint: string;
  /** True when this process's clients hand requests to the server directly rather than over loopback HTTP. */
  inProcess: boolean;
  /** A client factory calling as `identity` ('admin' or 'service'). */
  factory(identity: string, options?: Omit<KmsClientFactoryOptions, 'backend' | 'endpoint' | 'credentials' | 'identity'>): KmsClientFactory;
  close(): Promise<void>;
}

export async function startEmbeddedBackend(options: EmbeddedKmsOptions & { inProcess?: boolean } = {}): Promise<EmbeddedBackend> {
  const kms = new EmbeddedKms(options);
  const endpoint = await kms.listen(0);
  const factories: KmsClientFactory[] = [];
  const inProcess = options.inProcess ?? false;
  const handler = inProcess ? new InProcessHandler(kms) : undefined;
  return {
    kms,
    endpoint,
    inProcess,
    factory(identityName, factoryOptions = {}) {
      const identity = kms.identity(identityName);
      const factory = new KmsClientFactory({
        ...factoryOptions,
        clock: factoryOptions.clock ?? options.clock,
        backend: 'embedded',
        endpoint,
        credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
        identity: cloudTrailIdentity(identity),
        inProcess: handler,
      });
      factories.push(factory);
      return factory;
    },
    async close() {
      for (const f of factories) f.destroy();
      await kms.close();
    },
  };
}

/** CloudTrail's userIdentity for an embedded-KMS identity. */
export function cloudTrailIdentity(identity: Identity): CallerIdentity {
  return {
    type: identity.type,
    arn: identity.callerArn,
    accountId: identity.account,
    accessKeyId: identity.accessKeyId,
    principalId: identity.type === 'AssumedRole' ? `AROA${identity.accessKeyId.slice(4)}:keydrill-session` : `AIDA${identity.accessKeyId.slice(4)}`,
  };
}
