import type { Expectation } from '../../src-shared/scenario';
import type { Verdict } from '../../src-shared/run-record';
import { count } from '../../src-shared/count';
import { formatDuration } from '../../src-shared/duration';
import type { DrillWorld } from './drill-world';
import { evidenceOf } from './run-trail';
import { firstErrors, firstObservations, percentBounds, round } from './drill-judge';

type Availability = Extract<Expectation, { expect: 'availability' }>;

/** How many of the clusters that miss the bound a verdict names; the rest are counted. */
const NAMED = 5;

/**
 * `availability` without a cluster: every cluster of the fleet is held to the bound, and one verdict
 * says how many missed it, which (worst first, as far off the bound as they are), and the lowest (or,
 * for atMost alone, the highest) availability measured. Its evidence is the first refused calls of
 * the clusters that missed it — or of any cluster, when none did.
 */
export function judgeFleetAvailability(world: DrillWorld, e: Availability, expectation: Record<string, unknown>): Verdict {
  const to = e.to ?? world.scenario.duration;
  const measured = [...world.clusters.values()].map((c) => ({ id: c.id, pct: c.uptime.percentUp(e.from, to) }));
  const { meets, expected } = percentBounds(e);
  // Worst first: below atLeast, the lowest; above atMost alone, the highest.
  const byLow = e.atLeast !== undefined;
  measured.sort((a, b) => (byLow ? a.pct - b.pct : b.pct - a.pct) || (a.id < b.id ? -1 : 1));
  const missed = measured.filter((m) => !meets(m.pct));
  const worst = measured[0];
  const window = `${formatDuration(e.from)}–${formatDuration(to)}`;
  const judged = new Set((missed.length ? missed : measured).map((m) => m.id));
  const evidence = evidenceOf(firstErrors(world, e.from, to - 1, 3, judged), missed.length ? firstObservations(world, e.from, to - 1, 3, judged) : []);
  const named = missed.slice(0, NAMED).map((m) => `${m.id} ${round(m.pct)}%`).join(', ');
  const more = missed.length > NAMED ? ` and ${count(missed.length - NAMED)} more` : '';
  const worstText = worst ? `${round(worst.pct)}% (${byLow ? 'lowest' : 'highest'}: ${worst.id})` : 'no cluster';
  return {
    expectation, passed: missed.length === 0, measured: worst ? round(worst.pct) : null, measuredText: worstText, expected: `every cluster ${expected}`, evidence,
    summary: missed.length === 0
      ? `every one of the ${count(measured.length)} clusters was available ${expected} of ${window}${worst ? ` (${byLow ? 'lowest' : 'highest'}: ${worst.id} ${round(worst.pct)}%)` : ''}`
      : `${count(missed.length)} of ${count(measured.length)} clusters ${missed.length === 1 ? 'was' : 'were'} not available ${expected} of ${window}: ${named}${more}`,
  };
}
