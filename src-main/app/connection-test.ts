import { ListKeysCommand } from '@aws-sdk/client-kms';
import type { BackendSettings, ConnectionReport } from '../../src-shared/api';
import { drillCapabilities, probeCapabilities, type BackendCapabilities } from '../kms/backend-capabilities';
import { checkAwsProfile, UnknownAwsProfileError } from '../kms/aws-profile-check';
import { startEmbeddedBackend } from '../kms/embedded-backend';
import { KmsClientFactory } from '../kms/kms-client-factory';

const TIMEOUT_MS = 20_000;

/**
 * Connects to a backend and finds out what it enforces, by the same probe a drill runs (throwaway
 * keys, scheduled for deletion). AWS is not probed — it enforces everything and probing would make
 * billable keys — but one ListKeys call proves the credentials and the network.
 */
export async function testConnection(backend: BackendSettings, now: () => number = Date.now): Promise<ConnectionReport> {
  const started = now();
  const done = (probed: BackendCapabilities): ConnectionReport => {
    // Only the embedded KMS a drill starts runs on the drill's virtual clock; say so beside what is enforced.
    const { backend: kind, notes, ...flags } = drillCapabilities(probed, backend.kind === 'embedded');
    return { ok: true, backend: kind, capabilities: flags, notes, elapsedMs: now() - started };
  };
  try {
    return await withTimeout(probe(backend).then(done), TIMEOUT_MS, `${backend.kind} did not answer within ${TIMEOUT_MS / 1000} s`);
  } catch (err) {
    return { ok: false, backend: backend.kind, capabilities: {}, notes: [], error: describe(err), elapsedMs: now() - started };
  }
}

async function probe(backend: BackendSettings): Promise<BackendCapabilities> {
  if (backend.kind === 'embedded') {
    const embedded = await startEmbeddedBackend({});
    try {
      const admin = embedded.factory('admin', { maxAttempts: 1 });
      const service = embedded.factory('service', { maxAttempts: 1 });
      return await probeCapabilities('embedded', {
        admin: (r) => admin.clientFor(r), other: (r) => service.clientFor(r),
        otherPrincipalArn: embedded.kms.identity('service').principalArn, account: embedded.kms.account, regions: ['us-east-1', 'us-west-2'],
      });
    } finally {
      await embedded.close();
    }
  }
  if (backend.kind === 'localstack') {
    const admin = new KmsClientFactory({ backend: 'localstack', endpoint: backend.endpoint, maxAttempts: 1 });
    const other = new KmsClientFactory({ backend: 'localstack', endpoint: backend.endpoint, maxAttempts: 1, credentials: { accessKeyId: 'ASIAKEYDRILLPROBE001', secretAccessKey: 'probe' } });
    try {
      return await probeCapabilities('localstack', {
        admin: (r) => admin.clientFor(r), other: (r) => other.clientFor(r),
        otherPrincipalArn: 'arn:aws:iam::000000000000:role/keydrill-service', account: '000000000000', regions: ['us-east-1', 'us-west-2'],
      });
    } finally {
      admin.destroy();
      other.destroy();
    }
  }
  await checkAwsProfile(backend.profile);
  const factory = new KmsClientFactory({ backend: 'aws', profile: backend.profile, maxAttempts: 1 });
  try {
    for (const region of backend.regions) await factory.clientFor(region).send(new ListKeysCommand({ Limit: 1 }));
  } finally {
    factory.destroy();
  }
  const caps = await probeCapabilities('aws', { admin: () => { throw new Error('not used'); }, other: () => { throw new Error('not used'); }, otherPrincipalArn: '', account: '', regions: ['us-east-1', 'us-east-1'] });
  return { ...caps, notes: [`ListKeys answered in ${backend.regions.join(', ')}.`, ...caps.notes] };
}

function describe(err: unknown): string {
  // Already a sentence for the user: its class name would only be noise before it.
  if (err instanceof UnknownAwsProfileError) return err.message;
  const e = err as Error & { code?: string };
  const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e.message || e.code || String(err)}`.split('\n')[0] ?? 'failed';
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
