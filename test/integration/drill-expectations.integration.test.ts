import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Scenario, ScenarioInput } from '../../src-shared/scenario';
import { BUILT_IN_DIR } from '../../src-main/drill/scenario-catalog';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { runWhole } from '../support/drill-run';

/**
 * The expectations that say what a story loses or where its calls go, judged on real drills on the
 * embedded KMS — each both ways: what holds passes, and the opposite claim fails, saying what was
 * measured.
 */
function withExpectations(name: string, expectations: ScenarioInput['expectations']): Scenario {
  const source = parse(readFileSync(join(BUILT_IN_DIR, `${name}.yaml`), 'utf8')) as ScenarioInput;
  return parseScenarioText(stringify({ ...source, expectations }), `${name}.yaml`);
}

const verdicts = async (s: Scenario) => (await runWhole(s)).record.verdicts;

describe('expectations about lost data, nodes, calls and rotations', () => {
  it('snapshots lost for good after the old key is deleted: the claim that they survive fails and says how many were lost', async () => {
    const v = await verdicts(withExpectations('year-of-operation', [
      { expect: 'snapshots-lost', cluster: 'umbrella-prod', takenBefore: 'replace', lost: 'none' },
      { expect: 'snapshot-not-restorable', cluster: 'umbrella-prod', snapshot: 'latest' },
      { expect: 'data-lost', cluster: 'umbrella-prod', atMost: 0 },
      { expect: 'rotations', kind: 'master-key', atMost: 3 },
    ]));
    expect(v.map((x) => x.passed)).toEqual([false, false, false, false]);
    expect(v[0]!.measuredText).toMatch(/^[1-9]\d* of [1-9]\d* lost for good, 0 restorable$/);
    expect(v[1]!.summary).toMatch(/still restores/);
    expect(v[2]!.summary).toMatch(/\d+ items? of data at risk at the end in umbrella-prod, e\.g\. snapshot/);
    expect(v[3]!.measured).toBe(12);
  }, 60_000);

  it('calls after a reconfiguration: claiming they stayed in the old region fails, naming where they went', async () => {
    const v = await verdicts(withExpectations('regional-outage-multi-region-key', [
      { expect: 'kms-calls', after: 'reconfigure', cluster: 'acme-prod', allIn: 'us-east-1' },
      { expect: 'kms-calls', after: 'reconfigure', cluster: 'acme-prod', region: 'us-west-2', atLeast: 1, allSucceed: true },
      { expect: 'node-availability', node: 'acme-prod/n2', from: '2h30m', to: '2h45m', atMost: '0%' },
      { expect: 'error-code-after', after: 'outage', code: 'NetworkingError', within: '10m' },
    ]));
    expect(v[0]!.passed).toBe(false);
    expect(v[0]!.summary).toMatch(/went elsewhere \(e\.g\. us-west-2\)/);
    expect(v[1]!.passed).toBe(true);
    expect(v[2]!.passed).toBe(true);
    // A call refused by the outage never reached KMS: it is an observation, and the verdict says so.
    expect(v[3]!.passed).toBe(true);
    expect(v[3]!.measuredText).toMatch(/never reached KMS/);
    expect(v[3]!.evidence.observations?.length).toBe(1);
  }, 60_000);

  it('a cluster or node down through an outage cites its calls that never reached KMS, not "no KMS call"; one never down cites none', async () => {
    const observations: { observationId?: string; encryptionContext?: Record<string, string> }[] = [];
    const sink = { record: () => undefined, observe: (o: (typeof observations)[number]) => void observations.push(o) };
    const { record } = await runWhole(withExpectations('regional-outage-single-region-key', [
      { expect: 'availability', cluster: 'acme-prod', from: '2h', to: '5h', atMost: '50%' },
      { expect: 'node-availability', node: 'acme-prod/n2', from: '2h', to: '5h', atMost: '50%' },
      { expect: 'availability', cluster: 'acme-prod', from: '0s', to: '2h', atLeast: '100%' },
    ]), { eventSink: sink });
    const [cluster, node, before] = record.verdicts;
    expect(cluster?.passed).toBe(true);
    expect(node?.passed).toBe(true);
    // The outage refused the cluster's calls: never CloudTrail records, so the verdicts cite them as observations.
    expect(cluster?.evidence.records).toEqual([]);
    expect(cluster?.evidence.observations?.length).toBeGreaterThan(0);
    for (const n of cluster?.evidence.observations ?? []) expect(observations[n - 1]?.encryptionContext?.cluster).toBe('acme-prod');
    expect(node?.evidence.observations?.length).toBeGreaterThan(0);
    for (const n of node?.evidence.observations ?? []) expect(observations[n - 1]?.encryptionContext?.node).toBe('n2');
    // Up all along before the outage: nothing to cite.
    expect(before?.passed).toBe(true);
    expect(before?.evidence).toEqual({ records: [] });
  }, 60_000);
});
