import { readdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as kmsSdk from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { KMS_API_OPERATIONS, KMS_READ_ONLY_EVENTS } from '../../src-shared/cloudtrail';
import { formatDuration, parseDuration } from '../../src-shared/duration';
import { ipVersion } from '../../src-shared/ip-address';
import { scenarioJsonSchemaText } from '../../src-main/drill/scenario-json-schema';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { EXPECTATION_KINDS, TIMELINE_KINDS } from '../../src-shared/scenario';
import { EXPECTATION_KEYS, STEP_KEYS } from '../../src-shared/scenario-keys';
import { KMS_OPERATIONS } from '../../src-main/kms/embedded/operations';
import { edit as editText, lineOf, problems, validScenario } from '../support/scenario-text';

const valid = validScenario;

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

  it('node-restart takes a zone (every node in it restarts at once), and exactly one of node, cluster or zone', () => {
    const withStep = (step: string) => valid.replace('  - { do: kms-region-outage, at: 1h, region: us-east-1, duration: 2h, id: outage }', `  - { do: kms-region-outage, at: 1h, region: us-east-1, duration: 2h, id: outage }\n  - ${step}`);
    expect(parseScenarioText(withStep('{ do: node-restart, at: 90m, zone: us-east-1a }')).timeline[1]).toMatchObject({ do: 'node-restart', zone: 'us-east-1a' });
    expect(problems(withStep('{ do: node-restart, at: 90m, zone: us-east-1z }'))).toEqual(['timeline[1].zone: no node is in zone us-east-1z (line 21)']);
    expect(problems(withStep('{ do: node-restart, at: 90m, zone: us-east-1a, cluster: prod }'))).toEqual(['timeline[1]: node-restart needs one of node ("cluster/node"), cluster or zone (line 21)']);
    expect(problems(withStep('{ do: node-restart, at: 90m }'))).toEqual(['timeline[1]: node-restart needs one of node ("cluster/node"), cluster or zone (line 21)']);
  });

  it('a step after the end of the drill says when it is and when the drill ends, as durations are written', () => {
    const text = valid.replace('at: 1h, region', 'at: 7h, region');
    expect(problems(text)).toContain(`timeline[0].at: this step is at 7h, after the end of the drill (duration 6h) (line ${lineOf(text, 'at: 7h')})`);
  });

  it('a fault that would outlast the drill is refused with the most it can last: the report would call it longer than what was played', () => {
    const text = valid.replace('at: 1h, region: us-east-1, duration: 2h', 'at: 1h, region: us-east-1, duration: 40d');
    expect(problems(text)).toEqual([`timeline[0].duration: this fault would last until 40d1h, after the end of the drill (duration 6h): give a duration of at most 5h, or none to keep it until the end (line ${lineOf(text, 'duration: 40d')})`]);
    expect(parseScenarioText(valid.replace('at: 1h, region: us-east-1, duration: 2h', 'at: 1h, region: us-east-1, duration: 5h')).timeline[0]).toMatchObject({ duration: 5 * 3_600_000 });
  });

  it('a window that starts when the drill has ended is refused: a bound over nothing would pass whatever the drill did', () => {
    const text = valid.replace('  - { expect: readable-within, after: outage, within: 30m }', [
      '  - { expect: availability, cluster: prod, from: 40h, atLeast: 99 }',
      '  - { expect: node-availability, node: prod/n1, from: 6h, atLeast: 99.99 }',
      '  - { expect: kms-calls, from: 5d, atMost: 0 }',
      '  - { expect: kms-calls, from: 1h, to: 7h, atLeast: 1 }',
    ].join('\n'));
    expect(problems(text)).toEqual([
      `expectations[1].from: the window starts at 1d16h, when the drill has ended (duration 6h): nothing in it could be judged (line ${lineOf(text, 'from: 40h')})`,
      `expectations[2].from: the window starts at 6h, when the drill has ended (duration 6h): nothing in it could be judged (line ${lineOf(text, 'from: 6h')})`,
      `expectations[3].from: the window starts at 5d, when the drill has ended (duration 6h): nothing in it could be judged (line ${lineOf(text, 'from: 5d')})`,
      `expectations[4].to: the window must end after it starts and within the drill (line ${lineOf(text, 'to: 7h')})`,
    ]);
    // Within the drill, the same windows are judged.
    expect(parseScenarioText(text.replace('from: 40h', 'from: 4h').replace('from: 6h', 'from: 5h').replace('from: 5d', 'from: 5h').replace('to: 7h', 'to: 6h')).expectations).toHaveLength(5);
  });

  it('a value of the wrong type or out of range says what was written and what to write, not zod\'s "Invalid input: expected int, received number"', () => {
    const text = valid
      .replace('name: outage', 'name: outage\nseed: 1.5')
      .replace('multiRegion: true', 'multiRegion: yes')
      .replace('databases: [orders]', 'databases: orders')
      .replace('opsPerSecondPerDatabase: 100', 'opsPerSecondPerDatabase: -1')
      .replace('title: Regional outage', "title: ''");
    expect(problems(text)).toEqual(expect.arrayContaining([
      `seed: expected a whole number, not 1.5 (line ${lineOf(text, 'seed:')})`,
      `topology.tenants[0].keys[0].multiRegion: expected true or false, not the text "yes" (YAML 1.2 reads yes, no, on and off as text) (line ${lineOf(text, 'multiRegion')})`,
      `topology.clusters[0].databases: expected a list ([a, b] or one "- " item a line), not the text "orders" (line ${lineOf(text, 'databases:')})`,
      `workload.opsPerSecondPerDatabase: must be at least 0, not -1 (line ${lineOf(text, 'opsPerSecondPerDatabase')})`,
      `title: must not be empty (line ${lineOf(text, 'title:')})`,
    ]));
    expect(problems(valid.replace('opsPerSecondPerDatabase: 100', 'opsPerSecondPerDatabase: 100\n  canaryEvery: 5m\npolicy:\n  onKeyAccessLoss: { action: shutdown }'))).toContainEqual(expect.stringMatching(/^policy\.onKeyAccessLoss\.action: expected one of serve-from-cache, shut-down, not the text "shutdown"/));
    expect(problems(text).join('\n')).not.toMatch(/Invalid input|Too small|Invalid option/);
  });

  it('a refused duration is the one problem: no step reported "after the end of the drill (duration 90ms)" beside it', () => {
    for (const [written, message] of [['"90"', 'expected a duration like "90m", "1h30m" or "7d"'], ['0s', 'a drill must be at least 1s']] as const) {
      expect(problems(valid.replace('duration: 6h', `duration: ${written}`))).toEqual([`duration: ${message} (line 3)`]);
    }
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
      `workload.canaryEvry: unknown key "canaryEvry": did you mean canaryEvery? (line ${line('canaryEvry')})`,
    ]);
  });

  // A UI trial: "duraton" and "healthChek" were refused with no word of the key meant, as expectations' and steps' keys are.
  it('a slip of a key at the top level or in policy names the key meant', () => {
    const text = `${valid.replace(/^duration:/m, 'duraton:')}\npolicy:\n  healthChek: 5m\n`;
    expect(problems(text)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^duraton: unknown key "duraton": did you mean duration\? \(line \d+\)$/),
      expect.stringMatching(/^policy\.healthChek: unknown key "healthChek": did you mean healthCheck\? \(line \d+\)$/),
    ]));
  });

  it('a YAML alias bomb is refused at once, with the line of the alias that expands most', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, name] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    const [message, ...more] = problems(`name: bomb\n${levels.join('\n')}\n`);
    expect(more).toEqual([]);
    expect(message).toBe('g[0]: the YAML aliases add 6,053,373 values to this scenario, more than the 100,000 they may (an alias bomb?); the largest is *f, 597,871 values (line 8)');
  });

  it('an alias that names no anchor is refused with its line', () => {
    expect(problems('name: x\ntitle: y\nduration: *later\nlater: &later 1h\n')).toEqual(['duration: the alias *later names no anchor (&later) defined before it (line 3)']);
  });

  it('JSON scenarios get line numbers too', () => {
    const json = JSON.stringify({ ...JSON.parse(JSON.stringify(parseScenarioText(valid))), duration: 'six hours' }, null, 2);
    const [message] = problems(json);
    expect(message).toMatch(/^duration: expected a duration like "90m", "1h30m" or "7d" \(line \d+\)$/);
  });

  it('a YAML syntax error gives its line and column and a short reason', () => {
    expect(problems('name: x\ntitle: [unclosed\nduration: 1h\n')).toEqual(['syntax error: a "[" above is not closed with "]" before this line (or this line is not indented under it) (line 3:1)']);
  });

  it('a stray "}" in an otherwise good file is the one problem reported: no flood of knock-on errors, no schema problems', () => {
    const text = valid.replace('      databases: [orders]\n', '      databases: [orders]}\n');
    expect(problems(text)).toEqual([`syntax error: unexpected "}": no "{" is open here to close; nothing after it was checked (line ${lineOf(text, '[orders]}')}:${'      databases: [orders]}'.length})`]);
  });

  it('a file with many syntax errors lists the first three and says how many more there are', () => {
    const text = valid.replace(/^ {2}(\w+:)/gm, '\t$1');
    const tabbed = text.split('\n').flatMap((l, i) => (l.startsWith('\t') ? [i + 1] : []));
    expect(tabbed.length).toBeGreaterThan(3);
    expect(problems(text)).toEqual([
      ...tabbed.slice(0, 3).map((line) => `syntax error: tabs are not allowed as indentation (line ${line}:1)`),
      `and ${tabbed.length - 3} more syntax error${tabbed.length === 4 ? '' : 's'} after these, often knock-on effects of the first: fix it and validate again`,
    ]);
  });

  it('durations parse and print exactly', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('365d')).toBe(365 * 86_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('90')).toBeUndefined();
    expect(formatDuration(5_400_000)).toBe('1h30m');
    // Milliseconds beside larger units as decimal seconds: "1h20ms" would read as 1h20m.
    expect(formatDuration(3_600_020)).toBe('1h0.02s');
    expect(formatDuration(90_500)).toBe('1m30.5s');
    expect(formatDuration(20)).toBe('20ms');
    for (const ms of [1, 999, 1000, 1001, 59_999, 3_600_020, 86_400_001, 90_061_234]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });

  it('the JSON Schema shipped for editors is the one generated from the zod schema (run npm run schema)', () => {
    expect(readFileSync(new URL('../../resources/scenario.schema.json', import.meta.url), 'utf8')).toBe(scenarioJsonSchemaText());
  });
});

