import { describe, expect, it } from 'vitest';
import { describePlan, planDrill } from '../../src-main/cli/dry-run';
import { BUILT_IN_DIR } from '../../src-main/drill/scenario-catalog';
import { loadScenarioFile, parseScenarioText } from '../../src-main/drill/scenario-loader';

describe('drill run --dry-run', () => {
  it('lists a multi-Region key, its replica and its alias in both regions, billed as two keys', () => {
    const plan = planDrill(loadScenarioFile(`${BUILT_IN_DIR}/regional-outage-multi-region-key.yaml`));
    expect(plan.keys).toHaveLength(1);
    expect(plan.keys[0]).toMatchObject({ region: 'us-east-1', multiRegion: true, replicas: ['us-west-2'], tags: { 'keydrill:scenario': 'regional-outage-multi-region-key' } });
    expect(plan.keys[0]?.aliases.map((a) => a.region)).toEqual(['us-east-1', 'us-west-2']);
    expect(plan.billedKeys).toBe(2);
    const text = describePlan(plan, 'aws', undefined);
    expect(text).toContain('replica in us-west-2');
    expect(text).toContain('Nothing was created');
  });

  it('names each backend as a sentence does, and says what becomes of the keys there', () => {
    const plan = planDrill(loadScenarioFile(`${BUILT_IN_DIR}/regional-outage-multi-region-key.yaml`));
    const lines = (backend: string, endpoint: string | undefined) => describePlan(plan, backend, endpoint).split('\n');
    const header = 'dry run: drill regional-outage-multi-region-key would create these in';
    expect(lines('aws', undefined)[0]).toBe(`${header} AWS KMS at its regional endpoints:`);
    expect(lines('aws', 'https://kms.eu-west-1.amazonaws.com')[0]).toBe(`${header} AWS KMS at https://kms.eu-west-1.amazonaws.com:`);
    expect(lines('localstack', 'http://localhost:4566')[0]).toBe(`${header} LocalStack's KMS at http://localhost:4566:`);
    expect(lines('embedded', undefined)[0]).toBe(`${header} the embedded KMS, which runs in this process:`);
    expect(lines('aws', undefined)).toContain('  2 KMS keys in all (1 primary and 1 replica); AWS bills each until it is deleted');
    expect(lines('localstack', 'http://localhost:4566')).toContain('  2 KMS keys in all (1 primary and 1 replica)');
    for (const backend of ['aws', 'localstack']) {
      expect(lines(backend, undefined)).toContain('When the drill ends (or is interrupted with Ctrl-C), its aliases are deleted and its keys are scheduled for deletion after a 7-day waiting period.');
    }
    // Keys of the embedded KMS go with it: neither scheduled deletions nor keydrill cleanup apply there.
    expect(lines('embedded', undefined).join('\n')).not.toMatch(/cleanup|scheduled for deletion| at in /);
  });

  it('lists a grant per region for keys the service reaches by grant, and the steps that change keys', () => {
    const plan = planDrill(parseScenarioText(`name: g
title: grants
duration: 1h
topology:
  regions: [us-east-1, eu-west-1]
  tenants:
    - id: t
      keys: [{ id: k, region: us-east-1, multiRegion: true, replicas: [eu-west-1], serviceAccess: grant }]
  clusters:
    - { id: c, tenant: t, key: k, nodes: [{ id: n, region: us-east-1, zone: a }], databases: [d] }
workload: { opsPerSecondPerDatabase: 1 }
timeline:
  - { do: grant-revoke, id: revoke, at: 10m, key: k }
`));
    expect(plan.keys[0]?.grants.map((g) => g.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(plan.backendSteps).toEqual([{ step: 0, do: 'grant-revoke', at: 600_000 }]);
  });
});
