import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src-shared/scenario-json-schema';
import { describeKey, placeAt, suggestions, type JsonSchema } from '../../src-renderer/src/editor/schema-context';

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
