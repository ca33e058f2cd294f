import { describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../src-main/drill/scenario-loader';
import { edit, lineOf, problems, validScenario } from '../support/scenario-text';

/**
 * A platform team's hand-written scenario: the first node carries an anchor, the others merge it
 * (YAML 1.1's merge key, `<<`) and write only what differs. The loader refused `<<` as an unknown key.
 */
const merged = edit(validScenario,
  ['        - { id: acme-cmk, region: us-east-1, multiRegion: true, replicas: [us-west-2] }\n',
    '        - &cmk { id: acme-cmk, region: us-east-1, multiRegion: true, replicas: [us-west-2] }\n        - { <<: *cmk, id: acme-cmk-2 }\n'],
  ['        - { id: n1, region: us-east-1, zone: us-east-1a }\n', `        - &node
          id: n1
          region: us-east-1
          zone: us-east-1a
        - { <<: *node, id: n2, zone: us-east-1b }
        - <<: *node
          id: n3
          zone: us-east-1c
`],
  ['  - { do: kms-region-outage, at: 1h, region: us-east-1, duration: 2h, id: outage }\n',
    '  - &outage { do: kms-region-outage, at: 1h, region: us-east-1, duration: 2h, id: outage }\n  - { <<: [{ id: later }, *outage], at: 4h }\n'],
);

describe('YAML anchors and merge keys in a scenario', () => {
  it('a merge key brings in the anchored mapping, and the keys written beside it win', () => {
    const s = parseScenarioText(merged);
    expect(s.topology.clusters[0]?.nodes).toEqual([
      { id: 'n1', region: 'us-east-1', zone: 'us-east-1a' },
      { id: 'n2', region: 'us-east-1', zone: 'us-east-1b' },
      { id: 'n3', region: 'us-east-1', zone: 'us-east-1c' },
    ]);
    expect(s.topology.tenants[0]?.keys[1]).toMatchObject({ id: 'acme-cmk-2', region: 'us-east-1', multiRegion: true, replicas: ['us-west-2'] });
    // Of a list of merged mappings, the earlier one's keys win (YAML 1.1), and the mapping's own over both.
    expect(s.timeline[1]).toMatchObject({ do: 'kms-region-outage', id: 'later', at: 4 * 3_600_000, region: 'us-east-1' });
  });

  it('a key written before the merge still wins over the merged one', () => {
    expect(parseScenarioText(edit(merged, ['{ <<: *node, id: n2, zone: us-east-1b }', '{ zone: us-east-1b, id: n2, <<: *node }'])).topology.clusters[0]?.nodes[1]).toEqual({ id: 'n2', region: 'us-east-1', zone: 'us-east-1b' });
  });

  it('a problem in a merged-in value is reported on the line where the value is written, for every item that merges it', () => {
    const text = edit(merged, ['          region: us-east-1\n', '          region: us-east-1\n          sourceIp: 203.0.113.300\n']);
    const line = lineOf(text, 'sourceIp');
    const found = problems(text);
    expect(found).toHaveLength(3);
    found.forEach((problem, n) => expect(problem).toMatch(new RegExp(`^topology\\.clusters\\[0\\]\\.nodes\\[${n}\\]\\.sourceIp: 203\\.0\\.113\\.300 is not an IP address: .* \\(line ${line}\\)$`)));
  });

  it('an unknown key merged in is reported where it is written; one beside the merge, on its own line', () => {
    const text = edit(merged, ['          zone: us-east-1a\n', '          zone: us-east-1a\n          zoen: b\n'], ['{ <<: *node, id: n2, zone: us-east-1b }', '{ <<: *node, id: n2, zone: us-east-1b, regoin: x }']);
    expect(problems(text)).toEqual(expect.arrayContaining([
      `topology.clusters[0].nodes[1].zoen: unknown key "zoen": did you mean zone? (line ${lineOf(text, 'zoen')})`,
      `topology.clusters[0].nodes[1].regoin: unknown key "regoin": did you mean region? (line ${lineOf(text, 'regoin')})`,
    ]));
  });

  it('a merge of something that is not a mapping is refused, with what it is and its line', () => {
    const text = edit(merged, ['        - { <<: *node, id: n2, zone: us-east-1b }', '        - { <<: *node, id: n2, zone: us-east-1b }\n        - { <<: [*node, 3], id: n4 }']);
    const aliasedList = edit(merged, ['      databases: [orders]', '      databases: &dbs [orders]\n      snapshots: { <<: *dbs }']);
    const hint = 'write <<: *name with &name on a mapping, or a list of them, <<: [*a, *b]';
    expect(problems(text)).toEqual([`topology.clusters[0].nodes[2]: a merge key (<<) merges mappings into this one, and this is the number 3: ${hint} (line ${lineOf(text, 'id: n4')})`]);
    expect(problems(aliasedList)).toEqual([`topology.clusters[0].snapshots: a merge key (<<) merges mappings into this one, and an item of *dbs is the text "orders": ${hint} (line ${lineOf(aliasedList, '<<: *dbs')})`]);
  });

  it('a mapping that merges itself is refused, not expanded without end', () => {
    const text = edit(merged, ['        - &node\n', '        - &node\n          <<: *node\n']);
    expect(problems(text)).toEqual([`topology.clusters[0].nodes[0]: the alias *node is inside the value its anchor &node is on: it would expand without end (line ${lineOf(text, '<<: *node')})`]);
  });

  it('a key that only holds an anchor is refused, saying where an anchor can go; a quoted "<<" is a plain key', () => {
    const text = `x-node: &base { region: us-east-1 }\n${merged.replace('          region: us-east-1\n', '          <<: *base\n')}`;
    expect(problems(text)).toEqual(['x-node: unknown key "x-node" (a scenario has no keys only to hold anchors: put &base on the first value that uses it, and merge it into the others with <<: *base) (line 1)']);
    const quoted = edit(merged, ['{ <<: *node, id: n2, zone: us-east-1b }', '{ "<<": *node, id: n2, region: us-east-1, zone: us-east-1b }']);
    expect(problems(quoted)).toEqual([`topology.clusters[0].nodes[1].<<: unknown key "<<" (a merge key is written unquoted: <<: *name) (line ${lineOf(quoted, '"<<"')})`]);
  });

  it('a merge key written twice in one mapping is refused, as a repeated key is, saying how to merge several', () => {
    const text = edit(merged, ['{ <<: *node, id: n2, zone: us-east-1b }', '{ <<: *node, <<: *cmk, id: n2, zone: us-east-1b }']);
    expect(problems(text)).toEqual([`topology.clusters[0].nodes[1]: the merge key << is written twice in this mapping: merge several mappings with one, <<: [*a, *b] (the first listed wins a key both have) (line ${lineOf(text, '<<: *node, <<: *cmk')})`]);
  });

  it('a key holding anchors a level down gets the same word on where anchors go', () => {
    const text = `x-defaults:\n  node: &base { region: us-east-1 }\n${merged.replace('          region: us-east-1\n', '          <<: *base\n')}`;
    expect(problems(text)).toEqual(['x-defaults: unknown key "x-defaults" (a scenario has no keys only to hold anchors: put &base on the first value that uses it, and merge it into the others with <<: *base) (line 1)']);
  });

  it('a bomb of merge keys is refused at once, not expanded', () => {
    const levels = [`l0: &l0 { ${Array.from({ length: 50 }, (_, i) => `k${i}: lol`).join(', ')} }`];
    for (let i = 1; i < 12; i++) levels.push(`l${i}: &l${i} { <<: [${Array(9).fill(`*l${i - 1}`).join(', ')}], n${i}: x }`);
    const started = Date.now();
    const [message, ...more] = problems(`name: bomb\n${levels.join('\n')}\n`);
    expect(more).toEqual([]);
    expect(message).toMatch(/^l11: the YAML aliases add [\d,]+ values to this scenario, more than the 100,000 they may \(an alias bomb\?\); the largest is \*l10, [\d,]+ values \(line 13\)$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('thousands of merges are read in linear time (the parser\'s own alias lookup scans the document for each)', () => {
    const nodes = Array.from({ length: 3000 }, (_, i) => `        - { <<: *node, id: m${i} }\n`).join('');
    const text = edit(merged, ['      databases: [orders]', `${nodes}      databases: [orders]`]);
    const started = Date.now();
    expect(parseScenarioText(text).topology.clusters[0]?.nodes).toHaveLength(3003);
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
