import { CreateKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientObservation } from '../../src-shared/client-observation';
import type { CloudTrailRecord } from '../../src-shared/cloudtrail';
import { ManualClock } from '../../src-main/common/clock';
import { randomIds } from '../../src-main/common/id-source';
import { cloudTrailIdentity, startEmbeddedBackend, type EmbeddedBackend } from '../../src-main/kms/embedded-backend';
import { installKmsMiddleware } from '../../src-main/kms/kms-middleware';
import { KMS_REFERENCE } from '../fixtures/cloudtrail-kms-reference';
import { shapeOf } from '../support/cloudtrail-shape';

/**
 * AWS writes tlsDetails for every call that came over TLS (all of AWS's endpoints are TLS). The
 * embedded KMS and LocalStack are plain HTTP on loopback, so their records carry none — there was no
 * TLS session to describe, and KeyDrill does not invent one. Here the embedded KMS is put behind a
 * real TLS endpoint (a self-signed certificate made with openssl) to show that a call that does go
 * over TLS gets tlsDetails as AWS writes them: the negotiated protocol, the cipher suite in OpenSSL's
 * naming, and the Host header the client sent.
 */
describe('tlsDetails when, and only when, the call went over TLS', () => {
  let dir: string;
  let backend: EmbeddedBackend;
  let server: Server;
  let client: KMSClient;
  const records: CloudTrailRecord[] = [];
  const observations: ClientObservation[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keydrill-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'));
    backend = await startEmbeddedBackend({ clock: new ManualClock(Date.UTC(2026, 1, 3, 10)) });
    // The embedded KMS behind TLS: the same answer() its HTTP server gives.
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answer = backend.kms.answer({ method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const identity = backend.kms.identity('admin');
    client = new KMSClient({
      region: 'us-west-2',
      endpoint: `https://localhost:${port}`,
      credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
      maxAttempts: 1,
      requestHandler: { httpsAgent: new Agent({ ca: cert, keepAlive: true }) },
    });
    installKmsMiddleware(client, {
      region: 'us-west-2',
      sink: { record: (e) => records.push(e), observe: (o) => observations.push(o) },
      clock: new ManualClock(Date.UTC(2026, 1, 3, 10)),
      identity: async () => cloudTrailIdentity(identity, Date.UTC(2026, 1, 3, 9)),
      userAgent: 'keydrill/0.1.0',
      sourceIPAddress: '127.0.0.1',
      sleep: async () => undefined,
      ids: randomIds,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await new Promise((resolve) => server?.close(resolve));
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a call over TLS is written with tlsDetails of the shape AWS writes: protocol, cipher suite and the Host header sent', async () => {
    const key = await backend.factory('admin', { maxAttempts: 1 }).clientFor('us-west-2').send(new CreateKeyCommand({}));
    await client.send(new GenerateDataKeyCommand({ KeyId: key.KeyMetadata!.KeyId!, KeySpec: 'AES_256', EncryptionContext: { tenant: 'acme', cluster: 'acme-prod' } }));
    const record = records.at(-1)!;
    expect(record.tlsDetails).toEqual({ tlsVersion: expect.stringMatching(/^TLSv1\.[23]$/), cipherSuite: expect.stringMatching(/^[A-Z0-9_-]+$/), clientProvidedHostHeader: expect.stringMatching(/^localhost(:\d+)?$/) });
    expect(shapeOf(record)).toEqual(shapeOf(KMS_REFERENCE.GenerateDataKey!.record));
    expect(observations).toEqual([]);
  });
});
