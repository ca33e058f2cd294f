import { describe, expect, it } from 'vitest';
import { builtIn, runWhole } from '../support/drill-run';

/**
 * A run id names the UTC second its run started (`<label>-<yyyymmddthhmmss>-<4 hex>`), and the report
 * prints when it was executed: an auditor holds the two against each other. They must be the same
 * moment, even when the drill is slow to get going (a loaded machine, a backend slow to open).
 */
describe('when a run started', () => {
  it('the run id and the execution start name the same second, however long the backend takes to open', async () => {
    const { record } = await runWhole(builtIn('revocation-and-restore'), {
      // Called once the run id is made, before the backend opens: hold the run until the next second begins.
      onStart: () => {
        const next = Math.floor(Date.now() / 1000) * 1000 + 1000;
        while (Date.now() < next + 5) { /* a slow start */ }
      },
    });
    const stamp = /-(\d{8}t\d{6})-[0-9a-f]{4}$/.exec(record.execution.runId)?.[1];
    const started = record.execution.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, '').toLowerCase();
    expect(started).toBe(stamp);
  }, 60_000);
});
