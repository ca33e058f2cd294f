/**
 * Server capacity: each KMS server driven by N client processes (capacity-worker.ts) with a lean
 * signed-HTTP client, so the client is not the limit as one SDK process is (~3k calls/s whatever
 * the server; see ../shared/STACK.md). Reports calls/s, latency percentiles and the server's own
 * CPU per call, read from /proc.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CapacityJob, CapacityResult } from './capacity-worker';
import type { Credentials } from './sigv4-signer';
import { percentile } from './stats';

export type Operation = 'GenerateDataKey' | 'Decrypt';

export interface CapacityServer {
  name: string;
  endpoint: string;
  credentials: Credentials;
  /** The JSON request body of each operation (a key and a ciphertext of this server). */
  bodies: Record<Operation, string>;
  cpuMicros: (() => number) | undefined;
}

export interface CapacityRow {
  operation: Operation;
  server: string;
  workers: number;
  concurrency: number;
  calls: number;
  errors: number;
  firstError: string | undefined;
  rate: number;
  p50: number;
  p99: number;
  serverCpu: number | undefined;
  clientCpu: number;
}

export interface CapacityOptions {
  seconds: number;
  workers: number;
  concurrency: number;
  region: string;
}

interface Worker {
  child: ChildProcess;
  run(job: CapacityJob): Promise<CapacityResult>;
}

async function startWorker(): Promise<Worker> {
  const child = fork(fileURLToPath(new URL('./capacity-worker.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`capacity worker exited with ${code} before it started`)));
  });
  return {
    child,
    run: (job) => new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`capacity worker exited with ${code}`));
      child.once('exit', onExit);
      child.once('message', (result) => {
        child.off('exit', onExit);
        resolve(result as CapacityResult);
      });
      child.send(job);
    }),
  };
}

/** All workers on one server at once; returns the calls each made and the server CPU they cost. */
async function burst(workers: Worker[], server: CapacityServer, op: Operation, options: CapacityOptions, seconds: number) {
  const cpu0 = server.cpuMicros?.();
  const results = await Promise.all(workers.map((w) => w.run({
    endpoint: server.endpoint,
    region: options.region,
    credentials: server.credentials,
    target: `TrentService.${op}`,
    body: server.bodies[op],
    concurrency: Math.max(1, Math.round(options.concurrency / workers.length)),
    seconds,
  })));
  const cpu1 = server.cpuMicros?.();
  return { results, serverCpuMicros: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, seconds: Math.max(...results.map((r) => r.seconds)) };
}

export async function measureServerCapacity(servers: CapacityServer[], options: CapacityOptions): Promise<CapacityRow[]> {
  const workers = await Promise.all(Array.from({ length: options.workers }, () => startWorker()));
  try {
    const rows: CapacityRow[] = [];
    for (const op of ['GenerateDataKey', 'Decrypt'] as const) {
      const bursts = new Map<string, Awaited<ReturnType<typeof burst>>[]>(servers.map((s) => [s.name, []]));
      // Two alternating rounds, so a noisy moment on this shared machine does not land on one server only.
      for (let round = 0; round < 2; round++) {
        for (const server of servers) {
          await burst(workers, server, op, options, 0.3); // connections, JIT, server caches
          bursts.get(server.name)!.push(await burst(workers, server, op, options, options.seconds / 2));
        }
      }
      for (const server of servers) {
        const list = bursts.get(server.name)!;
        const results = list.flatMap((b) => b.results);
        const latencies = Float64Array.from(results.flatMap((r) => [...r.latencies])).sort();
        const calls = results.reduce((n, r) => n + r.calls, 0);
        const cpu = list.every((b) => b.serverCpuMicros !== undefined) ? list.reduce((n, b) => n + (b.serverCpuMicros ?? 0), 0) : undefined;
        rows.push({
          operation: op,
          server: server.name,
          workers: workers.length,
          concurrency: options.concurrency,
          calls,
          errors: results.reduce((n, r) => n + r.errors, 0),
          firstError: results.find((r) => r.firstError)?.firstError,
          rate: calls / list.reduce((n, b) => n + b.seconds, 0),
          p50: percentile([...latencies], 50),
          p99: percentile([...latencies], 99),
          serverCpu: cpu === undefined ? undefined : cpu / Math.max(1, calls),
          clientCpu: results.reduce((n, r) => n + r.clientCpuMicros, 0) / Math.max(1, calls),
        });
      }
    }
    return rows;
  } finally {
    for (const w of workers) w.child.disconnect();
  }
}
