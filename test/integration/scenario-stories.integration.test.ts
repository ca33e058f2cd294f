import { describe, expect, it } from 'vitest';
import { builtInScenarios } from '../../src-main/drill/scenario-catalog';
import { runWhole } from '../support/drill-run';

/**
 * A built-in scenario's description is printed at the top of its report, above the timeline that
 * shows what happened: an auditor reads the two against each other. A description that promises
 * nodes shutting down "after three failed checks" needs a timeline where nodes shut down after
 * failed health checks — not one where they stop serving at the first refused call because their
 * cached keys expired at that very moment.
 */
describe('built-in scenarios tell the story their drill shows', () => {
  it('no description promises shut-downs after failed checks where the timeline shows nodes stopping at their first refused call instead', async () => {
    for (const scenario of builtInScenarios()) {
      const { full } = await runWhole(scenario);
      if (full.timeline.some((e) => e.name === 'node-not-serving') && !full.timeline.some((e) => e.name === 'node-shut-down')) {
        expect(scenario.description, scenario.name).not.toMatch(/failed checks/);
      }
    }
  }, 120_000);
});
