import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord, RunSummary } from '../../src-shared/api';
import { loadRun } from '../drill/run-archive';
import { AppError } from './app-error';

/**
 * The saved runs under <data folder>/runs. Summaries are cached by file and modification time, so
 * listing does not re-read a year-long run record every time the page asks.
 */
export class RunService {
  private readonly cache = new Map<string, { mtimeMs: number; summary: RunSummary }>();

  constructor(readonly dir: string) {}

  list(): RunSummary[] {
    if (!existsSync(this.dir)) return [];
    const runs: RunSummary[] = [];
    for (const file of readdirSync(this.dir)) {
      if (!/^[a-z0-9-]+\.json$/.test(file)) continue;
      const runId = file.slice(0, -'.json'.length);
      const mtimeMs = statSync(join(this.dir, file)).mtimeMs;
      const cached = this.cache.get(runId);
      if (cached && cached.mtimeMs === mtimeMs) {
        runs.push(cached.summary);
        continue;
      }
      try {
        const summary = summarise(loadRun(this.dir, runId), mtimeMs);
        this.cache.set(runId, { mtimeMs, summary });
        runs.push(summary);
      } catch {
        // A damaged or foreign file is not a run; the CLI's `keydrill report` names the problem.
      }
    }
    return runs.sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.runId.localeCompare(b.runId));
  }

  get(runId: string): RunRecord {
    try {
      return loadRun(this.dir, runId);
    } catch (err) {
      throw new AppError('not-found', (err as Error).message);
    }
  }
}

function summarise(record: RunRecord, mtimeMs: number): RunSummary {
  return {
    runId: record.runId,
    scenario: record.scenario.name,
    title: record.scenario.title,
    backend: record.backend.kind,
    seed: record.scenario.seed,
    passed: record.passed,
    verdictsPassed: record.verdicts.filter((v) => v.passed).length,
    verdicts: record.verdicts.length,
    kmsCalls: record.totals.kmsCalls,
    startTime: record.startTime,
    savedAt: new Date(mtimeMs).toISOString(),
  };
}
