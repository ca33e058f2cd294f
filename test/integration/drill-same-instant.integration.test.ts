import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { ScenarioInput } from '../../src-shared/scenario';
import { BUILT_IN_DIR } from '../../src-main/drill/scenario-catalog';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { runWhole, type WholeRun } from '../support/drill-run';

/**
 * What happens at an instant where a fault ends and something else is due (a scheduled snapshot,
 * another fault): a fault of duration d from t covers [t, t + d), as availability windows do, so at
 * t + d it is over. And a node that stops serving, whatever made it, has a timeline entry saying so,
 * and every operation it served until then counted.
 */
const HOUR = 3_600_000;

/** revocation-and-restore reduced to one node on a single-Region key whose cached master key lives 2h, snapshots every `every` (if given). */
function oneNode(every: string | undefined, timeline: ScenarioInput['timeline'], expectations: ScenarioInput['expectations']) {
  const source = parse(readFileSync(join(BUILT_IN_DIR, 'revocation-and-restore.yaml'), 'utf8')) as ScenarioInput;
  const topology = {
    regions: ['eu-west-1'],
    tenants: [{ id: 'globex', keys: [{ id: 'globex-cmk', region: 'eu-west-1', alias: 'alias/globex' }] }],
    clusters: [{ id: 'globex-prod', tenant: 'globex', key: 'globex-cmk', nodes: [{ id: 'n1', region: 'eu-west-1', zone: 'eu-west-1a' }], databases: ['accounts'], ...(every ? { snapshots: { every } } : {}) }],
  };
  const policy = { ...source.policy, cache: { maxAge: '2h' } };
  return parseScenarioText(stringify({ ...source, name: 'same-instant', topology, policy, timeline, expectations }), 'same-instant.yaml');
}

/** Each stretch the node spent not serving starts with a timeline entry about that node. */
function unexplainedDowntime({ record, full }: WholeRun): string[] {
  const down = record.clusters.find((c) => c.cluster === 'globex-prod')?.downIntervals ?? [];
  return down
    .filter(([from]) => !full.timeline.some((e) => e.at === from && e.node === 'n1' && e.outcome === 'failed'))
    .map(([from, to]) => `${from / 60_000}m–${to / 60_000}m`);
}

describe('events at the same instant as the end of a fault', () => {
  it('an outage of 1h from 1h is over at 2h: the snapshot due at 2h is taken and the node serves throughout 2h–2h5m', async () => {
    const run = await runWhole(oneNode('2h', [
      { do: 'kms-region-outage', id: 'outage', at: '1h', region: 'eu-west-1', duration: '1h' },
    ], [
      { expect: 'node-availability', node: 'globex-prod/n1', from: '2h', to: '2h5m', atLeast: '100%' },
    ]));
    expect(run.record.verdicts.map((v) => v.summary)).toEqual(['globex-prod/n1 served 100% of 2h–2h5m (expected at least 100%)']);
    const at2h = run.full.timeline.filter((e) => e.at === 2 * HOUR).map((e) => `${e.name} ${e.outcome}`);
    expect(at2h).toEqual(['kms-region-outage-ended ok', 'snapshot-taken ok']);
    expect(run.record.clusters[0]!.downIntervals).toEqual([]);
  }, 60_000);

  it('a node whose master key expires while the outage goes on stops serving at the snapshot that needed it, and the timeline says so', async () => {
    const run = await runWhole(oneNode('2h', [
      { do: 'kms-region-outage', id: 'outage', at: '1h', region: 'eu-west-1', duration: '2h' },
    ], [
      { expect: 'node-availability', node: 'globex-prod/n1', from: '2h', to: '3h', atMost: '0%' },
    ]));
    expect(run.record.verdicts.every((v) => v.passed)).toBe(true);
    const notServing = run.full.timeline.find((e) => e.name === 'node-not-serving');
    expect(notServing?.at).toBe(2 * HOUR);
    expect(notServing?.detail).toMatch(/globex-prod\/n1 cannot serve: its cached master key reached a cache limit and the scheduled snapshot of globex-prod could not get it back from KMS \(NetworkingError\)/);
    expect(run.record.clusters[0]!.downIntervals[0]?.[0]).toBe(2 * HOUR);
    expect(unexplainedDowntime(run)).toEqual([]);
  }, 60_000);

  it('an outage that starts as another ends keeps KMS out: the first one ending does not lift the second', async () => {
    const run = await runWhole(oneNode('150m', [
      { do: 'kms-region-outage', id: 'first', at: '1h', region: 'eu-west-1', duration: '1h' },
      { do: 'kms-region-outage', id: 'second', at: '2h', region: 'eu-west-1', duration: '1h' },
    ], [
      { expect: 'node-availability', node: 'globex-prod/n1', from: '2h5m', to: '3h', atMost: '0%' },
    ]));
    expect(run.record.verdicts.map((v) => v.summary)).toEqual([expect.stringMatching(/served 0% of 2h5m–3h/)]);
    const at2h = run.full.timeline.filter((e) => e.at === 2 * HOUR).map((e) => `${e.name} ${e.stepId ?? ''}`);
    expect(at2h.slice(0, 2)).toEqual(['kms-region-outage-ended first', 'kms-region-outage second']);
    expect(unexplainedDowntime(run)).toEqual([]);
  }, 60_000);
});

