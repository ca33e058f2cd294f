import { KMSClient } from '@aws-sdk/client-kms';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src-main/common/clock';
import { EmbeddedKms, type EmbeddedKmsOptions } from '../../src-main/kms/embedded/embedded-kms';
import { credentialsOf } from '../../src-main/kms/embedded-backend';

/**
 * A real embedded KMS on a loopback port, reached through the real @aws-sdk/client-kms over HTTP.
 * Clients never retry, so a test sees the first answer the server gave.
 */
export interface KmsHarness {
  kms: EmbeddedKms;
  clock: ManualClock;
  endpoint: string;
  dataDir: string | undefined;
  client(identity?: 'admin' | 'service', region?: string): KMSClient;
  close(): Promise<void>;
}

export async function startKms(options: EmbeddedKmsOptions & { persistent?: boolean } = {}): Promise<KmsHarness> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(Date.UTC(2026, 0, 1));
  const dataDir = options.dataDir ?? (options.persistent ? mkdtempSync(join(tmpdir(), 'keydrill-kms-')) : undefined);
  const kms = new EmbeddedKms({ ...options, clock, dataDir });
  const endpoint = await kms.listen(0);
  const clients: KMSClient[] = [];
  return {
    kms,
    clock,
    endpoint,
    dataDir,
    client(identity = 'admin', region = 'us-east-1') {
      const id = kms.identity(identity);
      const client = new KMSClient({
        endpoint,
        region,
        maxAttempts: 1,
        credentials: credentialsOf(id),
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const c of clients) c.destroy();
      await kms.close();
      if (options.persistent && !options.dataDir && dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The error a rejected promise carries, for asserting on name and message. */
export async function failure(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
