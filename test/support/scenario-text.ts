import { expect } from 'vitest';
import { parseScenarioText, ScenarioError } from '../../src-main/drill/scenario-loader';

/** A small valid scenario: one tenant with a multi-Region key, one cluster, an outage and two expectations. */
export const validScenario = `name: outage
title: Regional outage
duration: 6h
topology:
  regions: [us-east-1, us-west-2]
  tenants:
    - id: acme
      keys:
        - { id: acme-cmk, region: us-east-1, multiRegion: true, replicas: [us-west-2] }
  clusters:
    - id: prod
      tenant: acme
      key: acme-cmk
      nodes:
        - { id: n1, region: us-east-1, zone: us-east-1a }
      databases: [orders]
workload:
  opsPerSecondPerDatabase: 100
timeline:
  - { do: kms-region-outage, at: 1h, region: us-east-1, duration: 2h, id: outage }
expectations:
  - { expect: availability, cluster: prod, atLeast: "99.5%" }
  - { expect: readable-within, after: outage, within: 30m }
`;

/** The problems the loader refuses `text` with, one line each as the CLI prints them (the test fails if it is accepted). */
export function problems(text: string): string[] {
  try {
    parseScenarioText(text, 'drill.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the scenario to be refused');
}

/** The 1-based line of the first line of `text` that holds `needle`. */
export const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** `text` with each [from, to] replaced; each `from` must occur exactly once. */
export function edit(text: string, ...pairs: [string, string][]): string {
  return pairs.reduce((out, [from, to]) => {
    expect(out.split(from)).toHaveLength(2);
    return out.replace(from, to);
  }, text);
}
