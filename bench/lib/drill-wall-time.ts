/**
 * A built-in drill's wall time on each backend: the same scenario and seed, run as the app runs it
 * (the embedded KMS in-process on the drill's clock; LocalStack over HTTP). The median of a few
 * runs, with the KMS calls each made, so the time per call can be compared too.
 */
import { runDrill } from '../../src-main/drill/drill-runner';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';

export interface DrillWallTime {
  scenario: string;
  backend: 'embedded' | 'localstack';
  runs: number;
  medianMs: number;
  /** Calls that reached the KMS. */
  kmsCalls: number;
  /** Every call the drill made, including those refused on the client (simulated revocations, outages). */
  calls: number;
  passed: boolean;
}

export async function measureDrillWallTime(name: string, localstack: string | undefined, runs = 3): Promise<DrillWallTime[]> {
  const scenario = builtInScenarios().find((s) => s.name === name);
  if (!scenario) throw new Error(`no built-in scenario ${name}`);
  const out: DrillWallTime[] = [];
  const backends = [{ backend: 'embedded' as const, endpoint: undefined }, ...(localstack ? [{ backend: 'localstack' as const, endpoint: localstack }] : [])];
  for (const b of backends) {
    await runDrill(scenario, b); // warm up: module loading and JIT are not the drill's cost
    const times: number[] = [];
    let last;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      last = await runDrill(scenario, b);
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    out.push({ scenario: name, backend: b.backend, runs, medianMs: times[Math.floor(runs / 2)] as number, kmsCalls: last?.totals.kmsCalls ?? 0, calls: last?.eventCount ?? 0, passed: last?.passed ?? false });
  }
  return out;
}