describe('operations a node served before something stops it', () => {
  // 20 operations a second on its one database; its master key expires at 2h, in the middle of an outage.
  const outage: ScenarioInput['timeline'] = [{ do: 'kms-region-outage', id: 'outage', at: '1h', region: 'eu-west-1', duration: '2h' }];
  const down: ScenarioInput['expectations'] = [{ expect: 'node-availability', node: 'globex-prod/n1', from: '2h1m', to: '3h', atMost: '0%' }];
  const stoppers: [string, string | undefined, ScenarioInput['timeline'], string][] = [
    ['the scheduled snapshot at 2h', '2h', outage, 'the scheduled snapshot of globex-prod'],
    ['a master-key rotation step at 2h', undefined, [...outage, { do: 'rotate-master-keys', id: 'rotate', at: '2h', cluster: 'globex-prod' }], 'the rotate-master-keys step'],
  ];

  it.each(stoppers)('a node stopped by %s has what it served until then counted, as when its own cache refresh stops it a moment later', async (_, every, timeline, cause) => {
    const stopped = await runWhole(oneNode(every, timeline, down));
    const alone = await runWhole(oneNode(undefined, outage, down));
    const stop = stopped.full.timeline.find((e) => e.name === 'node-not-serving');
    expect(stop?.at).toBe(2 * HOUR);
    expect(stop?.detail).toContain(cause);
    // Without it, the node's next refresh (the first operation after 2h) finds KMS unreachable.
    expect(alone.full.timeline.find((e) => e.name === 'node-not-serving')?.at).toBe(2 * HOUR + 50);
    expect([stopped.record.verdicts, alone.record.verdicts].flat().every((v) => v.passed)).toBe(true);
    expect(stopped.record.clusters[0]!.downIntervals).toEqual(alone.record.clusters[0]!.downIntervals.map(([, to]) => [2 * HOUR, to]));
    // 2h of operations before the outage took it down, then from its recovery to the end: the same in both.
    const [[, back]] = stopped.record.clusters[0]!.downIntervals as [[number, number]];
    expect(stopped.record.totals.bulkOperations).toBe(20 * (2 * HOUR + 6 * HOUR - back) / 1000);
    expect(stopped.record.totals.bulkOperations).toBe(alone.record.totals.bulkOperations);
  }, 60_000);

  const downs: [string, ScenarioInput['timeline'], number][] = [
    ['a crash at 1h30m, restarted at 2h', [{ do: 'node-crash', at: '1h30m', node: 'globex-prod/n1' }, { do: 'node-restart', at: '2h', node: 'globex-prod/n1' }], 30],
    ['a zone outage of 30m from 1h30m', [{ do: 'zone-outage', at: '1h30m', zone: 'eu-west-1a', duration: '30m' }], 30],
    ['a restart at 1h30m', [{ do: 'node-restart', at: '1h30m', node: 'globex-prod/n1' }], 0],
  ];

  it.each(downs)('a node taken down by %s has every operation it served counted', async (_, timeline, downMinutes) => {
    const run = await runWhole(oneNode(undefined, timeline, []));
    expect(run.record.clusters[0]!.downIntervals.map(([from, to]) => to - from)).toEqual(downMinutes ? [downMinutes * 60_000] : []);
    // Its last accounting before 1h30m was its canary sweep at 20m: the 70 minutes after it were served too.
    expect(run.record.totals.bulkOperations).toBe(20 * (6 * 60 - downMinutes) * 60);
  }, 60_000);
});
