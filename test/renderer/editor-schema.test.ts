import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src-shared/scenario-json-schema';
import { describeKey, placeAt, suggestions, type JsonSchema } from '../../src-renderer/src/editor/schema-context';
import { nameSuggestions, scenarioNames } from '../../src-renderer/src/editor/scenario-names';

/** The scenario editor's completion and hover help, read from the scenario's JSON Schema at the cursor. */
const schema = scenarioJsonSchema() as JsonSchema;
const at = (text: string) => suggestions(schema, placeAt(text, text.length)).map((s) => s.label);

describe('the scenario editor\'s schema help', () => {
  it('offers the top-level keys not yet written', () => {
    const keys = at('name: my-drill\ntitle: x\n');
    expect(keys).toEqual(expect.arrayContaining(['topology', 'policy', 'workload', 'timeline', 'expectations', 'duration']));
    expect(keys).not.toContain('name');
  });

  it('offers every step kind after "- do: " and a step\'s members inside its flow mapping', () => {
    expect(at('timeline:\n  - do: ')).toEqual(expect.arrayContaining(['kms-region-outage', 'key-policy-revoke', 'restore-access', 'node-address-change']));
    expect(at('timeline:\n  - { do: kms-region-outage, ')).toEqual(expect.arrayContaining(['region', 'duration', 'mode', 'at']));
    expect(at('timeline:\n  - { do: kms-region-outage, ')).not.toContain('key');
    expect(at('timeline:\n  - { do: kms-region-outage, mode: ')).toEqual(['refused', 'timeout']);
  });

  it('offers nested policy keys and enum values', () => {
    expect(at('policy:\n  ')).toEqual(expect.arrayContaining(['cache', 'healthCheck', 'onKeyAccessLoss', 'failover']));
    expect(at('policy:\n  onKeyAccessLoss:\n    action: ')).toEqual(['serve-from-cache', 'shut-down']);
    expect(at('policy:\n  failover: ')).toEqual(['none', 'manual', 'automatic']);
  });

  it('offers expectation kinds, and an expectation\'s own members', () => {
    expect(at('expectations:\n  - { expect: ')).toEqual(expect.arrayContaining(['availability', 'snapshots-lost', 'kms-calls']));
    expect(at('expectations:\n  - { expect: snapshots-lost, ')).toEqual(expect.arrayContaining(['cluster', 'takenBefore', 'lost']));
  });

  it('hover help describes a key from the schema', () => {
    const text = 'policy:\n  healthCheck: 5m';
    expect(describeKey(schema, placeAt(text, text.length), 'healthCheck')).toMatch(/How often a node proves it can still reach its key/);
  });
});

describe('the scenario editor\'s names', () => {
  const scenario = [
    'name: x',
    'topology:',
    '  regions: [us-east-1, us-west-2]',
    '  tenants:',
    '    - id: acme',
    '      keys:',
    '        - { id: acme-cmk, region: us-east-1, multiRegion: true, replicas: [us-west-2] }',
    '  clusters:',
    '    - id: acme-prod',
    '      tenant: acme',
    '      key: acme-cmk',
    '      nodes:',
    '        - { id: n1, region: us-east-1, zone: us-east-1a }',
    '        - { id: n2, region: us-east-1, zone: us-east-1b }',
    'timeline:',
    '  - { do: kms-region-outage, id: outage, at: 1h, region: us-east-1 }',
    '',
  ].join('\n');
  const offered = (text: string) => {
    const place = placeAt(text, text.length);
    return nameSuggestions(place.path, place.key, scenarioNames(text)).map((s) => s.label);
  };

  it('offers the clusters, nodes, keys, zones and regions the scenario declares where a step names one', () => {
    expect(offered(`${scenario}  - { do: rotate-master-keys, at: 2h, cluster: `)).toEqual(['acme-prod']);
    expect(offered(`${scenario}  - { do: node-crash, at: 2h, node: `)).toEqual(['acme-prod/n1', 'acme-prod/n2']);
    expect(offered(`${scenario}  - { do: key-disable, at: 2h, key: `)).toEqual(['acme-cmk']);
    expect(offered(`${scenario}  - { do: zone-outage, at: 2h, zone: `)).toEqual(['us-east-1a', 'us-east-1b']);
    expect(offered(`${scenario}  - { do: kms-latency, at: 2h, region: `)).toEqual(['us-east-1', 'us-west-2']);
  });

  it('offers step ids, operations and error codes in expectations, and names declared below the cursor too', () => {
    expect(offered(`${scenario}expectations:\n  - { expect: error-code-after, after: `)).toEqual(['outage']);
    expect(offered(`${scenario}expectations:\n  - { expect: error-code-after, after: outage, code: `)).toEqual(expect.arrayContaining(['AccessDeniedException', 'DisabledException', 'NetworkingError']));
    expect(offered(`${scenario}expectations:\n  - { expect: kms-calls, operation: `)).toEqual(expect.arrayContaining(['Decrypt', 'GenerateDataKey']));
    // The timeline written first, the topology after it: the names come from the whole text.
    const later = `timeline:\n  - { do: rotate-master-keys, at: 2h, cluster: \n${scenario.replace('timeline:\n', 'timeline2:\n')}`;
    const cursor = later.indexOf('cluster: ') + 'cluster: '.length;
    const place = placeAt(later, cursor);
    expect(nameSuggestions(place.path, place.key, scenarioNames(later)).map((s) => s.label)).toEqual(['acme-prod']);
  });

  it('a cluster\'s tenant and key offer the tenants and keys; a node\'s own zone is declared, not offered', () => {
    expect(offered(`${scenario.split('      tenant: acme')[0]}      tenant: `)).toEqual(['acme']);
    expect(offered(`${scenario}`.replace(/timeline:[\s\S]*$/, '') + '    - id: other\n      tenant: acme\n      key: ')).toEqual(['acme-cmk']);
    expect(offered(`${scenario.split('  timeline:')[0]}    - id: other\n      nodes:\n        - { id: n1, zone: `)).toEqual([]);
  });

  it('keys already written below the cursor are not offered again, and hover help does not repeat the key', () => {
    const text = 'policy:\n  \n  failover: automatic\n  healthCheck: 5m\n';
    const keys = suggestions(schema, placeAt(text, 'policy:\n  '.length)).map((s) => s.label);
    expect(keys).toContain('cache');
    expect(keys).not.toContain('failover');
    expect(keys).not.toContain('healthCheck');
    const bare = 'topology:\n  regions: [us-east-1]';
    expect(describeKey(schema, placeAt(bare, bare.length), 'regions')).not.toMatch(/^regions:/);
  });

  it('a text being typed, not valid YAML for a moment, still gives the names written', () => {
    expect(offered(`${scenario}  - { do: rotate-master-keys, at: "2h, cluster: `)).toEqual(['acme-prod']);
    expect(offered(`${scenario}  - { do: rotate-master-keys\n  - { do: node-crash, at: 2h, node: `)).toEqual(['acme-prod/n1', 'acme-prod/n2']);
  });
});
