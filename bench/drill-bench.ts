/**
 * `npm run bench -- drill`: the year-long built-in scenario on the embedded KMS, and the same
 * topology over 1, 30 and 365 days in the same run. Prints simulated seconds per wall second,
 * events per second and peak memory, and shows that wall time tracks the number of events (KMS
 * calls, steps, state changes), not the simulated duration.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resourceUsage } from 'node:process';
import type { Scenario } from '../src-shared/scenario';
import { runDrill } from '../src-main/drill/drill-runner';
import { builtInScenarios } from '../src-main/drill/scenario-catalog';
import { printTable } from './lib/stats';

const DAY = 86_400_000;

function shortened(scenario: Scenario, days: number): Scenario {
  const duration = days * DAY;
  return { ...scenario, duration, timeline: scenario.timeline.filter((s) => s.at < duration), expectations: [] };
}

export async function runDrillBench(): Promise<number> {
  const year = builtInScenarios().find((s) => s.name === 'year-of-operation');
  if (!year) throw new Error('the year-of-operation scenario is missing');
  const rows: (string | number)[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const days of [1, 30, 365]) {
    let events = 0;
    const scenario = days === 365 ? year : shortened(year, days);
    const started = performance.now();
    const record = await runDrill(scenario, { onProgress: () => void events++ });
    const wallMs = performance.now() - started;
    const simSecondsPerWallSecond = scenario.duration / 1000 / (wallMs / 1000);
    const peakRssMiB = resourceUsage().maxRSS / 1024;
    rows.push([`${days} d`, events, record.totals.kmsCalls, record.eventCount, wallMs.toFixed(0), (events / (wallMs / 1000)).toFixed(0), simSecondsPerWallSecond.toExponential(2), peakRssMiB.toFixed(0)]);
    results.push({ days, events, kmsCalls: record.totals.kmsCalls, trailRecords: record.eventCount, wallMs, simSecondsPerWallSecond, peakRssMiB });
  }
  console.log('Drill benchmark: year-of-operation topology (3 nodes, 2 databases, monthly snapshots) on the embedded KMS\n');
  printTable(['duration', 'events', 'KMS calls', 'trail records', 'wall ms', 'events/s', 'sim s per wall s', 'peak RSS MiB'], rows);
  const first = results[0] as { events: number; wallMs: number };
  const last = results[results.length - 1] as { events: number; wallMs: number };
  console.log(`\n365 days vs 1 day: ${365}× the simulated time, ${(last.events / first.events).toFixed(1)}× the events, ${(last.wallMs / first.wallMs).toFixed(1)}× the wall time`);
  mkdirSync('bench/results', { recursive: true });
  const file = join('bench/results', `drill-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ bench: 'drill', node: process.version, results }, null, 2));
  console.log(`Results written to ${file}`);
  return 0;
}
