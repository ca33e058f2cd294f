import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src-shared/duration';
import { scenarioJsonSchemaText } from '../../src-main/drill/scenario-json-schema';
import { parseScenarioText, ScenarioError } from '../../src-main/drill/scenario-loader';

const valid = `name: outage
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

function problems(text: string): string[] {
  try {
    parseScenarioText(text, 'drill.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as ScenarioError).message.split('\n').slice(1).map((l) => l.trim());
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario files', () => {
  it('a valid scenario parses, with durations in milliseconds and the policy defaults filled in', () => {
    const s = parseScenarioText(valid);
    expect(s.duration).toBe(6 * 3_600_000);
    expect(s.timeline[0]).toMatchObject({ do: 'kms-region-outage', at: 3_600_000, duration: 7_200_000, mode: 'refused' });
    expect(s.expectations[0]).toMatchObject({ atLeast: 99.5, from: 0 });
    expect(s.policy).toMatchObject({ masterKeyRotation: 90 * 86_400_000, healthCheck: 300_000, failover: 'none', cache: { maxAge: 86_400_000, maxOperations: 5_000_000 } });
  });

  it('a bad duration is reported with its path and line', () => {
    expect(problems(valid.replace('at: 1h,', 'at: 90x,'))).toEqual(['timeline[0].at: expected a duration like "90m", "1h30m" or "7d" (line 20)']);
  });

  it('an unknown timeline step lists the steps there are', () => {
    const [message] = problems(valid.replace('do: kms-region-outage', 'do: meteor-strike'));
    expect(message).toMatch(/^timeline\[0\]\.do: unknown step: "do" must be one of kms-region-outage, .*restore-snapshot \(line 20\)$/);
  });

  it('names that are not declared are reported where they are used', () => {
    const text = valid.replace('key: acme-cmk', 'key: other-cmk').replace('after: outage', 'after: outtage').replace('replicas: [us-west-2]', 'replicas: [eu-west-1]');
    expect(problems(text)).toEqual([
      'topology.tenants[0].keys[0].replicas[0]: region eu-west-1 is not in topology.regions (us-east-1, us-west-2) (line 9)',
      'topology.clusters[0].key: no key named other-cmk (line 13)',
      'expectations[1].after: no timeline step has id outtage (line 23)',
    ]);
  });

  it('a misspelt member is refused rather than ignored, on its own line', () => {
    const text = valid.replace('workload:\n  opsPerSecondPerDatabase: 100', 'workload:\n  opsPerSecondPerDatabase: 100\n  opsPerSecnd: 5\n  canaryEvry: 1m');
    const line = (key: string) => text.split('\n').findIndex((l) => l.includes(`${key}:`)) + 1;
    expect(problems(text)).toEqual([
      `workload.opsPerSecnd: unknown key "opsPerSecnd" (line ${line('opsPerSecnd')})`,
      `workload.canaryEvry: unknown key "canaryEvry" (line ${line('canaryEvry')})`,
    ]);
  });

  it('a YAML alias bomb is refused with the line of its first alias', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const [message, ...more] = problems(`name: bomb\n${levels.join('\n')}\n`);
    expect(more).toEqual([]);
    expect(message).toMatch(/the YAML aliases expand too far \(more than 100 expansions: an alias bomb\?\); the first alias is \*a \(line 3\)/);
  });

  it('an alias that names no anchor is refused with its line', () => {
    expect(problems('name: x\ntitle: y\nduration: *later\nlater: &later 1h\n')).toEqual(['the alias *later names no anchor (&later) defined before it (line 3)']);
  });

  it('JSON scenarios get line numbers too', () => {
    const json = JSON.stringify({ ...JSON.parse(JSON.stringify(parseScenarioText(valid))), duration: 'six hours' }, null, 2);
    const [message] = problems(json);
    expect(message).toMatch(/^duration: expected a duration like "90m", "1h30m" or "7d" \(line \d+\)$/);
  });

  it('a YAML syntax error gives its line', () => {
    const [message] = problems('name: x\ntitle: [unclosed\nduration: 1h\n');
    expect(message).toMatch(/\(line \d\)$/);
  });

  it('durations parse and print exactly', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('365d')).toBe(365 * 86_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('90')).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('1h30m');
  });

  it('the JSON Schema shipped for editors is the one generated from the zod schema (run npm run schema)', () => {
    expect(readFileSync(new URL('../../resources/scenario.schema.json', import.meta.url), 'utf8')).toBe(scenarioJsonSchemaText());
  });
});
