import type { KMSClient } from '@aws-sdk/client-kms';
import type { CloudTrailSink } from '../../src-main/audit/cloudtrail-sink';
import { ManualClock } from '../../src-main/common/clock';
import { startEmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { KmsClientFactory } from '../../src-main/kms/kms-client-factory';

/**
 * The two KMS peers the interop suite compares: the embedded KMS and LocalStack, each reached
 * through the same KeyDrill client factory and @aws-sdk/client-kms. LocalStack accepts any
 * credentials, so its "other principal" is just a second access key.
 */
export interface Peer {
  name: 'embedded' | 'localstack';
  account: string;
  admin(region: string): KMSClient;
  other(region: string): KMSClient;
  otherPrincipalArn: string;
  close(): Promise<void>;
}

export const LOCALSTACK_ENDPOINT = process.env.LOCALSTACK_ENDPOINT;

/** In CI the interop suite must run: a missing LocalStack is a failure there, not a skip. */
export function requireLocalStackInCi(): void {
  if (process.env.CI && !LOCALSTACK_ENDPOINT) {
    throw new Error('CI must run the interop suite: set LOCALSTACK_ENDPOINT (bash scripts/localstack.sh start)');
  }
}

/** `sink` hears the CloudTrail records (and client-side observations) of every call, as a drill's does. */
export async function embeddedPeer(sink?: CloudTrailSink): Promise<Peer> {
  const backend = await startEmbeddedBackend({ clock: new ManualClock() });
  const admin = backend.factory('admin', { maxAttempts: 1, sink });
  const service = backend.factory('service', { maxAttempts: 1, sink });
  return {
    name: 'embedded',
    account: backend.kms.account,
    admin: (r) => admin.clientFor(r),
    other: (r) => service.clientFor(r),
    otherPrincipalArn: backend.kms.identity('service').principalArn,
    close: () => backend.close(),
  };
}

export function localstackPeer(endpoint: string, sink?: CloudTrailSink): Peer {
  const admin = new KmsClientFactory({ backend: 'localstack', endpoint, maxAttempts: 1, sink });
  const other = new KmsClientFactory({ backend: 'localstack', endpoint, maxAttempts: 1, sink, credentials: { accessKeyId: 'ASIAKEYDRILLOTHER001', secretAccessKey: 'other' } });
  return {
    name: 'localstack',
    account: '000000000000',
    admin: (r) => admin.clientFor(r),
    other: (r) => other.clientFor(r),
    otherPrincipalArn: 'arn:aws:iam::000000000000:role/keydrill-service',
    close: async () => {
      admin.destroy();
      other.destroy();
    },
  };
}
