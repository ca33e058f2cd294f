import { describe, expect, it } from 'vitest';
import { parseJUnit, summarise, type SuiteConfig } from '../conformance/localstack-kms/suite-report';

const ID = (name: string, cls = 'TestKMS') => `tests/aws/services/kms/test_kms.py::${cls}::${name}`;

const config: SuiteConfig = {
  repository: 'localstack/localstack',
  commit: '8b9a79f05846835cf4dff63ab7eefdde9df83783',
  commitDate: '2026-03-23',
  floor: 2,
  expectedFailures: [{ id: ID('test_stale'), why: 'recorded before a field existed', aws: 'https://docs.aws.amazon.com/x' }],
};

const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.aws.services.kms.test_kms.TestKMS" name="test_ok[12]" time="0.1" />
<testcase classname="tests.aws.services.kms.test_kms.TestKMS" name="test_also_ok" time="0.1"></testcase>
<testcase classname="tests.aws.services.kms.test_kms.TestKMS" name="test_stale" time="0.1"><failure message="&gt;&gt; match key: x">long traceback</failure></testcase>
<testcase classname="tests.aws.services.kms.test_kms.TestKMS" name="test_broken" time="0.1"><failure message="&gt;&gt; match key: create_alias&#10;&#09;#x1B[33m(~)#x1B[0m /Error/Message 'a' → 'b' ... (expected → actual)">E   assert 1 == 2</failure></testcase>
</testsuite></testsuites>`;

describe('the LocalStack suite report', () => {
  it('reads each JUnit test case as passed or failed, with the failure text unescaped', () => {
    const results = parseJUnit(xml);
    expect(results.map((r) => [r.key, r.outcome])).toEqual([
      ['TestKMS::test_ok[12]', 'passed'], ['TestKMS::test_also_ok', 'passed'], ['TestKMS::test_stale', 'failed'], ['TestKMS::test_broken', 'failed'],
    ]);
    expect(results[3]?.detail).toContain("(~)#x1B[0m /Error/Message 'a' → 'b'");
  });

  it('counts passes among the in-scope ids, names stale recordings as expected, shows what differed, and holds the floor', () => {
    const ids = [ID('test_ok[12]'), ID('test_also_ok'), ID('test_stale'), ID('test_broken'), ID('test_missing')];
    const embedded = summarise(parseJUnit(xml), ids, config, 'embedded');
    expect(embedded.passed).toBe(2);
    expect(embedded.belowFloor).toBe(false);
    expect(embedded.text).toContain('2 of 5 passed (floor 2)');
    expect(embedded.text).toContain('1 expected failure on recordings older');
    expect(embedded.text).toContain("(~) /Error/Message 'a' → 'b'");
    expect(embedded.text).toContain('FAILED    TestKMS::test_missing\n            not run');
    expect(summarise(parseJUnit(xml), ids, { ...config, floor: 3 }, 'embedded').belowFloor).toBe(true);
    // LocalStack's figure is reported only: no floor, and no failure is "expected" for it.
    const localstack = summarise(parseJUnit(xml), ids, { ...config, floor: 3 }, 'localstack');
    expect(localstack.belowFloor).toBe(false);
    expect(localstack.text).toContain('FAILED    TestKMS::test_stale');
  });
});
