/**
 * One client process of the server-capacity benchmark (forked by server-capacity.ts): signs each
 * KMS call itself (sigv4-signer.ts) and sends it over keep-alive HTTP, `concurrency` calls in
 * flight, for `seconds`. Answers each job with its latencies and its own CPU time, so the report
 * can show the client stayed cheap.
 */
import { Agent, request } from 'node:http';
import { SigV4Signer, type Credentials } from './sigv4-signer';

export interface CapacityJob {
  endpoint: string;
  region: string;
  credentials: Credentials;
  /** e.g. TrentService.GenerateDataKey */
  target: string;
  body: string;
  concurrency: number;
  seconds: number;
}

export interface CapacityResult {
  calls: number;
  errors: number;
  /** First non-200 answer, to say why calls failed. */
  firstError: string | undefined;
  seconds: number;
  latencies: Float64Array;
  clientCpuMicros: number;
}

const agents = new Map<string, Agent>();

function call(url: URL, agent: Agent, headers: Record<string, string>, body: string): Promise<{ status: number; text: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const status = res.statusCode ?? 0;
      // Keep the body only when it explains a failure; a successful one is drained unread.
      const chunks: Buffer[] | undefined = status === 200 ? undefined : [];
      res.on('data', (c: Buffer) => chunks?.push(c));
      res.on('end', () => resolve({ status, text: chunks && Buffer.concat(chunks).toString('utf8').slice(0, 300) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runCapacityJob(job: CapacityJob): Promise<CapacityResult> {
  const url = new URL(job.endpoint);
  const host = url.host;
  let agent = agents.get(job.endpoint);
  if (!agent) agents.set(job.endpoint, (agent = new Agent({ keepAlive: true, maxSockets: 256 })));
  const signer = new SigV4Signer(job.credentials, job.region);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const deadline = start + job.seconds * 1000;
  await Promise.all(Array.from({ length: job.concurrency }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const { status, text } = await call(url, agent, signer.sign(host, job.target, job.body), job.body);
        if (status === 200) latencies.push(performance.now() - t0);
        else {
          errors++;
          firstError ??= `HTTP ${status}: ${text}`;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  }));
  const cpu = process.cpuUsage(cpu0);
  return { calls: latencies.length, errors, firstError, seconds: (performance.now() - start) / 1000, latencies: Float64Array.from(latencies), clientCpuMicros: cpu.user + cpu.system };
}

// Forked as a child process: one job per message, one result per job.
if (process.send) {
  process.on('message', (job: CapacityJob) => {
    void runCapacityJob(job).then((result) => process.send?.(result));
  });
  process.on('disconnect', () => process.exit(0));
  process.send('ready');
}
