/**
 * `npm run bench -- kms [--seconds N]`: GenerateDataKey and Decrypt through @aws-sdk/client-kms at
 * concurrency 1 and 32, against the embedded KMS and, as the baseline in the same run, a bare Node
 * HTTP server that returns a fixed valid response. Both servers run in their own processes. The
 * figure is the ratio embedded / bare; the target is at least 0.6 at concurrency 32.
 */
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from './lib/child-server';
import { percentile, printTable } from './lib/stats';

interface ServeInfo {
  endpoint: string;
  identities: { name: string; accessKeyId: string; secretAccessKey: string }[];
}

interface Sample {
  calls: number;
  errors: number;
  seconds: number;
  latencies: number[];
  serverCpuMicros: number;
  clientCpuMicros: number;
}

const TARGET_RATIO = 0.6;
const CONTEXT = { tenant: 'bench', cluster: 'c1', node: 'n1' };

export async function runKmsBench(argv: string[]): Promise<number> {
  const secondsArg = argv.indexOf('--seconds');
  const seconds = secondsArg >= 0 ? Number(argv[secondsArg + 1]) : 4;
  if (!(seconds > 0 && seconds <= 600)) {
    console.error('--seconds must be a number from 0 to 600');
    return 2;
  }
  const embedded = await startChildServer<ServeInfo>(process.execPath, ['bin/keydrill.mjs', 'kms', 'serve', '--in-memory', '--port', '0', '--json']);
  const bare = await startChildServer<{ endpoint: string }>(process.execPath, ['--import', 'tsx', 'bench/bare-kms-server.ts']);
  try {
    const admin = embedded.info.identities.find((i) => i.name === 'admin')!;
    const credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
    const clientFor = (endpoint: string) => new KMSClient({
      endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
      requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) },
    });
    const clients = { embedded: clientFor(embedded.info.endpoint), bare: clientFor(bare.info.endpoint) };
    const key = await clients.embedded.send(new CreateKeyCommand({ Description: 'bench' }));
    const keyId = key.KeyMetadata!.KeyId!;
    const dataKey = await clients.embedded.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }));
    const operations = {
      GenerateDataKey: () => new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }),
      Decrypt: () => new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: CONTEXT }),
    } as const;

    console.log(`KMS benchmark: ${seconds} s per case (two alternating rounds), SDK client in this process, servers in their own processes\n`);
    const results: Record<string, unknown>[] = [];
    const rows: (string | number)[][] = [];
    let worstRatioAt32 = Infinity;
    for (const [opName, command] of Object.entries(operations)) {
      for (const concurrency of [1, 32]) {
        const samples = { bare: [] as Sample[], embedded: [] as Sample[] };
        for (let round = 0; round < 2; round++) {
          for (const which of ['bare', 'embedded'] as const) {
            const server = which === 'bare' ? bare : embedded;
            await drive(clients[which], command, concurrency, 0.3, server); // warm up connections and JIT
            samples[which].push(await drive(clients[which], command, concurrency, seconds / 2, server));
          }
        }
        const summary = { bare: combine(samples.bare), embedded: combine(samples.embedded) };
        const ratio = summary.embedded.rate / summary.bare.rate;
        if (concurrency === 32) worstRatioAt32 = Math.min(worstRatioAt32, ratio);
        for (const which of ['bare', 'embedded'] as const) {
          const s = summary[which];
          rows.push([opName, concurrency, which, s.rate.toFixed(0), s.p50.toFixed(2), s.p99.toFixed(2), s.serverCpu.toFixed(0), s.clientCpu.toFixed(0), s.errors, which === 'embedded' ? ratio.toFixed(2) : '']);
          results.push({ operation: opName, concurrency, server: which, ...s, ratioToBare: which === 'embedded' ? ratio : 1 });
        }
      }
    }
    printTable(['operation', 'conc', 'server', 'calls/s', 'p50 ms', 'p99 ms', 'server µs/call', 'client µs/call', 'errors', 'ratio'], rows);
    const pass = worstRatioAt32 >= TARGET_RATIO;
    console.log(`\nTarget: embedded ≥ ${TARGET_RATIO} × bare at concurrency 32 — worst ratio ${worstRatioAt32.toFixed(2)}: ${pass ? 'met' : 'NOT met'}`);
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `kms-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ bench: 'kms', seconds, node: process.version, target: TARGET_RATIO, worstRatioAt32, pass, results }, null, 2));
    console.log(`Results written to ${file}`);
    for (const c of Object.values(clients)) c.destroy();
    return pass ? 0 : 1;
  } finally {
    await Promise.all([embedded.stop(), bare.stop()]);
  }
}

async function drive(client: KMSClient, command: () => GenerateDataKeyCommand | DecryptCommand, concurrency: number, seconds: number, server: ChildServer<unknown>): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  const cpuServer0 = server.cpuMicros();
  const cpuClient0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await client.send(command() as GenerateDataKeyCommand);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const cpuClient = process.cpuUsage(cpuClient0);
  return { calls: latencies.length, errors, seconds: elapsed, latencies, serverCpuMicros: server.cpuMicros() - cpuServer0, clientCpuMicros: cpuClient.user + cpuClient.system };
}

function combine(samples: Sample[]) {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const calls = samples.reduce((n, s) => n + s.calls, 0);
  const secs = samples.reduce((n, s) => n + s.seconds, 0);
  return {
    calls,
    errors: samples.reduce((n, s) => n + s.errors, 0),
    rate: calls / secs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    serverCpu: samples.reduce((n, s) => n + s.serverCpuMicros, 0) / Math.max(1, calls),
    clientCpu: samples.reduce((n, s) => n + s.clientCpuMicros, 0) / Math.max(1, calls),
  };
}
