/**
 * The baseline for `npm run bench -- kms`: a bare Node HTTP server that answers every KMS request
 * with a fixed, valid response and does no work at all (no signature check, no crypto, no state).
 * Whatever the SDK client costs, this server adds the least a server can; the embedded KMS is
 * measured as a ratio of its rate.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const arn = 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-000000000000';
const materialId = randomBytes(32).toString('hex');
const responses: Record<string, string> = {
  GenerateDataKey: JSON.stringify({ CiphertextBlob: randomBytes(129).toString('base64'), Plaintext: randomBytes(32).toString('base64'), KeyId: arn, KeyMaterialId: materialId }),
  Decrypt: JSON.stringify({ KeyId: arn, Plaintext: randomBytes(32).toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT', KeyMaterialId: materialId }),
};

const server = createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const op = String(req.headers['x-amz-target'] ?? '').replace('TrentService.', '');
    const body = responses[op] ?? '{}';
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': 'bench' });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