/** `valid` with each [from, to] replaced, exactly once. */
const edit = (...pairs: [string, string][]): string => editText(valid, ...pairs);

const withExpectations = (...lines: string[]) => edit(['  - { expect: availability, cluster: prod, atLeast: "99.5%" }\n', lines.map((l) => `  - ${l}\n`).join('')]);
const withSteps = (...lines: string[]) => edit(['duration: 2h, id: outage }\n', `duration: 2h, id: outage }\n${lines.map((l) => `  - ${l}\n`).join('')}`], ['regions: [us-east-1, us-west-2]', 'regions: [us-east-1, us-west-2, eu-west-1]']);

/**
 * Scenarios a QA pass found valid that the drill then failed at run time, or judged vacuously: each
 * is refused by validation now, naming the field and the line.
 */
describe('scenario checks that stop a drill failing at run time', () => {
  it('an alias under the reserved alias/aws/ prefix is refused with its path and line', () => {
    const text = edit(['replicas: [us-west-2] }', 'replicas: [us-west-2], alias: alias/aws/globex }']);
    expect(problems(text)).toEqual([`topology.tenants[0].keys[0].alias: the prefix alias/aws/ is reserved for AWS managed keys: KMS refuses to create such an alias (line ${lineOf(text, 'alias/aws/')})`]);
  });

  it('one alias on two keys in the same region, a replica region listed twice and an alias over 256 characters are refused where they are written', () => {
    const text = edit(
      ['replicas: [us-west-2] }', 'replicas: [us-west-2, us-west-2], alias: alias/shared }\n        - { id: other-cmk, region: us-west-2, alias: alias/shared }\n        - { id: long-cmk, region: us-east-1, alias: alias/' + 'x'.repeat(251) + ' }'],
    );
    expect(problems(text)).toEqual([
      `topology.tenants[0].keys[2].alias: an alias is at most 256 characters, "alias/" included: KMS refuses a longer one (line ${lineOf(text, 'long-cmk')})`,
      `topology.tenants[0].keys[0].replicas[1]: replica region us-west-2 is listed twice: a multi-Region key has one replica per region (line ${lineOf(text, 'acme-cmk')})`,
      `topology.tenants[0].keys[1].alias: alias alias/shared is already key acme-cmk's in us-west-2: an alias names one key per region (line ${lineOf(text, 'other-cmk')})`,
    ]);
  });

  it('an octet over 255, an IPv4 prefix over 32, an IPv6 prefix over 128 and a malformed IPv6 address are refused where they are written', () => {
    const text = edit(
      ['replicas: [us-west-2] }', 'replicas: [us-west-2], allowFrom: { sourceIps: [10.0.0.0/33, "2001:db8::/129", 10.0.0.0/8, "2001:db8::/32", 203.0.113.7] } }'],
      ['zone: us-east-1a }', 'zone: us-east-1a, sourceIp: 10.0.0.300 }\n        - { id: n2, region: us-east-1, zone: us-east-1b, sourceIp: "1::2::3" }\n        - { id: n3, region: us-east-1, zone: us-east-1c, sourceIp: "2001:db8::7" }'],
    );
    const key = lineOf(text, 'allowFrom');
    expect(problems(text)).toEqual([
      `topology.tenants[0].keys[0].allowFrom.sourceIps[0]: 10.0.0.0/33: the prefix length of an IPv4 block is 0 to 32 (line ${key})`,
      `topology.tenants[0].keys[0].allowFrom.sourceIps[1]: 2001:db8::/129: the prefix length of an IPv6 block is 0 to 128 (line ${key})`,
      expect.stringMatching(new RegExp(`^topology\\.clusters\\[0\\]\\.nodes\\[0\\]\\.sourceIp: 10\\.0\\.0\\.300 is not an IP address: .* \\(line ${lineOf(text, '10.0.0.300')}\\)$`)),
      expect.stringMatching(new RegExp(`^topology\\.clusters\\[0\\]\\.nodes\\[1\\]\\.sourceIp: 1::2::3 is not an IP address: .* \\(line ${lineOf(text, '1::2::3')}\\)$`)),
    ]);
  });

  it('a node with no network path under a key that allows the service only from given addresses or endpoints is refused, naming the node, the key and what to add', () => {
    const twoNodes = (allowFrom: string) => edit(
      ['replicas: [us-west-2] }', `replicas: [us-west-2], allowFrom: ${allowFrom} }`],
      ['        - { id: n1, region: us-east-1, zone: us-east-1a }\n', '        - { id: n1, region: us-east-1, zone: us-east-1a, sourceIp: 203.0.113.5, vpcEndpoint: vpce-0a1b2c3d4e5f60718 }\n        - { id: n2, region: us-east-1, zone: us-east-1b }\n'],
    );
    const ips = twoNodes('{ sourceIps: [203.0.113.0/28] }');
    expect(problems(ips)).toEqual([`topology.clusters[0].nodes[1]: node prod/n2 declares neither sourceIp nor vpcEndpoint, but key acme-cmk allows the service only from 203.0.113.0/28: add sourceIp with an address in 203.0.113.0/28 (or one outside, to drill a refusal) (line ${lineOf(ips, 'id: n2')})`]);
    const endpoints = twoNodes('{ vpcEndpoints: [vpce-0a1b2c3d4e5f60718, vpce-0a1b2c3d4e5f60719] }');
    expect(problems(endpoints)).toEqual([`topology.clusters[0].nodes[1]: node prod/n2 declares neither sourceIp nor vpcEndpoint, but key acme-cmk allows the service only through vpce-0a1b2c3d4e5f60718 or vpce-0a1b2c3d4e5f60719: add vpcEndpoint: one of vpce-0a1b2c3d4e5f60718, vpce-0a1b2c3d4e5f60719 (or another endpoint, to drill a refusal) (line ${lineOf(endpoints, 'id: n2')})`]);
    const both = twoNodes('{ sourceIps: [203.0.113.0/28], vpcEndpoints: [vpce-0a1b2c3d4e5f60718] }');
    expect(problems(both)).toEqual([`topology.clusters[0].nodes[1]: node prod/n2 declares neither sourceIp nor vpcEndpoint, but key acme-cmk allows the service only from 203.0.113.0/28 and through vpce-0a1b2c3d4e5f60718: add sourceIp (an address in 203.0.113.0/28) and vpcEndpoint (vpce-0a1b2c3d4e5f60718): the key policy requires both (or give a path outside them, to drill a refusal) (line ${lineOf(both, 'id: n2')})`]);
    // A path outside the controls is a refusal worth drilling, not a mistake.
    expect(() => parseScenarioText(both.replace('zone: us-east-1b }', 'zone: us-east-1b, sourceIp: 198.51.100.23 }'))).not.toThrow();
  });

  it('a node address changed to an impossible one is refused too', () => {
    const text = edit(['zone: us-east-1a }', 'zone: us-east-1a, sourceIp: 10.0.0.1 }'], ['duration: 2h, id: outage }\n', 'duration: 2h, id: outage }\n  - { do: node-address-change, at: 4h, node: prod/n1, sourceIp: 256.0.0.1 }\n']);
    expect(problems(text)).toEqual([expect.stringMatching(new RegExp(`^timeline\\[1\\]\\.sourceIp: 256\\.0\\.0\\.1 is not an IP address: .* \\(line ${lineOf(text, '256.0.0.1')}\\)$`))]);
  });

  it('addresses are read as node:net reads them (IPv6 zone ids aside, which aws:SourceIp does not take)', () => {
    const cases = ['10.0.0.1', '0.0.0.0', '255.255.255.255', '10.0.0.300', '010.0.0.1', '1.2.3', '1.2.3.4.5', '::', '::1', '1::', '2001:db8::10',
      '2001:0db8:0000:0000:0000:0000:0000:0010', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::',
      '::ffff:192.0.2.1', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', '1.2.3.4::', '12345::', 'g::1', ':1::', '1::2:', '', '::ffff:1.2.3.256'];
    expect(cases.map((c) => ipVersion(c) ?? 0)).toEqual(cases.map((c) => isIP(c)));
  });

  it('data-lost with only atMost: 0 means nothing lost, not "at least 1 and at most 0"', () => {
    const s = parseScenarioText(withExpectations('{ expect: data-lost, atMost: 0 }', '{ expect: data-lost }'));
    expect(s.expectations.slice(0, 2)).toMatchObject([{ expect: 'data-lost', atLeast: 0, atMost: 0 }, { expect: 'data-lost', atLeast: 1 }]);
  });

  it('atLeast above atMost is refused for every expectation with both bounds, percentages compared as numbers', () => {
    const text = withExpectations(
      '{ expect: availability, cluster: prod, atLeast: "99.5%", atMost: 99 }',
      '{ expect: node-availability, node: prod/n1, atLeast: 50, atMost: "40%" }',
      '{ expect: data-lost, atLeast: 3, atMost: 2 }',
      '{ expect: kms-calls, atLeast: 10, atMost: 9 }',
      '{ expect: rotations, kind: cmk, atLeast: 2, atMost: 1 }',
      '{ expect: availability, cluster: prod, atLeast: "99%", atMost: "99.5%" }',
    );
    expect(problems(text)).toEqual([
      `expectations[0].atLeast: atLeast (99.5) is more than atMost (99): no result can meet both (line ${lineOf(text, '"99.5%", atMost: 99')})`,
      `expectations[1].atLeast: atLeast (50) is more than atMost (40): no result can meet both (line ${lineOf(text, 'node-availability')})`,
      `expectations[2].atLeast: atLeast (3) is more than atMost (2): no result can meet both (line ${lineOf(text, 'data-lost')})`,
      `expectations[3].atLeast: atLeast (10) is more than atMost (9): no result can meet both (line ${lineOf(text, 'kms-calls')})`,
      `expectations[4].atLeast: atLeast (2) is more than atMost (1): no result can meet both (line ${lineOf(text, 'rotations')})`,
    ]);
  });

  it('a percentage written as a fraction (atLeast: 0.999) is refused, naming the field, the line and what to write; "0.5%" still means half a percent', () => {
    const text = withExpectations(
      '{ expect: availability, cluster: prod, atLeast: 0.999 }',
      '{ expect: node-availability, node: prod/n1, atMost: 0.5 }',
      '{ expect: availability, cluster: prod, database: orders, atLeast: 0.95, atMost: 100 }',
    );
    expect(problems(text)).toEqual([
      `expectations[0].atLeast: atLeast: 0.999 reads as 0.999 %; percentages here are 0–100, write 99.9 (or "0.999%" if you do mean 0.999 %) (line ${lineOf(text, 'atLeast: 0.999')})`,
      `expectations[1].atMost: atMost: 0.5 reads as 0.5 %; percentages here are 0–100, write 50 (or "0.5%" if you do mean 0.5 %) (line ${lineOf(text, 'atMost: 0.5')})`,
      `expectations[2].atLeast: atLeast: 0.95 reads as 0.95 %; percentages here are 0–100, write 95 (or "0.95%" if you do mean 0.95 %) (line ${lineOf(text, 'atLeast: 0.95,')})`,
    ]);
    const explicit = parseScenarioText(withExpectations('{ expect: node-availability, node: prod/n1, atMost: "0.5%" }', '{ expect: availability, cluster: prod, atLeast: 0, atMost: 1 }', '{ expect: availability, cluster: prod, atLeast: 99.9 }'));
    expect(explicit.expectations.slice(0, 3)).toMatchObject([{ atMost: 0.5 }, { atLeast: 0, atMost: 1 }, { atLeast: 99.9 }]);
    expect(problems(withExpectations('{ expect: availability, cluster: prod, atLeast: high }'))[0]).toMatch(/^expectations\[0\]\.atLeast: atLeast is a percentage 0–100, like 99\.9 or "99\.9%" \(line \d+\)$/);
  });

  it('a throttle rate is a fraction 0–1: a rate written as a percentage is refused with the fraction to write', () => {
    const text = withSteps('{ do: kms-throttle, at: 1h, region: us-east-1, rate: 20 }');
    expect(problems(text)).toEqual([`timeline[1].rate: rate is the fraction of calls throttled, 0–1: for 20 % write 0.2 (line ${lineOf(text, 'rate: 20')})`]);
    expect(() => parseScenarioText(withSteps('{ do: kms-throttle, at: 1h, region: us-east-1, rate: 0.2 }'))).not.toThrow();
  });

  it('an unknown key in an expectation names the item and its kind, what that kind allows, and the key meant', () => {
    const text = withExpectations(
      '{ expect: error-code-after, after: outage, code: KMSInternalException, withn: 5m }',
      '{ expect: availability, cluster: prod, databse: orders, atLeast: 99 }',
      '{ expect: error-code-after, after: outage, code: KMSInternalException, errorCode: KMSInternalException }',
      '{ expect: no-canary-lost, cluster: prod, zzz: 1 }',
    );
    expect(problems(text)).toEqual([
      `expectations[0].withn: unknown key "withn" in expectations[0] (error-code-after): did you mean within? error-code-after allows expect, after, code, within, cluster (line ${lineOf(text, 'withn')})`,
      `expectations[1].databse: unknown key "databse" in expectations[1] (availability): did you mean database? availability allows expect, cluster, database, from, to, atLeast, atMost (line ${lineOf(text, 'databse')})`,
      `expectations[2].errorCode: unknown key "errorCode" in expectations[2] (error-code-after): error-code-after allows expect, after, code, within, cluster (errorCode is a key of kms-calls) (line ${lineOf(text, 'errorCode')})`,
      `expectations[3].zzz: unknown key "zzz" in expectations[3] (no-canary-lost): no-canary-lost allows expect, cluster (line ${lineOf(text, 'zzz')})`,
    ]);
  });

  it('an unknown key in a timeline step, and a misspelt kind of step or expectation, get the same help', () => {
    const text = withExpectations('{ expect: error-code-afterr, after: outage, code: X }');
    expect(problems(text)).toEqual([`expectations[0].expect: unknown expectation: "expect" must be one of ${EXPECTATION_KINDS.join(', ')} (did you mean error-code-after?) (line ${lineOf(text, 'afterr')})`]);
    const steps = withSteps('{ do: kms-throttle, at: 1h, reigon: us-east-1, region: us-east-1, rate: 0.5 }', '{ do: key-disabel, at: 1h, key: acme-cmk }');
    expect(problems(steps)).toEqual([
      `timeline[1].reigon: unknown key "reigon" in timeline[1] (kms-throttle): did you mean region? kms-throttle allows do, at, id, region, rate, duration (line ${lineOf(steps, 'reigon')})`,
      `timeline[2].do: unknown step: "do" must be one of ${TIMELINE_KINDS.join(', ')} (did you mean key-disable?) (line ${lineOf(steps, 'key-disabel')})`,
    ]);
  });

  it('a required key left out is named as missing (with the kind that needs it), not as "expected string, received undefined"', () => {
    const text = withExpectations('{ expect: error-code-after, after: outage }').replace('workload:\n  opsPerSecondPerDatabase: 100\n', '').replace('regions: [us-east-1, us-west-2]', 'regions: []');
    expect(problems(text)).toEqual([
      `topology.regions: a topology needs at least one region (line ${lineOf(text, 'regions: []')})`,
      'workload: missing key "workload" (line 1)',
      `expectations[0].code: missing key "code": error-code-after needs it (line ${lineOf(text, 'error-code-after')})`,
    ]);
  });

  it('the kinds listed in messages are the schema\'s own', () => {
    expect([...EXPECTATION_KEYS.keys()].sort()).toEqual([...EXPECTATION_KINDS].sort());
    expect([...STEP_KEYS.keys()].sort()).toEqual([...TIMELINE_KINDS].sort());
  });

  it('an operation that is not a KMS API operation is refused, with the likely one', () => {
    const text = withExpectations('{ expect: kms-calls-at-most, count: 0, operation: Decrpyt }', '{ expect: kms-calls, operation: Frobnicate, atMost: 3 }', '{ expect: kms-calls, operation: ReEncrypt, atMost: 3 }');
    expect(problems(text)).toEqual([
      `expectations[0].operation: Decrpyt is not an AWS KMS operation (did you mean Decrypt?): write an API name as CloudTrail shows it, like Decrypt, GenerateDataKey or ReEncrypt (line ${lineOf(text, 'Decrpyt')})`,
      `expectations[1].operation: Frobnicate is not an AWS KMS operation: write an API name as CloudTrail shows it, like Decrypt, GenerateDataKey or ReEncrypt (line ${lineOf(text, 'Frobnicate')})`,
    ]);
  });

  // A user wrote AccessDenied: it validated, and the drill then failed the expectation ("no KMS call failed with AccessDenied").
  it('an error code no KMS call gives is refused where it is written, with the code meant', () => {
    const text = withExpectations(
      '{ expect: error-code-after, after: outage, code: AccessDenied }',
      '{ expect: kms-calls, errorCode: KMSInvalidStateExeption, atMost: 0 }',
      '{ expect: kms-calls, errorCode: KeyRevoked, atMost: 0 }',
      '{ expect: error-code-after, after: outage, code: NetworkingError, within: 5m }',
      '{ expect: kms-calls, errorCode: AccessDeniedException, atLeast: 1 }',
    );
    const tail = 'write it as CloudTrail\'s errorCode shows it, like AccessDeniedException, DisabledException or KMSInvalidStateException (or NetworkingError, TimeoutError for a call that never reached KMS)';
    expect(problems(text)).toEqual([
      `expectations[0].code: AccessDenied is not an error code a KMS call gives (did you mean AccessDeniedException?): ${tail} (line ${lineOf(text, 'AccessDenied }')})`,
      `expectations[1].errorCode: KMSInvalidStateExeption is not an error code a KMS call gives (did you mean KMSInvalidStateException?): ${tail} (line ${lineOf(text, 'KMSInvalidStateExeption')})`,
      `expectations[2].errorCode: KeyRevoked is not an error code a KMS call gives: ${tail} (line ${lineOf(text, 'KeyRevoked')})`,
    ]);
  });

  it('the built-in scenarios still validate', () => {
    const dir = new URL('../../resources/scenarios/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(() => parseScenarioText(readFileSync(new URL(file, dir), 'utf8'), file)).not.toThrow();
  });

  it('the KMS operations a scenario may name are the SDK\'s commands, and hold every operation the embedded KMS answers', () => {
    const sdk = Object.keys(kmsSdk).filter((name) => /^[A-Z]\w*Command$/.test(name)).map((name) => name.slice(0, -'Command'.length));
    expect([...KMS_API_OPERATIONS].sort()).toEqual(sdk.sort());
    expect(Object.keys(KMS_OPERATIONS).filter((op) => !KMS_API_OPERATIONS.has(op))).toEqual([]);
    expect([...KMS_READ_ONLY_EVENTS].filter((op) => !KMS_API_OPERATIONS.has(op))).toEqual([]);
  });

  it('no-success-during-outage for a region no step takes down is refused, not passed vacuously', () => {
    const text = withExpectations('{ expect: no-success-during-outage, region: us-west-2 }', '{ expect: no-success-during-outage, region: us-east-1 }');
    expect(problems(text)).toEqual([`expectations[0].region: no kms-region-outage step takes us-west-2 down: with no outage to judge, this would pass whatever happens (line ${lineOf(text, 'region: us-west-2 }')})`]);
  });

  it('a node in a zone of another region, and a region listed twice, are refused', () => {
    const text = edit(['regions: [us-east-1, us-west-2]', 'regions: [us-east-1, us-west-2, us-west-2]'],
      ['zone: us-east-1a }', 'zone: us-east-1a }\n        - { id: n2, region: us-west-2, zone: us-east-1a }\n        - { id: n3, region: us-west-2, zone: us-west-2-lax-1a }\n        - { id: n4, region: us-east-1, zone: use1-az4 }']);
    expect(problems(text)).toEqual([
      'topology.regions[2]: region us-west-2 is listed twice (line 5)',
      `topology.clusters[0].nodes[1].zone: zone us-east-1a is in us-east-1, not in the node's region us-west-2 (line ${lineOf(text, 'id: n2')})`,
    ]);
  });

  it('a restore-snapshot before any snapshot of its cluster is refused', () => {
    const none = withSteps('{ do: restore-snapshot, at: 2h, cluster: prod }');
    expect(problems(none)).toEqual([`timeline[1].cluster: cluster prod has no snapshot to restore: it has no snapshot schedule (snapshots.every) and no take-snapshot step for it comes before this one (line ${lineOf(none, 'restore-snapshot')})`]);
    const early = withSteps('{ do: restore-snapshot, at: 1h, cluster: prod }', '{ do: take-snapshot, at: 1h, cluster: prod }').replace('databases: [orders]', 'databases: [orders]\n      snapshots: { every: 2h }');
    expect(problems(early)).toEqual([`timeline[1].cluster: cluster prod has no snapshot yet at this step: its first scheduled snapshot is at 2h and no take-snapshot step for it comes before this one (line ${lineOf(early, 'restore-snapshot')})`]);
    expect(() => parseScenarioText(withSteps('{ do: take-snapshot, at: 1h, cluster: prod }', '{ do: restore-snapshot, at: 1h, cluster: prod }'))).not.toThrow();
  });

  it('reconfiguring a cluster to a region its multi-Region key has no replica in is refused; a single-Region key\'s refused failover is still a drill', () => {
    const text = withSteps('{ do: reconfigure-kms-region, at: 2h, cluster: prod, region: eu-west-1 }', '{ do: reconfigure-kms-region, at: 3h, cluster: prod, region: us-west-2 }');
    expect(problems(text)).toEqual([`timeline[1].region: the key of cluster prod has no replica in eu-west-1 (it is in us-east-1, us-west-2): the cluster cannot call KMS there; add eu-west-1 to the key's replicas (line ${lineOf(text, 'region: eu-west-1 }')})`]);
    const single = text.replace('multiRegion: true, replicas: [us-west-2] }', 'multiRegion: false }');
    expect(() => parseScenarioText(single)).not.toThrow();
  });
});
