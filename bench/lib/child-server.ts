import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A server in its own process, as a real endpoint would be, announcing itself with one JSON line. */
export interface ChildServer<T> {
  info: T;
  pid: number;
  /** CPU time (user + system) the process has used, in microseconds, read from /proc. */
  cpuMicros(): number;
  stop(): Promise<void>;
}

export async function startChildServer<T>(command: string, args: string[]): Promise<ChildServer<T>> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const lines = createInterface({ input: child.stdout! });
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} did not announce itself within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code} before it started`)));
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`expected one JSON line from ${command}, got: ${line.slice(0, 200)}`));
      }
    });
  });
  const pid = child.pid!;
  return {
    info,
    pid,
    cpuMicros: () => procCpuMicros(pid),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system) a process has used, in microseconds: fields 14 and 15 of /proc/<pid>/stat. */
export function procCpuMicros(pid: number): number {
  const ticksPerSecond = 100; // USER_HZ on Linux
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1e6;
}
