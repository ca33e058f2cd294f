/**
 * `npm run bench -- kms [--seconds N] [--localstack URL]`: GenerateDataKey and Decrypt through
 * @aws-sdk/client-kms at concurrency 1 and 32 against the embedded KMS and, in the same run, two
 * baselines:
 *  - a bare Node HTTP server returning a fixed valid response (the least any server can cost):
 *    target embedded ≥ 0.6 × bare at concurrency 32;
 *  - LocalStack, when --localstack or $LOCALSTACK_ENDPOINT names one: target embedded ≥ 5 × LocalStack.
 * The servers run in their own processes; server CPU per call is read from /proc where the pid is known.
 */
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { procCpuMicros, startChildServer } from './lib/child-server';
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
  serverCpuMicros: number | undefined;
  clientCpuMicros: number;
}

type Command = () => GenerateDataKeyCommand | DecryptCommand;

interface Target {
  name: 'bare' | 'embedded' | 'localstack';
  client: KMSClient;
  commands: { GenerateDataKey: Command; Decrypt: Command };
  cpuMicros: (() => number) | undefined;
}

const TARGETS = { bare: 0.6, localstack: 5 } as const;
const CONTEXT = { tenant: 'bench', cluster: 'c1', node: 'n1' };

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

export async function runKmsBench(argv: string[]): Promise<number> {
  const seconds = Number(option(argv, '--seconds') ?? 4);
  if (!(seconds > 0 && seconds <= 600)) {
    console.error('--seconds must be a number from 0 to 600');
    return 2;
  }
  const localstackUrl = option(argv, '--localstack') ?? process.env.LOCALSTACK_ENDPOINT;
  const embedded = await startChildServer<ServeInfo>(process.execPath, ['bin/keydrill.mjs', 'kms', 'serve', '--in-memory', '--port', '0', '--json']);
  const bare = await startChildServer<{ endpoint: string }>(process.execPath, ['--import', 'tsx', 'bench/bare-kms-server.ts']);
  const clients: KMSClient[] = [];
  try {
    const admin = embedded.info.identities.find((i) => i.name === 'admin')!;
    const clientFor = (endpoint: string, credentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey }) => {
      const client = new KMSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1, requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) } });
      clients.push(client);
      return client;
    };
    const withKey = async (name: Target['name'], client: KMSClient, cpuMicros: Target['cpuMicros']): Promise<Target> => {
      const keyId = name === 'bare' ? 'bench' : (await client.send(new CreateKeyCommand({ Description: 'bench' }))).KeyMetadata!.KeyId!;
      const blob = name === 'bare' ? new Uint8Array(129) : (await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }))).CiphertextBlob;
      return {
        name,
        client,
        cpuMicros,
        commands: {
          GenerateDataKey: () => new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }),
          Decrypt: () => new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: CONTEXT }),
        },
      };
    };
    const targets: Target[] = [
      await withKey('bare', clientFor(bare.info.endpoint), () => bare.cpuMicros()),
      await withKey('embedded', clientFor(embedded.info.endpoint), () => embedded.cpuMicros()),
    ];
    if (localstackUrl) {
      const pidFile = '.venv/localstack-run/pid';
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      targets.push(await withKey('localstack', clientFor(localstackUrl, { accessKeyId: 'test', secretAccessKey: 'test' }), pid ? () => procCpuMicros(pid) : undefined));
    }

    console.log(`KMS benchmark: ${seconds} s per case (two alternating rounds); SDK client in this process, servers in their own processes`);
    console.log(`targets: ${targets.map((t) => t.name).join(', ')}${localstackUrl ? '' : ' (set LOCALSTACK_ENDPOINT or --localstack URL to add LocalStack)'}\n`);
    const results: Record<string, unknown>[] = [];
    const rows: (string | number)[][] = [];
    const worst: Record<string, number> = {};
    for (const op of ['GenerateDataKey', 'Decrypt'] as const) {
      for (const concurrency of [1, 32]) {
        const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
        for (let round = 0; round < 2; round++) {
          for (const target of targets) {
            await drive(target, op, concurrency, 0.3); // warm up connections and JIT
            samples.get(target.name)!.push(await drive(target, op, concurrency, seconds / 2));
          }
        }
        const summary = new Map(targets.map((t) => [t.name, combine(samples.get(t.name)!)]));
        const ours = summary.get('embedded')!;
        for (const target of targets) {
          const s = summary.get(target.name)!;
          const vs = target.name === 'embedded' ? '' : (ours.rate / s.rate).toFixed(2);
          if (target.name !== 'embedded' && concurrency === 32) worst[target.name] = Math.min(worst[target.name] ?? Infinity, ours.rate / s.rate);
          rows.push([op, concurrency, target.name, s.rate.toFixed(0), s.p50.toFixed(2), s.p99.toFixed(2), s.serverCpu === undefined ? '-' : s.serverCpu.toFixed(0), s.clientCpu.toFixed(0), s.errors, vs]);
          results.push({ operation: op, concurrency, server: target.name, ...s, embeddedRatio: target.name === 'embedded' ? 1 : ours.rate / s.rate });
        }
      }
    }
    printTable(['operation', 'conc', 'server', 'calls/s', 'p50 ms', 'p99 ms', 'server µs/call', 'client µs/call', 'errors', 'embedded ×'], rows);
    let pass = true;
    console.log('');
    for (const [baseline, target] of Object.entries(TARGETS)) {
      if (worst[baseline] === undefined) continue;
      const met = worst[baseline] >= target;
      pass &&= met;
      console.log(`Target: embedded ≥ ${target} × ${baseline} at concurrency 32 — worst ${worst[baseline].toFixed(2)}: ${met ? 'met' : 'NOT met'}`);
    }
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `kms-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ bench: 'kms', seconds, node: process.version, targets: TARGETS, worst, pass, results }, null, 2));
    console.log(`Results written to ${file}`);
    return pass ? 0 : 1;
  } finally {
    for (const c of clients) c.destroy();
    await Promise.all([embedded.stop(), bare.stop()]);
  }
}

async function drive(target: Target, op: 'GenerateDataKey' | 'Decrypt', concurrency: number, seconds: number): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  const command = target.commands[op];
  const cpuServer0 = target.cpuMicros?.();
  const cpuClient0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await target.client.send(command() as GenerateDataKeyCommand);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  const cpuClient = process.cpuUsage(cpuClient0);
  const cpuServer1 = target.cpuMicros?.();
  return {
    calls: latencies.length,
    errors,
    seconds: elapsed,
    latencies,
    serverCpuMicros: cpuServer0 === undefined || cpuServer1 === undefined ? undefined : cpuServer1 - cpuServer0,
    clientCpuMicros: cpuClient.user + cpuClient.system,
  };
}

function combine(samples: Sample[]) {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const calls = samples.reduce((n, s) => n + s.calls, 0);
  const secs = samples.reduce((n, s) => n + s.seconds, 0);
  const serverCpu = samples.every((s) => s.serverCpuMicros !== undefined) ? samples.reduce((n, s) => n + (s.serverCpuMicros ?? 0), 0) / Math.max(1, calls) : undefined;
  return {
    calls,
    errors: samples.reduce((n, s) => n + s.errors, 0),
    rate: calls / secs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    serverCpu,
    clientCpu: samples.reduce((n, s) => n + s.clientCpuMicros, 0) / Math.max(1, calls),
  };
}
