/**
 * Drives one KMS server through @aws-sdk/client-kms from this process, `concurrency` calls in
 * flight: what KeyDrill itself does. The SDK's own CPU per call bounds the rate (STACK.md), so
 * this measures the client path; server-capacity.ts measures the servers.
 */
import type { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { percentile } from './stats';

export interface SdkTarget {
  name: string;
  client: KMSClient;
  commands: { GenerateDataKey: () => GenerateDataKeyCommand | DecryptCommand; Decrypt: () => GenerateDataKeyCommand | DecryptCommand };
  cpuMicros: (() => number) | undefined;
}

export interface Sample {
  calls: number;
  errors: number;
  seconds: number;
  latencies: number[];
  serverCpuMicros: number | undefined;
  clientCpuMicros: number;
}

export async function drive(target: SdkTarget, op: 'GenerateDataKey' | 'Decrypt', concurrency: number, seconds: number): Promise<Sample> {
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

export function combine(samples: Sample[]) {
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
